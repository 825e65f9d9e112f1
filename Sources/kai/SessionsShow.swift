import ArgumentParser
import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

/// `kai sessions show ID`: one session whole — its messages, the tool calls
/// with their results, approvals, usage and cost, status, and how to resume
/// or continue it.
struct SessionsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One session: messages, tool calls and results, approvals, usage, cost, status.")

    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: ArgumentHelp("The session id (kai sessions list).", valueName: "id")) var id: String
    @Flag(name: .long, help: "Print JSON: the session, its events and its approvals.") var json = false

    func validate() throws {
        guard SessionID.isValid(id) else {
            throw ValidationError("'\(id)' is not a session id (s and 10 hex digits, e.g. s0123456789). Run 'kai sessions list' to see them.")
        }
    }

    func run() throws {
        let store = try runtime.openStore()
        let found: SessionRecord?, events: [SessionEvent], approvals: [ApprovalRecord]
        do throws(StoreError) {
            found = try store.session(id: id)
            events = try store.sessionEvents(sessionID: id)
            approvals = try store.approvals(status: nil).filter { $0.sessionID == id }
        } catch {
            throw storeFailure(error)
        }
        guard let session = found else {
            throw ExitCodes.fail("no session \(id). Run 'kai sessions list' to see the sessions in this registry.", ExitCodes.notFound)
        }
        if json {
            Console.visibleJSON([
                "session": SessionText.json(session).merging(["state": session.state]),
                "events": .array(events.map { ["seq": .integer(Int64($0.seq)), "at": .number($0.at), "kind": .string($0.kind), "body": $0.body] }),
                "approvals": .array(approvals.map(ApprovalText.json)),
            ])
            return
        }
        Console.out(Self.text(session, events: events, approvals: approvals))
    }

    static func text(_ session: SessionRecord, events: [SessionEvent], approvals: [ApprovalRecord]) -> String {
        let usage = "tokens \(session.inputTokens) in / \(session.outputTokens) out" + (session.costUSD.map { " · cost " + RunOutcomeText.cost($0) } ?? "")
        var lines = [
            "session \(session.id) · agent \(TerminalText.visible(session.agent)) · \(session.status)",
            "task:    " + RunStepLine.oneLine(session.task),
            "started: \(SessionText.time(session.createdAt)) · updated \(SessionText.time(session.updatedAt))",
            "usage:   " + usage,
        ]
        let messages = session.state["messages"]?.arrayValue ?? []
        if !messages.isEmpty { lines += ["", "messages:"] + SessionTranscript.lines(messages) }
        let steps = events.compactMap { event in SessionTranscript.eventLine(event, start: session.createdAt) }
        if !steps.isEmpty { lines += ["", "events:"] + steps }
        if !approvals.isEmpty { lines += ["", "approvals:"] + approvals.map { "  " + ApprovalText.line($0) } }
        lines += ["", "next: " + SessionText.next(session)]
        return lines.joined(separator: "\n")
    }
}

extension JSONValue {
    /// This object with `other`'s members added (replacing same-named ones).
    func merging(_ other: JSONObject) -> JSONValue {
        guard var object = objectValue else { return self }
        for (key, value) in other { object[key] = value }
        return .object(object)
    }
}

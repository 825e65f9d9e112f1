import ArgumentParser
import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

/// `kai sessions list | show ID`: the runs kept in the registry database.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "The agent runs (sessions) in the registry: list them, show one.",
        subcommands: [SessionsList.self, SessionsShow.self])
}

struct SessionsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Sessions, newest first: id, agent, status, start, model turns, tool calls, tokens, cost, task.")

    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .long, help: "At most this many sessions.") var limit = 50
    @Flag(name: .long, help: "Print JSON.") var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit).") }
    }

    func run() throws {
        let store = try runtime.openStore()
        let sessions: [SessionRecord]
        do throws(StoreError) {
            sessions = try store.sessions(limit: limit)
        } catch {
            throw storeFailure(error)
        }
        // Tool calls are counted from the recorded events: an agent's own
        // calls (the coder's sandbox runs) never appear in its model history.
        let counted = (try? store.sessionEventCounts(kind: "tool_call", sessionIDs: sessions.map(\.id))) ?? [:]
        let toolCalls = sessions.map { counted[$0.id] ?? 0 }
        if json {
            Console.visibleJSON(.array(zip(sessions, toolCalls).map { SessionText.json($0, toolCalls: $1) }))
            return
        }
        var table = TextTable(header: ["ID", "AGENT", "STATUS", "STARTED", "TURNS", "TOOLS", "IN", "OUT", "COST", "TASK"])
        for (session, tools) in zip(sessions, toolCalls) {
            let counts = (turns: SessionText.counts(session.state).turns, tools: tools)
            table.rows.append([
                session.id, session.agent, session.status, SessionText.time(session.createdAt),
                "\(counts.turns)", "\(counts.tools)", "\(session.inputTokens)", "\(session.outputTokens)",
                session.costUSD.map(RunOutcomeText.cost) ?? "-", SessionText.cut(session.task, 48),
            ])
        }
        Console.out(table.visible().render())
    }
}

/// How sessions read in listings and `show`.
enum SessionText {
    /// Model turns (assistant messages) and tool calls (tool results) in the
    /// session's history.
    static func counts(_ state: JSONValue) -> (turns: Int, tools: Int) {
        let messages = state["messages"]?.arrayValue ?? []
        let roles = messages.compactMap { $0["role"]?.stringValue }
        return (roles.filter { $0 == "assistant" }.count, roles.filter { $0 == "tool" }.count)
    }

    static func time(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }

    /// On one line, at most `length` characters.
    static func cut(_ text: String, _ length: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= length ? flat : String(flat.prefix(length - 1)) + "…"
    }

    static func json(_ session: SessionRecord, toolCalls: Int? = nil) -> JSONValue {
        var counts = counts(session.state)
        if let toolCalls { counts.tools = toolCalls }
        return [
            "id": .string(session.id), "agent": .string(session.agent), "status": .string(session.status),
            "task": .string(session.task), "starterUID": .integer(Int64(session.starterUID)),
            "createdAt": .number(session.createdAt), "updatedAt": .number(session.updatedAt),
            "turns": .integer(Int64(counts.turns)), "toolCalls": .integer(Int64(counts.tools)),
            "inputTokens": .integer(Int64(session.inputTokens)), "outputTokens": .integer(Int64(session.outputTokens)),
            "costUSD": session.costUSD.map(JSONValue.number) ?? .null,
        ]
    }

    /// What to do next with a session in this status.
    static func next(_ session: SessionRecord) -> String {
        switch session.status {
        case "paused": "paused: once its approvals are decided (kai approvals list), resume it: kai run --resume \(session.id)"
        case "interrupted", "running": "resume it: kai run --resume \(session.id)"
        default: "add a turn: kai run --continue \(session.id) \"FOLLOW-UP\""
        }
    }
}

import ArgumentParser
import Foundation
import KaiCore
import KaiRuntime

/// `kai run "task"`: an agent works on a task with tools, under the
/// operator's approval policy, a chain limit and an optional budget. Its
/// text streams to stdout; each tool call, approval and delegation is a
/// compact line on stderr (RunDisplay); `--json` writes every event as one
/// JSON object per line instead (RunEventJSON).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run an agent on a task: it calls tools and providers, asking before risky calls.",
        discussion: """
            Without --agent, kai picks the best-scored agent for --task-type (default: assistant). \
            Tool calls the operator's approvals policy asks about (tools annotated destructive or open-world, tools \
            without annotations, tools the policy names) are asked on the terminal; with no terminal they are denied \
            unless --approve TOOL or --yes allows them (neither overrides a deny rule or a two-approver tool). \
            A two-approver call pauses the run: `kai approvals approve ID` by two other users, then `kai run --resume SESSION`. \
            Ctrl-C stops the run and keeps its session resumable. \
            Exit statuses: 0 done, 1 the agent gave up, 3 chain limit, 4 budget (--max-tokens, --max-cost), \
            5 a denial ended the run, 6 paused waiting for approvals, 130 Ctrl-C; a failed agent call exits as kai tools call does \
            (70 the agent failed, its message says why, e.g. its provider; 66 not found; 69 unavailable; 124 deadline); 64 usage.
            """)

    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var options: RunOptions
    @Argument(help: ArgumentHelp("The task; with --continue, the follow-up message.", valueName: "task")) var task: String?
    @Option(name: .long, help: ArgumentHelp("Continue a paused or interrupted session where it stopped.", valueName: "session"))
    var resume: String?
    @Option(name: .customLong("continue"), help: ArgumentHelp("Add a turn (the task argument) to a finished session.", valueName: "session"))
    var continueSession: String?
    @Flag(name: .long, help: "Print every event as one JSON object per line, then an outcome line.") var json = false

    func validate() throws {
        if resume != nil && continueSession != nil {
            throw ValidationError("--resume and --continue exclude each other. --resume continues a paused or interrupted session; --continue adds a turn to a finished one.")
        }
        if let resume, task != nil {
            throw ValidationError("--resume \(resume) takes no task: the session continues where it stopped. To add a turn to a finished session, use --continue \(resume) \"FOLLOW-UP\".")
        }
        if let continueSession, (task ?? "").isEmpty {
            throw ValidationError("--continue \(continueSession) needs the follow-up message: kai run --continue \(continueSession) \"FOLLOW-UP\".")
        }
        if resume == nil && continueSession == nil && (task ?? "").isEmpty {
            throw ValidationError("give the task: kai run \"TASK\" (or --resume SESSION, or --continue SESSION \"FOLLOW-UP\").")
        }
        for session in [resume, continueSession].compactMap({ $0 }) where !SessionID.isValid(session) {
            throw ValidationError("'\(session)' is not a session id (s and 10 hex digits, e.g. s0123456789). Run 'kai sessions list' to see them.")
        }
    }

    var start: AgentRunRequest.Start {
        if let resume { return .resume(session: resume) }
        if let continueSession { return .continueSession(session: continueSession, followUp: task ?? "") }
        return .task(task ?? "")
    }

    func run() throws {
        let token = CancellationToken()
        // Before the runtime opens: a Ctrl-C while plugins load must already cancel the run.
        let interrupt = RunInterrupt(token, quiet: json)
        let runtime = try self.runtime.openRuntime()
        var succeeded = false
        defer { CallRecording.confirm(runtime, callSucceeded: succeeded) }
        var request = options.request(start)
        request.cancellation = token
        request.prompter = TerminalApprovalPrompter.open(cancellation: token)
        let store = runtime.store
        let display: any RunWatcher = json ? RunEventJSON() : RunDisplay { id in (try? store.approval(id: id))??.needed }
        request.onEvent = { display.event($0) }
        let outcome: RunOutcome
        do throws(RunError) {
            outcome = try runtime.run(request)
        } catch {
            throw ExitCodes.fail(error.message, ExitCodes.forRunError(error))
        }
        interrupt.end()
        let status = ExitCodes.forRun(outcome)
        display.finish(outcome, exitStatus: status, limits: options)
        succeeded = outcome.status == .done
        if status != 0 { throw ExitCode(status) }
    }
}

/// The shape of a session id ("s" + 10 lowercase hex digits), checked
/// before anything opens so a typo gets a usage error naming the fix.
enum SessionID {
    static func isValid(_ text: String) -> Bool {
        isID(text, prefix: "s")
    }

    static func isApprovalID(_ text: String) -> Bool {
        isID(text, prefix: "a")
    }

    private static func isID(_ text: String, prefix: Character) -> Bool {
        text.count == 11 && text.first == prefix && text.dropFirst().allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

import ArgumentParser
import Dispatch
import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

struct ToolsCall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a tool with JSON arguments and print its JSON result.",
        discussion: "Arguments are validated against the tool's input schema before the plugin sees them. Ctrl-C cancels the call."
    )

    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: "Tool name, bare or qualified as plugin.tool.") var name: String
    @Option(name: .long, help: ArgumentHelp("JSON arguments; '-' reads stdin, '@file.json' reads a file.", valueName: "json"))
    var args: String = "{}"
    @Option(name: .long, help: ArgumentHelp("Deadline in seconds.", valueName: "seconds")) var timeout: Double?
    @Flag(name: .long, inversion: .prefixedNo, help: "Pretty-print the result (default: when stdout is a terminal).")
    var pretty: Bool?
    @Flag(name: .long, help: "Show the tool's progress events on stderr.") var progress = false
    @Option(name: .long, help: ArgumentHelp("Record the call under this task type (e.g. coding, research).", valueName: "type"))
    var taskType: String?

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) {
            throw ValidationError("--timeout must be a positive number of seconds, got '\(timeout)'.")
        }
    }

    func run() throws {
        let arguments = try readArguments()
        let runtime = try self.runtime.openRuntime()
        let host = runtime.host
        // The call is acknowledged (exit 0) only once its record is on disk.
        var succeeded = false
        defer { CallRecording.confirm(runtime, callSucceeded: succeeded) }
        let token = CancellationToken()
        let entry = try? host.tools.resolve(name)
        if let entry {
            if entry.plugin.status == .deprecated {
                Console.warning("plugin \(entry.plugin.id) is deprecated by the operator; it may be removed soon.")
            }
        }
        // An in-process plugin runs on this thread: only a watchdog can end
        // a call that ignores its deadline or Ctrl-C. Workers are killed by
        // their supervisor instead.
        let watchdog = entry.flatMap { entry in
            entry.plugin.settings.isolation == .inprocess
                ? Self.watchdog(entry, timeout: timeout, arguments: arguments, taskType: taskType, store: runtime.store) : nil
        }
        let signalSource = Self.cancelOnInterrupt(token, watchdog: watchdog)
        defer { signalSource.cancel() }
        do {
            let options = CallOptions(timeout: timeout, cancellation: token, onEvent: progress ? Self.showProgress : nil, taskType: taskType)
            let result: ToolResult
            do {
                // Lost the race: the watchdog is reporting the call and ending kai.
                defer { if watchdog?.finished() == false { CallWatchdog.park() } }
                result = try host.callTool(name, arguments: arguments, options: options)
            }
            if pretty ?? Console.stdoutIsTerminal, let value = try? JSONParser.parse(result.json) {
                Console.visibleJSON(value)
            } else {
                Console.out(TerminalText.visibleJSON(result.text))
            }
            succeeded = true
        } catch {
            runtime.callFailed(error)
            throw ExitCodes.fail(error.description, ExitCodes.forCallError(error))
        }
    }

    /// A watchdog that, when it gives up on the call, records it in the
    /// registry as killed (it counts against the plugin like a worker that
    /// had to be killed) before kai exits.
    private static func watchdog(
        _ entry: ToolIndex.Entry, timeout: Double?, arguments: [UInt8], taskType: String?, store: RegistryStore
    ) -> CallWatchdog {
        let startedAt = WallClock.now(), started = MonotonicClock.now()
        return CallWatchdog(plugin: entry.plugin.id, tool: entry.qualifiedName, timeout: timeout) { reason in
            store.callFinished(CallReport(
                tool: entry.qualifiedName, plugin: entry.plugin.id, capabilityKind: entry.capability.kind,
                startedAt: startedAt, durationNanoseconds: MonotonicClock.now() - started,
                code: reason == .deadline ? .deadlineExceeded : .cancelled,
                errorKind: reason == .deadline ? .deadlineKilled : .cancelKilled,
                taskType: taskType, arguments: arguments, result: [], depth: 0))
            store.flush()
        }
    }

    @Sendable private static func showProgress(_ event: ToolEvent) -> EventReply {
        if case .progress(let done, let total, let message) = event {
            let amount = total.map { "\(Self.number(done))/\(Self.number($0))" } ?? Self.number(done)
            Console.note("progress: \(amount)" + (message.isEmpty ? "" : " \(TerminalText.visible(message))"))
        }
        return .continue
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// --args as given: literal JSON, '-' for stdin, '@path' for a file.
    private func readArguments() throws -> [UInt8] {
        if args == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        if args.hasPrefix("@") {
            let path = String(args.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ExitCodes.fail("cannot read --args file '\(path)': no such readable file. Give '@' followed by the path of a JSON file.", ExitCodes.usage)
            }
            return Array(data)
        }
        return RawArgument.bytes(ofOption: "--args", parsed: args) ?? Array(args.utf8)
    }

    /// Ctrl-C cancels the call cooperatively: the plugin sees is_cancelled()
    /// turn true. A second Ctrl-C, with the call still running, ends kai:
    /// through the watchdog (exit 130 with a message) for an in-process
    /// plugin, else by SIGINT's default action.
    private static func cancelOnInterrupt(_ token: CancellationToken, watchdog: CallWatchdog?) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if let watchdog {
                if watchdog.interrupted() { token.cancel() }
                return
            }
            if token.isCancelled {
                signal(SIGINT, SIG_DFL)
                raise(SIGINT)
            }
            token.cancel()
        }
        source.resume()
        return source
    }
}

import ArgumentParser
import Dispatch
import Foundation
import KaiCore
import KaiJSON

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
        defer {
            host.shutdown()
            CallRecording.confirm(runtime.store, callSucceeded: succeeded)
        }
        let token = CancellationToken()
        let signalSource = Self.cancelOnInterrupt(token)
        defer { signalSource.cancel() }
        if let entry = try? host.tools.resolve(name) {
            if entry.plugin.status == .deprecated {
                Console.warning("plugin \(entry.plugin.id) is deprecated by the operator; it may be removed soon.")
            }
            try SupervisionGate.check(entry, store: runtime.store)
        }
        do {
            let options = CallOptions(timeout: timeout, cancellation: token, onEvent: progress ? Self.showProgress : nil, taskType: taskType)
            let result = try host.callTool(name, arguments: arguments, options: options)
            if pretty ?? Console.stdoutIsTerminal, let value = try? JSONParser.parse(result.json) {
                Console.out(value.serialized(pretty: true))
            } else {
                Console.out(result.text)
            }
            succeeded = true
        } catch {
            WorkerFailureWindow.check(error, host: host, store: runtime.store)
            throw ExitCodes.fail(error.description, ExitCodes.forCallError(error))
        }
    }

    @Sendable private static func showProgress(_ event: ToolEvent) -> EventReply {
        if case .progress(let done, let total, let message) = event {
            let amount = total.map { "\(Self.number(done))/\(Self.number($0))" } ?? Self.number(done)
            Console.note("progress: \(amount)" + (message.isEmpty ? "" : " \(message)"))
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
        return Array(args.utf8)
    }

    /// Ctrl-C cancels the call cooperatively: the plugin sees is_cancelled()
    /// turn true. A second Ctrl-C, with the call still running, kills kai.
    private static func cancelOnInterrupt(_ token: CancellationToken) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
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

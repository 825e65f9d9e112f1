import CKaiABI
import Foundation
import Glibc
import KaiJSON
import Logging
import Synchronization

/// One running worker process as the host sees it: the process, the framed
/// pipes (its fd 3 reads requests, fd 4 writes answers), and its stdout and
/// stderr (two pipes, each drained by an OutputDrain and logged at debug
/// level; stdout bytes are counted, since a plugin must not write there).
final class WorkerConnection: Sendable {
    let process: WorkerProcess
    let mux: FrameMux
    /// The drain of the worker's stdout (see OutputDrain.sync).
    let stdout: OutputDrain?
    private let ids = Atomic<UInt32>(0)

    private init(process: WorkerProcess, mux: FrameMux, stdout: OutputDrain?) {
        self.process = process
        self.mux = mux
        self.stdout = stdout
    }

    /// A request id unique on this connection (never 0: 0 routes nowhere).
    func nextID() -> UInt32 {
        let id = ids.wrappingAdd(1, ordering: .relaxed).newValue
        return id == 0 ? ids.wrappingAdd(1, ordering: .relaxed).newValue : id
    }

    enum StartOutcome {
        case ready(WorkerConnection)
        /// The worker runs but the plugin did not load or create() failed:
        /// a property of the plugin and its config, reported like in-process.
        case createFailed(PluginLoadError)
        /// The worker could not start or died starting: how, as a phrase
        /// ("was killed by SIGSEGV (segmentation fault) while starting ...").
        case failed(String)
    }

    /// Starts a worker for `path`, then has it create the instance with
    /// `config`, within `policy.startTimeout`.
    static func start(
        path: String, pluginID: String, config: [UInt8], policy: WorkerPolicy, logger: Logger, stdoutBytes: ByteCounter
    ) -> StartOutcome {
        let executable = policy.resolvedExecutable
        let environment = WorkerEnvironment.build(from: ProcessInfo.processInfo.environment)
        let process: WorkerProcess
        do {
            process = try WorkerProcess.spawn(
                executable,
                arguments: ["--serve", path, "--parent", "\(getpid())", "--address-space", "\(policy.addressSpaceBytes)",
                            "--open-files", "\(policy.maxOpenFiles)"]
                    + (policy.sandboxed ? ["--sandbox", "1", "--network", policy.network ? "1" : "0"] : []),
                environment: environment,
                layout: [(0, .devNull), (3, .input), (4, .output), (2, .output), (1, .output)])
        } catch {
            return .failed("could not be started (\(error.message)). Install kai-plugin-worker next to kai or set KAI_PLUGIN_WORKER.")
        }
        _ = process.pipes[2].flatMap { OutputDrain($0, name: "stderr", counter: nil, pluginID: pluginID, logger: logger) }
        let stdout = process.pipes[1].flatMap { OutputDrain($0, name: "stdout", counter: stdoutBytes, pluginID: pluginID, logger: logger) }
        let mux = FrameMux(input: process.pipes[4]!, output: process.pipes[3]!) { frame in
            guard frame.kind == .log else { return frame.id }
            var reader = frame.reader
            if let level = try? reader.i32(), let message = try? reader.string() {
                logger.log(level: HostServices.logLevel(level), "\(message)", metadata: ["plugin": .string(pluginID)])
            }
            return nil
        }
        let connection = WorkerConnection(process: process, mux: mux, stdout: stdout)
        let id = connection.nextID()
        mux.send(WorkerFrame.encode(.create, id: id) { $0.bytes.append(contentsOf: config) })
        switch mux.next(id, until: MonotonicClock.deadline(after: policy.startTimeout)) {
        case .frame(let frame):
            guard let result = try? WorkerResult(frame) else {
                process.kill()
                return .failed("broke the worker protocol while starting")
            }
            if result.code == KAI_OK { return .ready(connection) }
            process.kill()
            let details = ErrorDetails.describe(result.errorDetails)
            if result.code == -1 {
                let message = result.errorDetails.flatMap { try? JSONParser.parse($0) }?["message"]?.stringValue ?? details
                return .createFailed(PluginLoadError(path: path, reason: .failedInHelper(message)))
            }
            return .createFailed(PluginLoadError(path: path, reason: .createFailed(ResultCode(plugin: result.code), details)))
        case .closed:
            if let violation = mux.protocolViolation {
                process.kill()
                return .failed("broke the worker protocol while starting (\(violation))")
            }
            let exit = process.waitForExit(within: 1)
            return .failed("\(exit) while starting (in the plugin's entry function, describe() or create())")
        case .timedOut:
            process.kill()
            return .failed("did not finish starting within \(WorkerConnection.seconds(policy.startTimeout)) (the plugin's entry function or create() hangs) and was killed")
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.3g s", value)
    }
}

/// A decoded `result` frame.
struct WorkerResult {
    let code: kai_result
    let output: [UInt8]
    let errorDetails: [UInt8]?
    let overflowed: Bool

    init(_ frame: WorkerFrame) throws(FrameError) {
        guard frame.kind == .result else { throw FrameError(description: "expected a result frame") }
        var reader = frame.reader
        code = try reader.i32()
        output = try reader.data()
        let details = try reader.data()
        errorDetails = details.isEmpty ? nil : details
        overflowed = try reader.u8() != 0
    }
}

/// A running total shared across threads (bytes a plugin wrote to stdout).
final class ByteCounter: Sendable {
    private let total = Atomic<Int>(0)

    func add(_ count: Int) { total.wrappingAdd(count, ordering: .relaxed) }
    var value: Int { total.load(ordering: .relaxed) }
}

import Foundation
import KaiJSON
import KaiSandbox
import Synchronization

/// Runs each sample in its own fresh Kai sandbox, like SandboxSampleRunner,
/// but forked from a warm Python (EvalForkServer) instead of a new
/// interpreter: the same launcher code builds the same sandbox with the same
/// limits; the sample skips the interpreter's start-up and the imports every
/// prompt repeats. One server per concurrent run, kept in a pool; a server
/// that fails is dropped and the next run starts a new one.
public final class ForkServerSampleRunner: SampleRunner, @unchecked Sendable {
    public let base: SandboxSampleRunner
    public let libraryPath: String
    private let idle = Mutex<[SandboxForkServer]>([])

    /// `@unchecked Sendable`: `idle` is a Mutex; `base` and `libraryPath`
    /// are constants.
    public init(base: SandboxSampleRunner, libraryPath: String = SandboxForkServer.defaultLibraryPath) {
        self.base = base
        self.libraryPath = libraryPath
    }

    deinit {
        for server in idle.withLock({ $0 }) { server.stop() }
    }

    /// The environment the server and so every sample's Python sees: the
    /// launcher's allow-list (launcher.c, build_env).
    static let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8"]

    public func run(program: String, timeout: Double) -> SampleOutcome {
        let nonce = SandboxSampleRunner.newNonce()
        return SandboxSampleRunner.withProgramFile(program, nonce: nonce) { file in
            let request = base.request(stdinFile: file, timeout: timeout, environment: [:])
            let server: SandboxForkServer
            do throws(SandboxError) {
                if let warm = idle.withLock({ $0.popLast() }) { server = warm } else { server = try start() }
            } catch {
                return SandboxSampleRunner.sandboxError(error)
            }
            do throws(SandboxError) {
                let report = try server.run(request, fields: ["nonce": .string(nonce), "timeout": .number(timeout)])
                idle.withLock { $0.append(server) }
                return SandboxSampleRunner.outcome(report, nonce: nonce)
            } catch {
                server.stop()
                return SandboxSampleRunner.sandboxError(error)
            }
        }
    }

    private func start() throws(SandboxError) -> SandboxForkServer {
        try SandboxForkServer(command: [base.python, "-I", "-S", "-c", EvalForkServer.script, libraryPath],
                              environment: Self.environment)
    }
}

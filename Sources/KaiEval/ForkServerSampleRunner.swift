import Foundation
import KaiJSON
import KaiSandbox
import Synchronization

/// Runs each sample in its own fresh Kai sandbox, like SandboxSampleRunner,
/// but forked from a warm Python (EvalForkServer) instead of a new
/// interpreter: the same launcher code builds the same sandbox with the same
/// limits; the sample skips the interpreter's start-up and the imports every
/// prompt repeats. One server per concurrent run, kept in a pool with the
/// file its samples' programs are written to (ProgramFile); a server that
/// fails is dropped and the next run starts a new one.
public final class ForkServerSampleRunner: SampleRunner, @unchecked Sendable {
    public let base: SandboxSampleRunner
    public let libraryPath: String
    private let idle = Mutex<[Worker]>([])
    /// Where each new server's program file comes from (it stays with the
    /// server; the pool only makes them and keeps their directory).
    private let programs = ProgramFilePool()

    /// A server and the program file only its holder writes.
    private struct Worker {
        let server: SandboxForkServer
        let file: ProgramFile
    }

    /// `@unchecked Sendable`: `idle` is a Mutex, `programs` is Sendable;
    /// `base` and `libraryPath` are constants.
    public init(base: SandboxSampleRunner, libraryPath: String = SandboxForkServer.defaultLibraryPath) {
        self.base = base
        self.libraryPath = libraryPath
    }

    deinit {
        for worker in idle.withLock({ $0 }) { worker.server.stop() }
        idle.withLock { $0.removeAll() }  // the files go with their workers, then the pool removes the directory
    }

    /// Where this runner writes its servers' program files (made with its
    /// first server; nil before), removed with the runner.
    public var programDirectory: String? { programs.directory }

    /// The environment the server and so every sample's Python sees: the
    /// launcher's allow-list (launcher.c, build_env).
    static let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8"]

    public func run(program: String, timeout: Double) -> SampleOutcome {
        let profile = EvalProfile.active
        let nonce = SandboxSampleRunner.newNonce()
        let worker: Worker
        do throws(SandboxError) {
            let asked = EvalProfile.stamp()
            let (warm, got, released) = idle.withLock { idle in
                let got = EvalProfile.stamp()
                let warm = idle.popLast()
                return (warm, got, EvalProfile.stamp())
            }
            profile?.lock("fork server pool (take)", asked: asked, got: got, released: released)
            if let warm {
                worker = warm
            } else {
                worker = try start()
                profile?.phase("fork server start", since: released)
            }
        } catch {
            return SandboxSampleRunner.sandboxError(error)
        }
        let written = EvalProfile.stamp()
        do throws(ProgramFileError) {
            try worker.file.write(program)
        } catch {
            worker.server.stop()  // and the file goes with it: the next sample starts afresh, not on a dead path
            return SampleOutcome(result: "failed: \(error.description)", status: "sandbox_error", cpuTimeMs: 0, wallTimeMs: 0, peakMemoryKB: 0)
        }
        profile?.phase("program file write", since: written)
        let request = base.request(stdinFile: worker.file.path, timeout: timeout, environment: [:])
        do throws(SandboxError) {
            let sent = EvalProfile.stamp()
            let report = try worker.server.run(request, fields: ["nonce": .string(nonce), "timeout": .number(timeout)])
            worker.file.clear()
            profile?.phase("fork server round trip", since: sent)
            let asked = EvalProfile.stamp()
            let (got, released) = idle.withLock { idle in
                let got = EvalProfile.stamp()
                idle.append(worker)
                return (got, EvalProfile.stamp())
            }
            profile?.lock("fork server pool (return)", asked: asked, got: got, released: released)
            return SandboxSampleRunner.outcome(report, nonce: nonce)
        } catch {
            worker.server.stop()
            return SandboxSampleRunner.sandboxError(error)
        }
    }

    private func start() throws(SandboxError) -> Worker {
        let file: ProgramFile
        do throws(ProgramFileError) {
            file = try programs.take()
        } catch {
            throw .system(call: error.call + " " + error.path, errno: error.errno)
        }
        let server = try SandboxForkServer(command: [base.python, "-I", "-S", "-c", EvalForkServer.script, libraryPath],
                                           environment: Self.environment)
        return Worker(server: server, file: file)
    }
}

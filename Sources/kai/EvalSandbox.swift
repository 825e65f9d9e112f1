import Foundation
import KaiEval
import KaiSandbox

/// The sandbox `kai eval` runs samples in, checked once before the first
/// sample: a machine that cannot isolate fails the run up front, with the
/// launcher's reason, instead of failing every sample.
enum EvalSandbox {
    static func runner(timeout: Double, memoryMB: Int, requireIsolation: Bool) throws -> any SampleRunner {
        let sandbox = Sandbox()
        let probe: SandboxReport
        do {
            probe = try sandbox.run(SandboxRequest(command: ["/bin/true"], requireIsolation: requireIsolation))
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.unavailable)
        }
        if probe.status == .sandboxError {
            let fix = requireIsolation ? " Run on a machine that allows namespaces, cgroups and seccomp, or pass --no-require-isolation to accept weaker isolation." : ""
            throw ExitCodes.fail("the sandbox cannot run samples: \(probe.error ?? "unknown error").\(fix)", ExitCodes.unavailable)
        }
        let runner = SandboxSampleRunner(sandbox: sandbox, memoryMB: memoryMB, requireIsolation: requireIsolation)
        // The fork server needs the launcher as a library; without it every
        // sample starts its own interpreter (same isolation, slower).
        guard FileManager.default.isReadableFile(atPath: SandboxForkServer.defaultLibraryPath) else {
            let note = "kai eval: \(SandboxForkServer.defaultLibraryPath) not found; starting one interpreter per sample "
                + "(same isolation, slower; build it with `swift build --product KaiSandboxFork`)\n"
            FileHandle.standardError.write(Data(note.utf8))
            return runner
        }
        return ForkServerSampleRunner(base: runner)
    }
}

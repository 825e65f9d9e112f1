import KaiEval
import KaiSandbox

/// The sandbox `kai eval` runs samples in, checked once before the first
/// sample: a machine that cannot isolate fails the run up front, with the
/// launcher's reason, instead of failing every sample.
enum EvalSandbox {
    static func runner(timeout: Double, memoryMB: Int, requireIsolation: Bool) throws -> SandboxSampleRunner {
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
        return SandboxSampleRunner(sandbox: sandbox, memoryMB: memoryMB, requireIsolation: requireIsolation)
    }
}

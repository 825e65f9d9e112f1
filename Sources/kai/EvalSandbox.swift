import Foundation
import KaiEval
import KaiSandbox

/// The sandbox `kai eval` runs samples in, checked once before the first
/// sample: a machine that cannot isolate fails the run up front, with the
/// launcher's reason, instead of failing every sample; a fork server that
/// does not work is noted and replaced by one interpreter per sample.
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
        // A library that is there but does not work (stale, libseccomp
        // missing at run time, ctypes failing) would make every sample a
        // sandbox error: try it once on a trivial program first.
        let forkRunner = ForkServerSampleRunner(base: runner)
        let trial = forkRunner.run(program: "pass\n", timeout: 3)
        guard trial.result == "passed", trial.status == "ok" else {
            // One line: a traceback's first and last (the exception).
            let lines = trial.result.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let why = lines.count > 1 ? "\(lines[0]) ... \(lines[lines.count - 1])" : lines.first ?? trial.status
            let note = "kai eval: the sandbox fork server (\(SandboxForkServer.defaultLibraryPath)) failed a trial run "
                + "(\(why)); starting one interpreter per sample (same isolation, slower)\n"
            FileHandle.standardError.write(Data(note.utf8))
            return runner
        }
        return forkRunner
    }
}

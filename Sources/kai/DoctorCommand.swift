import ArgumentParser
import KaiSandbox

/// `kai doctor`: what this machine gives Kai, each piece tried for real by
/// the sandbox launcher (`kai-sandbox --probe`), with the fix for each one
/// missing.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show what this machine gives Kai's sandbox, and how to get what is missing.",
        discussion: """
            The sandbox launcher tries each piece for real, as a run makes it: the user, pid, network, mount, ipc, uts and cgroup namespaces, the user-namespace limits, no_new_privs, seccomp, a private uid, the cgroup version and each controller. Under each missing one: the fix. Findings marked * are required: kai eval (and kai sandbox run --require-isolation) refuses to run without them. The local model is shown as not applicable until model providers exist.
            Exit status: 0 when every required finding is ok; 1 when a required one is missing; 69 when the launcher cannot run or its findings cannot be read.
            """
    )

    @Flag(name: .long, help: "Print one JSON object (plugin-sdk/schema/doctor.schema.json).") var json = false

    func run() throws {
        let report: DoctorReport
        do {
            report = DoctorReport(try Sandbox().probe())
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.unavailable)
        }
        if json {
            Console.visibleJSON(report.json)
        } else {
            Console.out(report.text)
        }
        if !report.missingRequired.isEmpty { throw ExitCode(1) }
    }
}

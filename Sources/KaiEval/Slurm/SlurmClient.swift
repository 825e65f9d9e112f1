import Foundation

/// The Slurm client commands kai eval --slurm runs: sbatch to submit, sacct
/// to watch. Each call is a short-lived child process; the cluster is found
/// the way the commands find it (SLURM_CONF, /etc/slurm).
public struct SlurmClient: Sendable {
    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Submits `script` as an array job over `tasks` (sbatch's --array
    /// syntax: `0-7` or `3`) and returns the array job's id.
    public func submitArray(script: String, tasks: String, jobName: String, logPattern: String, extra: [String]) throws(SlurmError) -> String {
        let arguments = ["--parsable", "--array=\(tasks)", "--job-name=\(jobName)", "--output=\(logPattern)",
                         "--open-mode=append"] + extra + [script]
        let output = try run("sbatch", arguments).trimmingCharacters(in: .whitespacesAndNewlines)
        // --parsable prints "<id>" or "<id>;<cluster>".
        let id = output.split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw .unexpectedOutput(command: "sbatch", output: output)
        }
        return id
    }

    /// Fails unless sbatch is here and sacct can answer: run before anything is submitted,
    /// so a cluster without job accounting (or one that is down) is found
    /// before it runs a job nobody can watch.
    public func checkAccounting() throws(SlurmError) {
        guard executable("sbatch") != nil else { throw .commandMissing("sbatch") }
        _ = try sacct(["-n", "-X", "-j", "1", "-o", "JobID"])
    }

    /// The array tasks of the given array jobs, as sacct reports them now.
    /// A task sacct does not list yet (just submitted) is simply absent.
    public func taskStates(jobs: [String]) throws(SlurmError) -> [SlurmTaskState] {
        guard !jobs.isEmpty else { return [] }
        let output = try sacct(["-j", jobs.joined(separator: ","), "--parsable2", "--noheader", "-o", "JobID,State,ExitCode"])
        return SlurmTaskState.parse(sacct: output)
    }

    private func sacct(_ arguments: [String]) throws(SlurmError) -> String {
        do {
            return try run("sacct", arguments)
        } catch .commandFailed(_, _, let stderr) where stderr.contains("accounting storage is disabled") {
            throw .accountingDisabled
        }
    }

    /// Runs a Slurm command to completion and returns its stdout.
    func run(_ command: String, _ arguments: [String]) throws(SlurmError) -> String {
        guard let path = executable(command) else { throw .commandMissing(command) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .commandMissing(command) }
        // stdout first: sacct's listing can be long; stderr is a line or two
        // and cannot fill its pipe.
        let outputText = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .commandFailed(command: command, status: process.terminationStatus,
                                 stderr: String(decoding: errorText, as: UTF8.self))
        }
        return String(decoding: outputText, as: UTF8.self)
    }

    /// The command's path on this environment's PATH.
    func executable(_ command: String) -> String? {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(command)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

import Foundation

/// The Slurm client commands kai eval --slurm runs: sbatch to submit, sacct
/// to watch. Each call is a short-lived child process; the cluster is found
/// the way the commands find it (SLURM_CONF, /etc/slurm).
///
/// The commands get only an allow-list of the coordinator's environment, and
/// jobs are submitted with `--export=` of the few names a task needs: a
/// provider's API key in kai's environment never reaches slurmctld's state
/// or a node.
public struct SlurmClient: Sendable {
    public let environment: [String: String]

    /// What the Slurm commands may see of kai's environment.
    public static let allowed = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "USER", "LOGNAME", "TMPDIR",
                                 "SLURM_CONF", "KAI_CACHE_DIR"]
    /// What an array task gets of it (`sbatch --export=`; Slurm adds its SLURM_* variables).
    public static let exported = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "KAI_CACHE_DIR"]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment.filter { Self.allowed.contains($0.key) }
    }

    /// Submits `script` as an array job over `tasks` (sbatch's --array
    /// syntax: `0-7` or `3`) and returns the array job's id.
    public func submitArray(script: String, tasks: String, jobName: String, logPattern: String, extra: [String]) throws(SlurmError) -> String {
        // --no-requeue: kai alone resubmits, so a task never runs twice by Slurm's doing too.
        let export = Self.exported.filter { environment[$0] != nil }
        let arguments = ["--parsable", "--array=\(tasks)", "--job-name=\(jobName)", "--output=\(logPattern)",
                         "--open-mode=append", "--no-requeue", "--export=" + (export.isEmpty ? "NIL" : export.joined(separator: ","))]
            + extra + [script]
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

    /// Whether slurmctld still knows the task (pending, running, or ended
    /// within MinJobAge): sacct may not list a task yet right after sbatch
    /// (slurmdbd lags), and such a task must not be submitted twice. Only a
    /// clear "Invalid job id" counts as unknown; any other failure counts as
    /// known, so kai waits rather than resubmits.
    public func controllerKnows(_ jobID: String) -> Bool {
        do {
            _ = try run("scontrol", ["-o", "show", "job", jobID])
            return true
        } catch .commandFailed(_, _, let stderr) where stderr.contains("Invalid job id") {
            return false
        } catch {
            return true
        }
    }

    /// Cancels a task kai replaces (best effort: it has usually ended).
    public func cancel(_ jobID: String) {
        _ = try? run("scancel", [jobID])
    }

    /// The cluster's MaxArraySize (`scontrol show config`), when it says.
    public func maxArraySize() -> Int? {
        guard let text = try? run("scontrol", ["show", "config"]) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let parts: [String] = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "MaxArraySize" { return Int(parts[1]) }
        }
        return nil
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

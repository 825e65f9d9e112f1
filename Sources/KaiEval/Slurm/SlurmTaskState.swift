/// What `sacct` says about one array task of an evaluation job.
public struct SlurmTaskState: Sendable, Equatable {
    /// `JobID` as sacct prints it for an array task: `<array job>_<task>`.
    public let jobID: String
    public let arrayJobID: String
    public let taskIndex: Int
    /// sacct's `State`, without a reason suffix (`CANCELLED by 0` → `CANCELLED`).
    public let state: String
    /// sacct's `ExitCode`: `<exit status>:<signal>`.
    public let exitCode: String

    /// States after which the task will not run again by itself.
    static let terminal: Set<String> = [
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED",
        "BOOT_FAIL", "DEADLINE", "REVOKED",
    ]

    public var isFinished: Bool { Self.terminal.contains(state) }

    /// Parses `sacct -j ID --parsable2 --noheader -o JobID,State,ExitCode`.
    /// Job steps (`12_3.batch`) and still-pending ranges (`12_[4-7]`) carry no
    /// state of their own for a task and are skipped; so is the array job's
    /// own line when the array has one task per line already.
    public static func parse(sacct output: String) -> [SlurmTaskState] {
        output.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, !fields[0].contains(".") else { return nil }
            let id = fields[0].split(separator: "_", omittingEmptySubsequences: false)
            guard id.count == 2, let task = Int(id[1]) else { return nil }
            let state = fields[1].split(separator: " ").first.map(String.init) ?? fields[1]
            return SlurmTaskState(jobID: fields[0], arrayJobID: String(id[0]), taskIndex: task, state: state, exitCode: fields[2])
        }
    }
}

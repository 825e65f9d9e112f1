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
    /// What followed the state (`by 0` for a task a user cancelled), or "".
    public let detail: String

    public init(jobID: String, arrayJobID: String, taskIndex: Int, state: String, exitCode: String, detail: String = "") {
        self.jobID = jobID
        self.arrayJobID = arrayJobID
        self.taskIndex = taskIndex
        self.state = state
        self.exitCode = exitCode
        self.detail = detail
    }

    /// States after which the task will not run again by itself.
    static let terminal: Set<String> = [
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED",
        "BOOT_FAIL", "DEADLINE", "REVOKED",
    ]

    public var isFinished: Bool { Self.terminal.contains(state) }

    /// Cancelled by a user's scancel (sacct: `CANCELLED by <uid>`).
    public var cancelledByUser: Bool { state == "CANCELLED" && detail.hasPrefix("by ") }

    /// Parses `sacct -j ID --parsable2 --noheader -o JobID,State,ExitCode`.
    /// Job steps (`12_3.batch`) carry no state of their own for a task and
    /// are skipped. Tasks not started yet are listed as one range line
    /// (`12_[4-7]|PENDING`, `12_[1,3-5%2]`): expanded into one entry per task,
    /// so a pending task is never taken for one sacct has lost.
    public static func parse(sacct output: String) -> [SlurmTaskState] {
        output.split(whereSeparator: \.isNewline).flatMap { line -> [SlurmTaskState] in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, !fields[0].contains(".") else { return [] }
            let id = fields[0].split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard id.count == 2 else { return [] }
            let words = fields[1].split(separator: " ", maxSplits: 1).map(String.init)
            let state = words.first ?? fields[1], detail = words.count > 1 ? words[1] : ""
            return taskIndices(id[1]).map { task in
                SlurmTaskState(jobID: "\(id[0])_\(task)", arrayJobID: id[0], taskIndex: task, state: state, exitCode: fields[2], detail: detail)
            }
        }
    }

    /// `3` → [3]; `[1,3-5%2]` → [1, 3, 4, 5] (`%N` limits how many run at
    /// once, `:S` steps a range); anything else → [].
    static func taskIndices(_ text: String) -> [Int] {
        if let single = Int(text) { return [single] }
        guard text.hasPrefix("["), text.hasSuffix("]") else { return [] }
        let inner = text.dropFirst().dropLast().split(separator: "%").first ?? ""
        var indices: [Int] = []
        for part in inner.split(separator: ",") {
            let stepped = part.split(separator: ":")
            let bounds = stepped[0].split(separator: "-").compactMap { Int($0) }
            let step = stepped.count > 1 ? Int(stepped[1]) ?? 0 : 1
            guard step > 0, (1...2).contains(bounds.count), bounds.count == stepped[0].split(separator: "-").count,
                  let low = bounds.first, let high = bounds.last, low <= high else { return [] }
            indices += Array(stride(from: low, through: high, by: step))
        }
        return indices
    }
}

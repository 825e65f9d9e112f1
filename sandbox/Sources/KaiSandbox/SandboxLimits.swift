/// Resource limits for one sandbox run; `nil` leaves the launcher's default
/// (see sandbox/CONTRACT.md).
public struct SandboxLimits: Sendable, Equatable {
    public var timeLimitMs: Int?
    public var cpuLimitMs: Int?
    public var memoryMB: Int?
    public var pids: Int?
    public var outputLimitKB: Int?
    public var fileSizeMB: Int?
    public var openFiles: Int?
    public var stackMB: Int?
    public var workdirMB: Int?
    /// CPU bandwidth of the whole tree, in CPUs (cgroup v2 cpu.max).
    public var cpus: Int?

    public init(
        timeLimitMs: Int? = nil, cpuLimitMs: Int? = nil, memoryMB: Int? = nil, pids: Int? = nil,
        outputLimitKB: Int? = nil, fileSizeMB: Int? = nil, openFiles: Int? = nil, stackMB: Int? = nil,
        workdirMB: Int? = nil, cpus: Int? = nil
    ) {
        self.timeLimitMs = timeLimitMs
        self.cpuLimitMs = cpuLimitMs
        self.memoryMB = memoryMB
        self.pids = pids
        self.outputLimitKB = outputLimitKB
        self.fileSizeMB = fileSizeMB
        self.openFiles = openFiles
        self.stackMB = stackMB
        self.workdirMB = workdirMB
        self.cpus = cpus
    }

    /// The launcher options these limits set, in a fixed order.
    var arguments: [String] {
        let options: [(String, Int?)] = [
            ("--time-limit-ms", timeLimitMs), ("--cpu-limit-ms", cpuLimitMs), ("--memory-mb", memoryMB),
            ("--pids", pids), ("--output-limit-kb", outputLimitKB), ("--file-size-mb", fileSizeMB),
            ("--open-files", openFiles), ("--stack-mb", stackMB), ("--workdir-mb", workdirMB),
            ("--cpus", cpus),
        ]
        return options.flatMap { name, value in value.map { [name, String($0)] } ?? [] }
    }
}

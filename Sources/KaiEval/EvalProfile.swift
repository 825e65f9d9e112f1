import Foundation
import Synchronization

/// Opt-in timing of the path every sample takes through `kai eval`: for each
/// lock on it, how long workers waited for it and how long it was held; for
/// each phase, how long it took; and kai's own CPU per sample. On when the
/// environment has KAI_EVAL_PROFILE=1 (the report goes to stderr at the end
/// of the run); off, a site costs one check of `active` and reads no clock.
///
/// Why: a lock held for T per sample caps a run at 1/T samples a second
/// whatever the cores, which wall times on a small machine cannot show;
/// hold times can (bench/RESULTS.md, "kai eval at many workers").
public final class EvalProfile: Sendable {
    /// This process's profile, or nil when KAI_EVAL_PROFILE is not 1.
    public static let active: EvalProfile? =
        ProcessInfo.processInfo.environment["KAI_EVAL_PROFILE"] == "1" ? EvalProfile() : nil

    struct Timing {
        var count = 0
        var totalNs: UInt64 = 0
        var maxNs: UInt64 = 0

        mutating func add(_ ns: UInt64) {
            count += 1
            totalNs += ns
            maxNs = max(maxNs, ns)
        }
    }

    struct Entries {
        var waits: [String: Timing] = [:]
        var holds: [String: Timing] = [:]
        var phases: [String: Timing] = [:]
    }

    /// The profile's own lock: taken after the measured lock is released,
    /// so it never adds to a hold time.
    private let entries = Mutex(Entries())

    /// CLOCK_MONOTONIC in nanoseconds when profiling, else 0 (no clock read).
    @inline(__always) public static func stamp() -> UInt64 {
        active == nil ? 0 : now()
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// One acquisition of `lock`: asked for at `asked`, got at `got`,
    /// released at `released` (stamps).
    public func lock(_ name: String, asked: UInt64, got: UInt64, released: UInt64) {
        entries.withLock {
            $0.waits[name, default: Timing()].add(got &- asked)
            $0.holds[name, default: Timing()].add(released &- got)
        }
    }

    /// One pass through `phase`, begun at the stamp `since`, ended now.
    public func phase(_ name: String, since: UInt64) {
        let ended = Self.now()
        entries.withLock { $0.phases[name, default: Timing()].add(ended &- since) }
    }

    /// The report: kai's CPU per sample, then every lock and phase seen.
    func report(samples: Int, workers: Int, wallSeconds: Double, cpu: ProcessCPU) -> String {
        let perSample = samples > 0 ? 1000 / Double(samples) : 0
        var lines = [String(format: "kai eval profile: %d samples, %d workers, %.3f s wall; kai's own CPU %.3f ms/sample (user %.3f, system %.3f)",
                            samples, workers, wallSeconds, cpu.total * perSample, cpu.user * perSample, cpu.system * perSample)]
        let all = entries.withLock { $0 }
        lines.append("  lock                      acquisitions   wait total   wait mean    wait max   hold total   hold mean    hold max")
        for name in all.holds.keys.sorted() {
            let wait = all.waits[name]!, hold = all.holds[name]!
            lines.append("  " + Self.pad(name, 26) + Self.pad("\(hold.count)", 12, right: true)
                + Self.columns(wait) + Self.columns(hold))
        }
        lines.append("  phase                            count        total        mean         max")
        for name in all.phases.keys.sorted() {
            let phase = all.phases[name]!
            lines.append("  " + Self.pad(name, 26) + Self.pad("\(phase.count)", 12, right: true) + Self.columns(phase))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func columns(_ timing: Timing) -> String {
        let mean = timing.count > 0 ? Double(timing.totalNs) / Double(timing.count) : 0
        return [Double(timing.totalNs), mean, Double(timing.maxNs)].map { pad(milliseconds($0), 12, right: true) }.joined()
    }

    private static func milliseconds(_ ns: Double) -> String {
        ns < 1_000_000 ? String(format: "%.1f us", ns / 1000) : String(format: "%.2f ms", ns / 1_000_000)
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

/// CPU seconds this process (every thread, no children) has used.
struct ProcessCPU {
    var user: Double
    var system: Double
    var total: Double { user + system }

    static func now() -> ProcessCPU {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return ProcessCPU(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime))
    }

    static func - (a: ProcessCPU, b: ProcessCPU) -> ProcessCPU {
        ProcessCPU(user: a.user - b.user, system: a.system - b.system)
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1e6
    }
}

import ArgumentParser

/// The valid values of kai's numeric sandbox options: the launcher's ranges
/// (sandbox/launcher/args.c) in kai's units. Checked in `validate()`, so a
/// value out of range is a usage error naming the range, never a crash
/// converting it (1e300 seconds to Int milliseconds) or a launcher failure.
enum LimitOptionRange {
    static let seconds = 0.001...86400.0
    static let memoryMB = 8...1_048_576
    static let pids = 1...65_536
    static let outputKB = 1...1_048_576
    static let workdirMB = 1...1_048_576
    static let cpus = 1...1024

    static func check(_ name: String, seconds value: Double?) throws {
        guard let value, !seconds.contains(value) else { return }
        throw ValidationError("\(name) must be from 0.001 to 86400 seconds, got \(shown(value)).")
    }

    /// As the user most likely wrote it: 100000, not 100000.0.
    private static func shown(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    static func check(_ name: String, _ value: Int?, in range: ClosedRange<Int>, unit: String = "") throws {
        guard let value, !range.contains(value) else { return }
        throw ValidationError("\(name) must be from \(range.lowerBound) to \(range.upperBound)\(unit.isEmpty ? "" : " " + unit), got \(value).")
    }

    /// Seconds as the launcher's whole milliseconds (in range: at least 1).
    static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}

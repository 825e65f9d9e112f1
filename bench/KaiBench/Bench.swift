import Glibc

/// Shared helpers: the clock, percentiles, JSON output, failing loudly.
enum Bench {
    /// CLOCK_MONOTONIC in ns; one read costs ~20-30 ns on this machine.
    @inline(__always)
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Nearest-rank percentile of `samples` (p in 0...100).
    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        precondition(!samples.isEmpty)
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    static func summary(_ samples: [Double]) -> String {
        let fields = [("median_ns", percentile(samples, 50)), ("p99_ns", percentile(samples, 99)),
                      ("min_ns", samples.min()!), ("samples", Double(samples.count))]
        return "{" + fields.map { "\"\($0.0)\": \(format($0.1))" }.joined(separator: ", ") + "}"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String((value * 10).rounded() / 10)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func fail(_ message: String, code: Int32 = 1) -> Never {
        var line = "KaiBench: \(message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        exit(code)
    }
}

/// Keeps results alive so the optimizer cannot delete the measured work.
nonisolated(unsafe) var blackhole = 0

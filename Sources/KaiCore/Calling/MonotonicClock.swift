import Glibc

/// CLOCK_MONOTONIC in nanoseconds: the clock the ABI's deadlines use, so a
/// plugin compares host->deadline() with its own clock_gettime directly.
public enum MonotonicClock {
    /// KAI_NO_DEADLINE (INT64_MAX; the macro does not import into Swift).
    public static let noDeadline = Int64.max

    @inline(__always)
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The absolute deadline `seconds` from now, saturating instead of
    /// overflowing for absurdly long timeouts.
    public static func deadline(after seconds: Double) -> Int64 {
        let ns = seconds * 1e9
        let now = now()
        if ns >= Double(Int64.max - now) { return Int64.max }
        return now + Int64(ns)
    }
}

/// CLOCK_REALTIME in seconds since 1970, for timestamps people read.
public enum WallClock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

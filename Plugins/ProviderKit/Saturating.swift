/// Conversions of config numbers (JSON doubles) to the integers curl and the
/// clock take, clamped instead of trapping: Swift's Int(Double) and integer
/// overflow crash the host process, and a config value must never do that.
package enum Saturating {
    /// `value` rounded toward zero, clamped to Int's range; NaN is 0.
    package static func int(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        // Int.max is not exactly a Double: 2^63 is, and is one past it.
        if value >= 9_223_372_036_854_775_808.0 { return .max }
        if value <= -9_223_372_036_854_775_808.0 { return .min }
        return Int(value)
    }

    /// Seconds from the config as milliseconds, clamped.
    package static func milliseconds(_ seconds: Double) -> Int {
        int(seconds * 1000)
    }

    /// `a` × `b`, clamped to Int64's range instead of overflowing.
    package static func product(_ a: Int64, _ b: Int64) -> Int64 {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard overflow else { return result }
        return (a < 0) == (b < 0) ? .max : .min
    }

    /// A whole number of seconds as an integer for the wire when it fits
    /// exactly (|value| ≤ 2^53), else nil (send it as a JSON number).
    package static func exactInteger(_ value: Double) -> Int64? {
        guard value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }
}

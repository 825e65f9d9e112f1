import KaiJSON

/// Number and string keywords. Each ignores values of other types, as the
/// spec requires (`type` is what restricts types).
extension SchemaValidator {
    mutating func checkBound(_ bound: NumericBound, _ value: JSONValue) -> Bool {
        guard let order = compareNumbers(value, bound.limit) else { return true }
        // Messages are autoclosures: describing values costs more than the check.
        let shown = { describe(value) }
        let limit = { describe(bound.limit) }
        switch bound.kind {
        case .minimum:
            return order >= 0 || report("minimum", "\(shown()) is less than the minimum of \(limit())")
        case .maximum:
            return order <= 0 || report("maximum", "\(shown()) is greater than the maximum of \(limit())")
        case .exclusiveMinimum:
            return order > 0 || report("exclusiveMinimum", "\(shown()) is not greater than the exclusive minimum of \(limit())")
        case .exclusiveMaximum:
            return order < 0 || report("exclusiveMaximum", "\(shown()) is not less than the exclusive maximum of \(limit())")
        }
    }

    mutating func checkMultiple(of divisor: JSONValue, _ value: JSONValue) -> Bool {
        let isMultiple: Bool
        switch (value, divisor) {
        case (.integer(let dividend), .integer(let step)):
            isMultiple = dividend % step == 0
        default:
            guard let dividend = value.doubleValue, let step = divisor.doubleValue else { return true }
            // Decimal fractions are inexact in binary (0.0075 / 0.0001 is
            // 74.99999999999999), so allow a relative error of 1e-12; an
            // infinite quotient is never a multiple.
            let quotient = dividend / step
            isMultiple = quotient.isFinite && abs(quotient - quotient.rounded()) <= 1e-12 * max(1, abs(quotient))
        }
        return isMultiple || report("multipleOf", "\(describe(value)) is not a multiple of \(describe(divisor))")
    }

    /// Lengths count Unicode scalars (code points), as the spec says, not
    /// UTF-8 bytes, UTF-16 units or grapheme clusters.
    mutating func checkMinLength(_ minimum: Int, _ value: JSONValue) -> Bool {
        guard case .string(let text) = value else { return true }
        // A string has at least utf8.count / 4 scalars; skip the count when that suffices.
        if text.utf8.count / 4 >= minimum { return true }
        let length = text.unicodeScalars.count
        return length >= minimum
            || report("minLength", "string has \(counted(length, "character", "characters")), fewer than the minimum of \(minimum)")
    }

    mutating func checkMaxLength(_ maximum: Int, _ value: JSONValue) -> Bool {
        guard case .string(let text) = value else { return true }
        if text.utf8.count <= maximum { return true }
        let length = text.unicodeScalars.count
        return length <= maximum
            || report("maxLength", "string has \(counted(length, "character", "characters")), more than the maximum of \(maximum)")
    }

    mutating func checkPattern(_ pattern: SchemaPattern, _ value: JSONValue) -> Bool {
        guard case .string(let text) = value else { return true }
        return pattern.matches(text)
            || report("pattern", "\(describeInstance(value)) does not match the pattern \(quoted(pattern.source))")
    }
}

/// Compares two numeric values exactly when both are integers; `nil` if
/// either is not a number.
func compareNumbers(_ left: JSONValue, _ right: JSONValue) -> Int? {
    if case .integer(let a) = left, case .integer(let b) = right {
        return a < b ? -1 : (a == b ? 0 : 1)
    }
    guard let a = left.doubleValue, let b = right.doubleValue else { return nil }
    return a < b ? -1 : (a == b ? 0 : 1)
}

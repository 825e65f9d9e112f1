import Foundation

/// Turns the `time`, `start`, `end` and `text` arguments into Dates.
enum TimeParser {
    /// Unix seconds beyond this (about year 5138) are almost surely
    /// milliseconds passed by mistake, and would overflow calendar maths.
    static let maxUnixSeconds = 1e11

    /// A time argument: unix seconds (number or digit string), "now", or
    /// ISO 8601. ISO times without an offset are wall-clock times in `zone`.
    static func time(_ value: Any, field: String, zone: TimeZone) throws(ToolError) -> Date {
        if let seconds = JSONText.number(value) { return try unix(seconds, field: field) }
        guard let text = value as? String else {
            throw .invalidInput("'\(field)' must be an ISO 8601 string or unix seconds, got \(JSONText.typeName(value))", field: field)
        }
        return try parse(text, format: .iso8601, field: field, zone: zone)
    }

    static func parse(_ raw: String, format: TimeFormat, field: String, zone: TimeZone) throws(ToolError) -> Date {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text == "now" { return Date() }
        let parsed: Date?
        switch format {
        case .unix:
            guard let seconds = Double(text) else { throw unparsable(raw, field, "unix seconds") }
            return try unix(seconds, field: field)
        case .iso8601:
            if let seconds = Double(text), text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) {
                return try unix(seconds, field: field)
            }
            parsed = iso8601(text, zone: zone)
        case .rfc2822:
            parsed = TimeFormat.formatter(TimeFormat.rfc2822Pattern, zone: zone).date(from: text)
                ?? TimeFormat.formatter("dd MMM yyyy HH:mm:ss xx", zone: zone).date(from: text)
        case .pattern(let icu):
            parsed = TimeFormat.formatter(icu, zone: zone).date(from: text)
        }
        guard let parsed else { throw unparsable(raw, field, expectation(format)) }
        return parsed
    }

    /// Offsets first (the common machine form), then wall-clock forms.
    private static let localPatterns = [
        "yyyy-MM-dd'T'HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
    ]

    private static func iso8601(_ text: String, zone: TimeZone) -> Date? {
        let withOffset = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            withOffset.formatOptions = options
            if let date = withOffset.date(from: text) { return date }
        }
        for pattern in localPatterns {
            if let date = TimeFormat.formatter(pattern, zone: zone).date(from: text) { return date }
        }
        return nil
    }

    private static func unix(_ seconds: Double, field: String) throws(ToolError) -> Date {
        guard seconds.isFinite, abs(seconds) <= maxUnixSeconds else {
            throw .invalidInput("'\(field)' unix seconds must be within ±\(Int(maxUnixSeconds)); milliseconds? divide by 1000", field: field)
        }
        return Date(timeIntervalSince1970: seconds)
    }

    private static func expectation(_ format: TimeFormat) -> String {
        switch format {
        case .iso8601: "ISO 8601 such as 2024-03-10T14:30:00+01:00, 2024-03-10T14:30 or 2024-03-10, or unix seconds"
        case .rfc2822: "RFC 2822 such as 'Sun, 10 Mar 2024 14:30:00 +0100'"
        case .unix: "unix seconds"
        case .pattern: "the given input_format pattern"
        }
    }

    private static func unparsable(_ text: String, _ field: String, _ expected: String) -> ToolError {
        .invalidInput("cannot read '\(text)' in '\(field)' as a time; expected \(expected)", field: field)
    }
}

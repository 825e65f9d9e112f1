import Foundation

/// The `datetime` tool: now, convert, add, diff and parse, all time-zone aware.
///
/// Every time in a result is a "time object" with ISO 8601 (with offset) and
/// unix seconds, so a model can chain results without re-parsing prose.
enum DateTimeTool {
    static let actions = ["now", "convert", "add", "diff", "parse"]
    static let units = ["seconds", "minutes", "hours", "days", "weeks", "months", "years"]

    static func run(_ arguments: ToolArguments, defaultTimeZone: NamedTimeZone) throws(ToolError) -> Any {
        guard let action = try arguments.choice("action", actions) else { throw arguments.missing("action") }
        let zone = try arguments.string("timezone").map { name throws(ToolError) in
            try TimeZones.named(name, field: "timezone")
        } ?? defaultTimeZone
        // Local times in the input are read in `input_timezone`, defaulting
        // to the output zone: "convert 09:00 Paris time to Tokyo" needs both.
        let inputZone = try arguments.string("input_timezone").map { name throws(ToolError) in
            try TimeZones.named(name, field: "input_timezone").zone
        } ?? zone.zone
        let output = try arguments.string("format").map { text throws(ToolError) in try TimeFormat(text, field: "format") }

        func timeArgument(_ key: String, required: Bool) throws(ToolError) -> Date {
            guard let value = arguments.values[key] else {
                if required { throw arguments.missing(key) }
                return Date()
            }
            return try TimeParser.time(value, field: key, zone: inputZone)
        }

        switch action {
        case "now":
            return timeObject(Date(), zone: zone, format: output)
        case "convert":
            return timeObject(try timeArgument("time", required: true), zone: zone, format: output)
        case "add":
            let start = try timeArgument("time", required: false)
            return timeObject(try add(to: start, arguments, zone: zone.zone), zone: zone, format: output)
        case "diff":
            return try diff(timeArgument("start", required: true), timeArgument("end", required: true), zone: zone, format: output)
        default: // "parse"; `choice` has already rejected anything else
            let text = try arguments.requiredString("text")
            let input = try TimeFormat(try arguments.string("input_format") ?? "iso8601", field: "input_format")
            let date = try TimeParser.parse(text, format: input, field: "text", zone: inputZone)
            return timeObject(date, zone: zone, format: output)
        }
    }

    /// Calendar-aware: "1 day" keeps the wall-clock time across a DST change,
    /// and Jan 31 + 1 month is the last day of February.
    private static func add(to date: Date, _ arguments: ToolArguments, zone: TimeZone) throws(ToolError) -> Date {
        guard let amount = try arguments.integer("amount", in: -1_000_000...1_000_000) else { throw arguments.missing("amount") }
        let unit = try arguments.choice("unit", units) ?? "seconds"
        let component: Calendar.Component = switch unit {
        case "minutes": .minute
        case "hours": .hour
        case "days": .day
        case "weeks": .weekOfYear
        case "months": .month
        case "years": .year
        default: .second
        }
        guard let result = calendar(zone).date(byAdding: component, value: amount, to: date),
              abs(result.timeIntervalSince1970) <= TimeParser.maxUnixSeconds
        else {
            throw .invalidInput("adding \(amount) \(unit) leaves the supported range of dates", field: "amount")
        }
        return result
    }

    private static func diff(_ start: Date, _ end: Date, zone: NamedTimeZone, format: TimeFormat?) -> [String: Any] {
        let seconds = end.timeIntervalSince(start)
        let parts = calendar(zone.zone).dateComponents([.year, .month, .day, .hour, .minute, .second], from: start, to: end)
        return [
            "start": timeObject(start, zone: zone, format: format),
            "end": timeObject(end, zone: zone, format: format),
            "seconds": seconds, "minutes": seconds / 60, "hours": seconds / 3600,
            "days": seconds / 86400, "weeks": seconds / 604_800,
            // Calendar difference in the output zone: what a person means by
            // "1 month and 2 days"; negative components when end < start.
            "calendar": [
                "years": parts.year ?? 0, "months": parts.month ?? 0, "days": parts.day ?? 0,
                "hours": parts.hour ?? 0, "minutes": parts.minute ?? 0, "seconds": parts.second ?? 0,
            ],
        ]
    }

    static func timeObject(_ date: Date, zone: NamedTimeZone, format: TimeFormat?) -> [String: Any] {
        let tz = zone.zone
        var object: [String: Any] = [
            "iso8601": TimeFormat.iso8601String(date, zone: tz),
            "unix": TimeFormat.unixSeconds(date),
            "timezone": zone.name,
            "utc_offset_seconds": tz.secondsFromGMT(for: date),
            "is_dst": tz.isDaylightSavingTime(for: date),
            "weekday": TimeFormat.formatter("EEEE", zone: tz).string(from: date),
        ]
        if let format { object["formatted"] = format.string(from: date, zone: tz) }
        return object
    }

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}

import Foundation

/// How a time is written or read: a named format or a strftime-style pattern.
///
/// Patterns are translated to ICU date-format patterns so that Foundation's
/// DateFormatter does the calendar work; the formatter uses the en_US_POSIX
/// locale so month and day names do not change with the machine's locale.
enum TimeFormat {
    case iso8601
    case rfc2822
    case unix
    case pattern(icu: String)

    static let supportedDirectives =
        "%Y %y %m %d %e %H %I %M %S %f %p %b %B %a %A %j %z %Z %F %T %R %D %%"

    init(_ text: String, field: String) throws(ToolError) {
        switch text {
        case "iso8601": self = .iso8601
        case "rfc2822": self = .rfc2822
        case "unix": self = .unix
        default:
            guard text.contains("%") else {
                throw .invalidInput(
                    "'\(field)' must be iso8601, rfc2822, unix or a strftime pattern such as '%Y-%m-%d %H:%M'; got '\(text)'",
                    field: field)
            }
            self = .pattern(icu: try Self.icuPattern(fromStrftime: text, field: field))
        }
    }

    private static let directives: [Character: String] = [
        "Y": "yyyy", "y": "yy", "m": "MM", "d": "dd", "e": "d", "H": "HH", "I": "hh", "M": "mm",
        "S": "ss", "f": "SSSSSS", "p": "a", "b": "MMM", "h": "MMM", "B": "MMMM", "a": "EEE",
        "A": "EEEE", "j": "DDD", "z": "xx", "Z": "zzz", "F": "yyyy-MM-dd", "T": "HH:mm:ss",
        "R": "HH:mm", "D": "MM/dd/yy",
    ]

    static func icuPattern(fromStrftime text: String, field: String) throws(ToolError) -> String {
        var result = ""
        var literal = ""
        var characters = text.makeIterator()
        func flushLiteral() {
            guard !literal.isEmpty else { return }
            // ICU quotes literal text with '…' and writes a quote as ''.
            result += "'" + literal.replacingOccurrences(of: "'", with: "''") + "'"
            literal = ""
        }
        while let character = characters.next() {
            guard character == "%" else {
                literal.append(character)
                continue
            }
            guard let directive = characters.next() else {
                throw .invalidInput("'\(field)' ends with a lone '%'; write '%%' for a percent sign", field: field)
            }
            if directive == "%" {
                literal.append("%")
                continue
            }
            guard let icu = directives[directive] else {
                throw .invalidInput(
                    "unsupported directive '%\(directive)' in '\(field)'; supported: \(supportedDirectives)",
                    field: field)
            }
            flushLiteral()
            result += icu
        }
        flushLiteral()
        return result
    }

    /// A fixed-locale DateFormatter for ICU `pattern` in `zone`.
    static func formatter(_ pattern: String, zone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        formatter.isLenient = false
        return formatter
    }

    static let rfc2822Pattern = "EEE, dd MMM yyyy HH:mm:ss xx"

    func string(from date: Date, zone: TimeZone) -> String {
        switch self {
        case .iso8601: return Self.iso8601String(date, zone: zone)
        case .rfc2822: return Self.formatter(Self.rfc2822Pattern, zone: zone).string(from: date)
        case .unix: return String(describing: Self.unixSeconds(date))
        case .pattern(let icu): return Self.formatter(icu, zone: zone).string(from: date)
        }
    }

    /// ISO 8601 with the zone's offset ("Z" for UTC); milliseconds only when
    /// the time has a fractional second, so whole seconds read cleanly.
    static func iso8601String(_ date: Date, zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        let fractional = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) != 0
        formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Unix seconds: an integer when whole, else rounded to milliseconds.
    static func unixSeconds(_ date: Date) -> Any {
        let seconds = date.timeIntervalSince1970
        if seconds == seconds.rounded(), let whole = Int(exactly: seconds) { return whole }
        return (seconds * 1000).rounded() / 1000
    }
}

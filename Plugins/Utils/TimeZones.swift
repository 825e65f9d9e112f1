import Foundation

/// A time zone and the name the caller used for it.
///
/// Foundation on Linux reports TimeZone(identifier: "UTC") as "GMT"; echoing
/// the caller's own name avoids a confusing rename in results.
struct NamedTimeZone: Sendable {
    let name: String
    let zone: TimeZone
}

/// IANA time zone lookup with errors that name the zone and suggest one.
enum TimeZones {
    static func named(_ name: String, field: String) throws(ToolError) -> NamedTimeZone {
        if let zone = TimeZone(identifier: name) { return NamedTimeZone(name: name, zone: zone) }
        let hint = NameSuggestion.hint(for: name, among: TimeZone.knownTimeZoneIdentifiers, caseInsensitive: true)
        throw .invalidInput(
            "unknown time zone '\(name)' in '\(field)'; use an IANA name such as 'Europe/Paris' or 'UTC'" + hint,
            field: field)
    }
}

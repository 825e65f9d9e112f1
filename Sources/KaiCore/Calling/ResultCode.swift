import CKaiABI

/// The closed set of result codes from kai_abi.h, as a Swift value.
public enum ResultCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0
    case invalidInput = 1
    case notFound = 2
    case cancelled = 3
    case deadlineExceeded = 4
    case unavailable = 5
    case permissionDenied = 6
    case unsupported = 7
    case `internal` = 8

    /// Maps a plugin's return value; anything outside the set is a bug in the
    /// plugin, and is treated as an internal error rather than trusted.
    public init(plugin raw: Int32) {
        self = ResultCode(rawValue: raw) ?? .internal
    }

    /// The name used in messages, e.g. "INVALID_INPUT".
    public var description: String {
        switch self {
        case .ok: "OK"
        case .invalidInput: "INVALID_INPUT"
        case .notFound: "NOT_FOUND"
        case .cancelled: "CANCELLED"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .unavailable: "UNAVAILABLE"
        case .permissionDenied: "PERMISSION_DENIED"
        case .unsupported: "UNSUPPORTED"
        case .internal: "INTERNAL"
        }
    }
}

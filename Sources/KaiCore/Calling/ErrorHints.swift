import KaiJSON

/// What a provider's error details say beside their message, for the
/// router rather than for people: the server's Retry-After and the HTTP
/// status (kai_provider.h: the optional integers "retry_after_s" and
/// "http_status" of the details JSON, set by the HTTP providers on 429/503
/// and on every HTTP failure).
public struct ErrorHints: Sendable, Equatable {
    /// Seconds the server asked to wait before retrying; nil when it said nothing.
    public var retryAfterSeconds: Int?
    /// The HTTP status the server answered with; nil below HTTP or for non-HTTP providers.
    public var httpStatus: Int?

    public init(retryAfterSeconds: Int? = nil, httpStatus: Int? = nil) {
        self.retryAfterSeconds = retryAfterSeconds
        self.httpStatus = httpStatus
    }

    /// The keys that carry hints; error text leaves them out (the message
    /// words them for people already).
    static let keys: Set<String> = ["retry_after_s", "http_status"]

    /// The hints in a plugin's details JSON. A value that is not a
    /// non-negative integer is ignored, not trusted.
    init(details bytes: [UInt8]?) {
        guard let bytes, case .object(let object)? = try? JSONParser.parse(bytes) else { return }
        retryAfterSeconds = Self.count(object["retry_after_s"])
        httpStatus = Self.count(object["http_status"])
    }

    private static func count(_ value: JSONValue?) -> Int? {
        guard let value = value?.intValue, value >= 0, value <= Int64(Int32.max) else { return nil }
        return Int(value)
    }
}

import KaiJSON

/// One step a routed provider call took before its final attempt: a target
/// that failed (and why) or that was skipped because its circuit was open.
/// The final call's log row carries the hops before it (call_log.route), so
/// `kai logs` can say "fallback from openai/gpt-4o (unavailable)".
public struct RouteHop: Sendable, Equatable {
    /// What was tried: "provider" or "provider/model", as -m takes it.
    public let target: String
    /// ErrorKind's raw value for a failed attempt, or `circuitOpen` for a
    /// target skipped without a call.
    public let errorKind: String
    /// The failed attempt's result code ("UNAVAILABLE"); nil for a skipped target.
    public let code: String?
    /// The failure's message (already scrubbed of secrets), or why it was skipped.
    public let message: String

    /// The error kind of a target skipped because its breaker was open.
    public static let circuitOpen = "circuitOpen"

    public init(target: String, errorKind: String, code: String? = nil, message: String) {
        self.target = target
        self.errorKind = errorKind
        self.code = code
        self.message = message
    }

    /// What happened, in two or three words: "unavailable", "deadline
    /// exceeded", "workerCrashed", "circuit open".
    public var label: String {
        if errorKind == Self.circuitOpen { return "circuit open" }
        if let code, errorKind == ErrorKind.toolFailed.rawValue { return code.lowercased().split(separator: "_").joined(separator: " ") }
        return errorKind
    }

    /// `[{"target","error_kind","code","message"}, …]` ("code" only for a
    /// failed attempt), as call_log.route holds them.
    public static func json(_ hops: [RouteHop]) -> JSONValue {
        .array(hops.map { hop in
            var object: JSONObject = ["target": .string(hop.target), "error_kind": .string(hop.errorKind)]
            if let code = hop.code { object["code"] = .string(code) }
            object["message"] = .string(hop.message)
            return .object(object)
        })
    }

    /// The hops in call_log.route's JSON; nil for text that is not that shape.
    public static func parse(_ text: String) -> [RouteHop]? {
        guard let items = (try? JSONParser.parse(Array(text.utf8)))?.arrayValue else { return nil }
        var hops: [RouteHop] = []
        for item in items {
            guard let target = item["target"]?.stringValue, let kind = item["error_kind"]?.stringValue else { return nil }
            hops.append(RouteHop(target: target, errorKind: kind, code: item["code"]?.stringValue,
                                 message: item["message"]?.stringValue ?? ""))
        }
        return hops
    }
}

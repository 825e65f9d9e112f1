import KaiJSON

/// How one conformance check ended.
public enum CheckStatus: String, Sendable {
    case pass, fail, skip
}

/// One check of the conformance suite: its verdict, the reason (for a
/// failure, the host's exact error text), and one line per tool or schema
/// that failed when there are several.
public struct CheckResult: Sendable {
    public let name: String
    public let title: String
    public let status: CheckStatus
    public let reason: String
    public let details: [String]
    public let seconds: Double

    public init(name: String, title: String, status: CheckStatus, reason: String, details: [String] = [], seconds: Double = 0) {
        self.name = name
        self.title = title
        self.status = status
        self.reason = reason
        self.details = details
        self.seconds = seconds
    }

    /// A pass or a fail from a list of findings: no findings is a pass
    /// with `passReason`; one is the reason; several are listed as details.
    static func from(
        _ check: ConformanceCheck, findings: [String], passReason: String, started: Int64
    ) -> CheckResult {
        let seconds = Stopwatch.seconds(since: started)
        switch findings.count {
        case 0: return CheckResult(check, .pass, passReason, seconds: seconds)
        case 1: return CheckResult(check, .fail, findings[0], seconds: seconds)
        default: return CheckResult(check, .fail, "\(findings.count) problems:", details: findings, seconds: seconds)
        }
    }

    init(_ check: ConformanceCheck, _ status: CheckStatus, _ reason: String, details: [String] = [], seconds: Double = 0) {
        self.init(name: check.rawValue, title: check.title, status: status, reason: reason, details: details, seconds: seconds)
    }

    var json: JSONValue {
        .object([
            "name": .string(name), "title": .string(title), "status": .string(status.rawValue), "reason": .string(reason),
            "details": .array(details.map(JSONValue.string)), "seconds": .number((seconds * 1000).rounded() / 1000),
        ])
    }
}

/// The suite's checks, in the order they run.
public enum ConformanceCheck: String, Sendable, CaseIterable {
    case load, manifest, schemas, create
    case invalidInput = "invalid-input"
    case deadlines, results, concurrency, stdout
    case memoryPeak = "memory-peak"
    case memoryGrowth = "memory-growth"

    public var title: String {
        switch self {
        case .load: "entry symbol and ABI version negotiation"
        case .manifest: "manifest matches the manifest schema"
        case .schemas: "every schema is a valid JSON Schema"
        case .create: "create() succeeds with the configSchema's defaults"
        case .invalidInput: "invalid input is answered with an error, not a crash"
        case .deadlines: "deadlines and cancellation are honoured"
        case .results: "results match each tool's outputSchema"
        case .concurrency: "concurrent calls are safe where the manifest says parallel"
        case .stdout: "nothing is written to stdout"
        case .memoryPeak: "resident memory stays bounded during calls"
        case .memoryGrowth: "resident memory does not grow across repeated calls"
        }
    }
}

/// The suite's verdict on one plugin file.
public struct ValidationReport: Sendable {
    public let path: String
    /// "id version", once the manifest was read.
    public let plugin: String?
    public let checks: [CheckResult]
    public let seconds: Double

    public var passed: Bool { !checks.contains { $0.status == .fail } }

    public func check(_ check: ConformanceCheck) -> CheckResult? {
        checks.first { $0.name == check.rawValue }
    }

    public var json: JSONValue {
        .object([
            "path": .string(path), "plugin": plugin.map(JSONValue.string) ?? .null, "passed": .bool(passed),
            "checks": .array(checks.map(\.json)), "seconds": .number((seconds * 1000).rounded() / 1000),
        ])
    }
}

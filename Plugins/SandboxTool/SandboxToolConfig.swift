import KaiJSON

/// The operator's limits for every run (the plugin's configSchema). The host
/// has validated the config and filled in the schema's defaults; the same
/// defaults are repeated here so a host that filled nothing still runs under
/// `kai sandbox run`'s limits rather than none.
struct SandboxToolConfig: Sendable, Equatable {
    var timeSeconds: Double = 10
    var memoryMB = 512
    var pids = 64
    var outputKB = 1024
    var requireIsolation = true

    init() {}

    init(json text: String) throws(ToolFailure) {
        let value: JSONValue
        do { value = try JSONParser.parse(text.isEmpty ? "{}" : text) } catch {
            throw .invalidInput("the plugin config is not JSON: \(error.description)")
        }
        guard value.objectValue != nil else { throw .invalidInput("the plugin config must be an object") }
        if let time = value["time_s"] {
            guard let seconds = time.doubleValue, seconds > 0, seconds <= 86400 else {
                throw .invalidInput("config time_s must be a number of seconds from above 0 to 86400")
            }
            timeSeconds = seconds
        }
        memoryMB = try Self.integer(value, "memory_mb", in: 8...1_048_576) ?? memoryMB
        pids = try Self.integer(value, "pids", in: 1...65536) ?? pids
        outputKB = try Self.integer(value, "output_kb", in: 1...1_048_576) ?? outputKB
        if let require = value["require_isolation"] {
            guard let flag = require.boolValue else { throw .invalidInput("config require_isolation must be true or false") }
            requireIsolation = flag
        }
    }

    private static func integer(_ value: JSONValue, _ key: String, in range: ClosedRange<Int>) throws(ToolFailure) -> Int? {
        guard let raw = value[key] else { return nil }
        guard let number = raw.intValue, let int = Int(exactly: number), range.contains(int) else {
            throw .invalidInput("config \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return int
    }
}

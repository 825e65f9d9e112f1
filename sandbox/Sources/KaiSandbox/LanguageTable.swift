import KaiJSON

/// How to run a source file by its extension: compile steps, then a run step.
///
/// Lives in configuration, not code: the operator's table is JSON (see
/// `defaultJSON` for the format). Commands are argv arrays with placeholders
/// `{source}` (the source file, `/work/NAME.EXT`) and `{exe}` (the compiled
/// program, `/work/NAME`). Each compile step is its own sandbox run; what a
/// step must hand on (`{exe}`) is collected from its `/work` and copied into
/// the next run's `/work` (see sandbox/README.md).
public struct LanguageTable: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var command: [String]
        /// Limits for this step; fields left nil fall back to the caller's.
        public var limits: SandboxLimits
    }

    public struct Language: Sendable, Equatable {
        public var fileExtension: String
        public var compile: [Step]
        public var run: Step
        /// Extra read-only binds the toolchain needs.
        public var binds: [String]
    }

    public var languages: [String: Language]

    public func language(forFile path: String) -> Language? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        return languages[String(path[path.index(after: dot)...])]
    }

    /// Parses `{"languages": {"EXT": {"compile": [STEP...], "run": STEP|[ARGV], "binds": [PATH...]}}}`
    /// where STEP is `{"command": [ARGV...], "time_limit_ms": N, "cpu_limit_ms": N, "memory_mb": N, "pids": N}`.
    public init(json: JSONValue) throws(LanguageTableError) {
        guard let object = json["languages"]?.objectValue else {
            throw LanguageTableError(path: "languages", message: "expected an object mapping file extensions to languages")
        }
        var languages: [String: Language] = [:]
        for (ext, entry) in object {
            let path = "languages.\(ext)"
            guard entry.objectValue != nil else { throw LanguageTableError(path: path, message: "expected an object") }
            guard let run = entry["run"] else { throw LanguageTableError(path: path + ".run", message: "missing the run step") }
            let compile = try (entry["compile"]?.arrayValue ?? []).enumerated().map { index, step throws(LanguageTableError) in
                try Self.step(step, path: "\(path).compile[\(index)]")
            }
            let binds = try Self.strings(entry["binds"] ?? .array([]), path: path + ".binds")
            languages[ext] = Language(fileExtension: ext, compile: compile, run: try Self.step(run, path: path + ".run"), binds: binds)
        }
        self.languages = languages
    }

    private static func step(_ value: JSONValue, path: String) throws(LanguageTableError) -> Step {
        if value.arrayValue != nil { return Step(command: try strings(value, path: path), limits: SandboxLimits()) }
        guard let command = value["command"] else {
            throw LanguageTableError(path: path, message: "expected an argv array or an object with \"command\"")
        }
        let argv = try strings(command, path: path + ".command")
        guard !argv.isEmpty else { throw LanguageTableError(path: path + ".command", message: "expected at least the program") }
        func limit(_ key: String) throws(LanguageTableError) -> Int? {
            guard let raw = value[key] else { return nil }
            guard let number = raw.intValue, number > 0 else {
                throw LanguageTableError(path: "\(path).\(key)", message: "expected a positive whole number")
            }
            return Int(number)
        }
        let limits = SandboxLimits(
            timeLimitMs: try limit("time_limit_ms"), cpuLimitMs: try limit("cpu_limit_ms"),
            memoryMB: try limit("memory_mb"), pids: try limit("pids")
        )
        return Step(command: argv, limits: limits)
    }

    private static func strings(_ value: JSONValue, path: String) throws(LanguageTableError) -> [String] {
        guard let array = value.arrayValue else { throw LanguageTableError(path: path, message: "expected an array of strings") }
        return try array.enumerated().map { index, element throws(LanguageTableError) in
            guard let string = element.stringValue else {
                throw LanguageTableError(path: "\(path)[\(index)]", message: "expected a string")
            }
            return string
        }
    }
}

/// A malformed language table: where, and what was expected.
public struct LanguageTableError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "language table: \(path): \(message)" }
}

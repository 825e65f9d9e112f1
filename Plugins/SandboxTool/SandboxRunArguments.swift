import KaiJSON

/// One sandbox_run call's arguments. The host has already checked them
/// against the input schema; this only reads them (and re-checks what the
/// run depends on, so a host that did not validate cannot widen a limit).
struct SandboxRunArguments: Sendable {
    let language: String
    let code: String
    let tests: String?
    let stdin: String?
    let timeoutSeconds: Double?

    init(json text: String) throws(ToolFailure) {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw .invalidInput("arguments are not JSON: \(error.description)")
        }
        guard let language = value["language"]?.stringValue, SandboxLanguages.extensions[language] != nil else {
            throw .invalidInput("language must be one of \(SandboxLanguages.offered.joined(separator: ", "))")
        }
        guard let code = value["code"]?.stringValue, !code.isEmpty else { throw .invalidInput("code must be a non-empty string") }
        if let timeout = value["timeout_s"] {
            guard let seconds = timeout.doubleValue, seconds > 0 else { throw .invalidInput("timeout_s must be a positive number of seconds") }
            timeoutSeconds = seconds
        } else {
            timeoutSeconds = nil
        }
        self.language = language
        self.code = code
        tests = value["tests"]?.stringValue
        stdin = value["stdin"]?.stringValue
    }

    /// The file the sandbox runs: the code, then the tests after it.
    var program: String {
        guard let tests, !tests.isEmpty else { return code }
        return code + (code.hasSuffix("\n") ? "" : "\n") + "\n" + tests + (tests.hasSuffix("\n") ? "" : "\n")
    }
}

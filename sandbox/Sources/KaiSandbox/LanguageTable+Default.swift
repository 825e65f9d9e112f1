import KaiJSON

extension LanguageTable {
    /// The built-in table, in the same JSON format an operator's config uses.
    public static let defaultJSON = #"""
    {
      "languages": {
        "py": {"run": ["/usr/bin/python3", "-I", "-B", "{source}"]},
        "sh": {"run": ["/bin/sh", "{source}"]},
        "c": {
          "compile": [
            {"command": ["/usr/bin/cc", "-O1", "-std=c11", "-o", "{exe}", "{source}", "-lm"],
             "time_limit_ms": 30000, "cpu_limit_ms": 30000, "memory_mb": 512, "pids": 32}
          ],
          "run": ["{exe}"]
        }
      }
    }
    """#

    /// `defaultJSON`, parsed.
    public static var builtIn: LanguageTable {
        // The literal above is checked by the tests; it cannot fail at run time.
        do { return try LanguageTable(json: try JSONParser.parse(defaultJSON)) } catch { fatalError("LanguageTable.defaultJSON: \(error)") }
    }
}

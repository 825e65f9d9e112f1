import KaiTestSupport
import KaiValidate

/// Runs the suite the way `kai plugins validate` does, with the worker
/// from this build and a short scan deadline (for the hanging entry).
enum Validate {
    static func run(_ path: String) -> ValidationReport {
        var options = ValidationOptions(workerExecutable: Fixtures.buildDirectory + "/kai-plugin-worker")
        options.scanTimeout = 1
        return PluginValidator(path: path, options: options).run()
    }

    /// The conforming fixture, plus one more tool (e.g. "T_SPIN").
    static func conforming(with tool: String? = nil) throws -> String {
        let name = "validate_conforming" + (tool.map { "_" + $0.lowercased() } ?? "")
        return try Fixtures.compile(name, flags: ["-DFIXTURE_CONFORMING"] + (tool.map { ["-DFIXTURE_WITH=\($0)"] } ?? []))
    }

    /// A fixture variant (one -D flag) on top of the conforming tools.
    static func variant(_ flag: String) throws -> String {
        try Fixtures.compile("validate_" + flag.lowercased(), flags: ["-DFIXTURE_CONFORMING", "-D\(flag)"])
    }

    /// The reason and details of one check, for matching.
    static func lines(_ report: ValidationReport, _ check: ConformanceCheck) -> [String] {
        guard let result = report.check(check) else { return [] }
        return [result.reason] + result.details
    }
}

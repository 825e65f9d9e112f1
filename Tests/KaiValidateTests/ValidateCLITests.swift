import KaiJSON
import KaiTestSupport
import Testing

/// `kai plugins validate` end to end: the real binary, its output and exit status.
@Suite(.serialized)
struct ValidateCLITests {
    @Test func validate_whenPluginConforms_printsEveryCheckAndExitsZero() throws {
        let outcome = try KaiProcess.run(["plugins", "validate", try Validate.conforming()])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("libvalidate_conforming.so (test.fixture 0.1.0)") == true)
        #expect(lines.contains("✓ load           kai_plugin_entry_v1 answered ABI 1.0 (this host speaks 1.2) in the scan helper"))
        #expect(lines.contains("✓ schemas        10 schemas compile"))
        #expect(lines.contains { $0.hasPrefix("✓ memory-growth  grew ") })
        #expect(lines.last?.hasPrefix("11 passed, 0 failed, 0 skipped in ") == true)
    }

    @Test func validate_whenToolCrashes_printsTheFailingCheckAndExitsOne() throws {
        let outcome = try KaiProcess.run(["plugins", "validate", try Validate.conforming(with: "T_CRASH_SEGV")])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.split(separator: "\n").contains(
            "✗ invalid-input  crash_segv: non-JSON input: tool \"test.fixture.crash_segv\" failed: its worker process was killed by SIGSEGV (segmentation fault) during the call. The host is unaffected; the next call starts a fresh worker."))
        #expect(outcome.stdout.contains("✓ concurrency "))
    }

    @Test func validate_json_reportsEachCheckWithStatusAndReason() throws {
        let outcome = try KaiProcess.run(["plugins", "validate", "--json", try Validate.variant("FIXTURE_BAD_SCHEMA")])
        #expect(outcome.status == 1)
        let report = try JSONParser.parse(outcome.stdout)
        #expect(report["passed"] == .bool(false))
        let checks = report["checks"]?.arrayValue ?? []
        #expect(checks.count == 11)
        let schemas = checks.first { $0["name"]?.stringValue == "schemas" }
        #expect(schemas?["status"]?.stringValue == "fail")
        #expect(schemas?["reason"]?.stringValue == "add: the inputSchema of \"add\" is not a valid JSON Schema: invalid schema at #/properties/a/type: unknown type \"numbr\"; did you mean \"number\"?")
        #expect(checks.first { $0["name"]?.stringValue == "create" }?["reason"]?.stringValue
            == "skipped: the host refuses to create a plugin whose schemas are invalid.")
    }

    @Test func validate_whenFileIsMissing_exits66AndSaysWhichFile() throws {
        let outcome = try KaiProcess.run(["plugins", "validate", "/nonexistent/libnope.so"])
        #expect(outcome.status == 66)
        #expect(outcome.stderr == "kai: error: no file at \"/nonexistent/libnope.so\". Give the path of the plugin's .so file.\n")
    }
}

import Foundation
import KaiJSON
import KaiTestSupport
import KaiValidate
import Testing

/// Issue 9, item 8 (a) and (b): `kai plugins validate` fails a tool whose
/// results violate its outputSchema, and takes the plugin's configuration
/// (`--plugin-config FILE.json`, or `--entry ID` from the operator config).
@Suite(.serialized)
struct ValidateResultsAndConfigTests {
    static let violation = """
        add: tool "test.fixture.add" returned a result that does not match its output schema (a bug in the plugin):
          $: missing required property "total" (required)
        """

    // MARK: 8 (a)

    @Test func validate_whenEveryResultViolatesTheOutputSchema_failsTheResultsCheck() throws {
        let report = Validate.run(try Validate.variant("FIXTURE_BAD_OUTPUT_SCHEMA"))
        #expect(!report.passed)
        #expect(report.check(.results)?.status == .fail)
        #expect(report.check(.results)?.reason == Self.violation)
    }

    @Test func validate_whenResultsMatch_passesTheResultsCheck() throws {
        let report = Validate.run(try Validate.conforming())
        #expect(report.check(.results)?.status == .pass)
        #expect(report.check(.results)?.reason == "1 result matched its tool's outputSchema; 7 tools declare no outputSchema")
    }

    @Test func validateCLI_whenEveryResultViolatesTheOutputSchema_exitsOne() throws {
        let outcome = try KaiProcess.run(["plugins", "validate", try Validate.variant("FIXTURE_BAD_OUTPUT_SCHEMA")])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("✗ results        " + Self.violation + "\n"), "\(outcome.stdout)")
    }

    // MARK: 8 (b)

    static func workspace(_ name: String) throws -> String {
        let directory = Fixtures.scratch + "/validate-config-" + name
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func validate_withoutTheRequiredConfig_failsCreateNamingTheFlags() throws {
        let outcome = try KaiProcess.run(["plugins", "validate", try Validate.variant("FIXTURE_REQUIRED_CONFIG")])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("""
            ✗ create         its configuration does not match the plugin's configSchema:
              $: missing required property "endpoint" (required)
              Give the plugin's config: --plugin-config FILE.json, or --entry ID for its operator config entry.\n
            """), "\(outcome.stdout)")
    }

    @Test func validate_withPluginConfig_createsThePluginWithIt() throws {
        let directory = try Self.workspace("file")
        let file = directory + "/config.json"
        try #"{"endpoint": "https://example.test"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try KaiProcess.run(["plugins", "validate", try Validate.variant("FIXTURE_REQUIRED_CONFIG"), "--plugin-config", file])
        #expect(outcome.status == 0, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("✓ create "))
    }

    @Test func validate_withEntry_takesTheConfigAndSecretsFromTheOperatorConfig() throws {
        let directory = try Self.workspace("entry")
        let config = directory + "/kai.yaml"
        try """
            plugins:
              - id: test.fixture
                config:
                  level: 4
                secrets:
                  endpoint: KAI_TEST_VALIDATE_ENDPOINT
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let plugin = try Validate.variant("FIXTURE_REQUIRED_CONFIG")
        let outcome = try KaiProcess.run(
            ["plugins", "validate", plugin, "--entry", "test.fixture", "--config", config],
            environment: ["KAI_TEST_VALIDATE_ENDPOINT": "https://example.test"])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(!outcome.stdout.contains("https://example.test"), "a secret never reaches the report")
        let unset = try KaiProcess.run(["plugins", "validate", plugin, "--entry", "test.fixture", "--config", config])
        #expect(unset.status == 78, "an unset secret is the operator config's problem")
    }

    @Test func validate_withBadConfigSources_givesExactMessages() throws {
        let directory = try Self.workspace("errors")
        let plugin = try Validate.variant("FIXTURE_REQUIRED_CONFIG")
        let broken = directory + "/broken.json", array = directory + "/array.json", config = directory + "/kai.yaml"
        try #"{"endpoint": "#.write(toFile: broken, atomically: true, encoding: .utf8)
        try #"["endpoint"]"#.write(toFile: array, atomically: true, encoding: .utf8)
        try "plugins:\n  - id: other.plugin\n".write(toFile: config, atomically: true, encoding: .utf8)
        let cases: [([String], Int32, String)] = [
            (["--plugin-config", directory + "/missing.json"], 64,
             "cannot read --plugin-config file '\(directory)/missing.json': no such readable file. Give the path of a JSON file holding the plugin's config object."),
            (["--plugin-config", broken], 65,
             "--plugin-config file '\(broken)' is not valid JSON: unexpected end of input at line 1, column 14. Give a JSON object with the plugin's config."),
            (["--plugin-config", array], 65,
             "--plugin-config file '\(array)' holds an array, not an object. A plugin's config is a JSON object, e.g. {\"endpoint\": \"https://...\"}."),
            (["--entry", "test.fixture", "--config", config], 66,
             "no entry with id \"test.fixture\" in \(config). Entries with an id: other.plugin. Add \"- id: test.fixture\" with its config under plugins, or give --plugin-config FILE.json."),
        ]
        for (arguments, status, message) in cases {
            let outcome = try KaiProcess.run(["plugins", "validate", plugin] + arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr == "kai: error: \(message)\n", "\(arguments)")
            #expect(outcome.stdout == "")
        }
        let both = try KaiProcess.run(["plugins", "validate", plugin, "--plugin-config", array, "--entry", "test.fixture"])
        #expect(both.status == 64)
        #expect(both.stderr.hasPrefix("Error: --plugin-config and --entry both give the plugin's config; give one of them.\n"), "\(both.stderr)")
    }
}

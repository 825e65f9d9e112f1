import Foundation
import KaiTestSupport
import Testing

/// A plugin cannot get its secret past the scrubbing by passing it to
/// another tool, escaping it, splitting it over two events or echoing it
/// from create(); and a short secret does not corrupt results.
@Suite struct SecretPassingTests {
    static let planted = "planted/Key-7d2e41"
    static let placeholder = "<secret from SECRETS_API_KEY>"

    static func plugin() throws -> String {
        try Fixtures.compile("secrets", source: Fixtures.repositoryRoot + "/Tests/Fixtures/secret_plugin.c")
    }

    /// A scratch directory with an operator config that gives test.secrets
    /// its api_key from SECRETS_API_KEY and logs payloads.
    static func setUp(_ name: String, isolation: String = "inprocess", config extra: String = "") throws -> (config: String, directory: String) {
        let directory = Fixtures.scratch + "/secret-passing-\(name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        try """
            database: \(directory)/registry.sqlite
            payload_logging: true
            plugins:
              - path: \(try plugin())
                id: test.secrets
                isolation: \(isolation)
                secrets: { api_key: SECRETS_API_KEY }
            \(extra)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return (config, directory)
    }

    static func kai(_ arguments: [String], config: String, secret: String = planted) throws -> KaiProcess.Outcome {
        try KaiProcess.run(arguments + ["--config", config, "--no-bundled-plugins"], environment: ["SECRETS_API_KEY": secret])
    }

    static func hex(_ text: String) -> String {
        text.utf8.map { String(format: "%02x", $0) }.joined()
    }

    static func expectNoSecret(inDatabaseIn directory: String, _ secret: String = "planted") throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("registry.sqlite") }
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
        }
    }

    // MARK: review item 4: nested call arguments

    @Test(arguments: ["inprocess", "process"])
    func nestedCall_whenAPluginPassesItsSecretInTheArguments_theCalleeAndTheDatabaseSeeThePlaceholder(isolation: String) throws {
        let (config, directory) = try Self.setUp("nested-\(isolation)", isolation: isolation)
        let outcome = try Self.kai(["tools", "call", "test.secrets.pass_on", "--args", "{}"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // show_args hex-encodes what it received, which no scrubbing touches.
        let received = #"{"token":"\#(Self.placeholder)","note":"for \#(Self.placeholder)"}"#
        #expect(outcome.stdout == #"{"hex":"\#(Self.hex(received))"}"# + "\n")
        let logs = try Self.kai(["logs", "--json"], config: config)
        #expect(logs.stdout.contains("test.secrets.show_args"), "the nested call is recorded")
        #expect(!logs.stdout.contains("planted"))
        try Self.expectNoSecret(inDatabaseIn: directory)
    }

    // MARK: review item 6 (a): results scrubbed as JSON values

    @Test func result_whenTheSecretIsEscapedWithSlashAndUnicodeEscapes_showsThePlaceholder() throws {
        let (config, directory) = try Self.setUp("escaped")
        let outcome = try Self.kai(["tools", "call", "test.secrets.echo_escaped", "--args", "{}"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == #"{"echo":"\#(Self.placeholder)"}"# + "\n")
        try Self.expectNoSecret(inDatabaseIn: directory, "Key-7d2e41")
    }

    @Test func result_whenTheSecretIsAKeyInAnObject_isReplacedAndStaysJSON() throws {
        let (config, _) = try Self.setUp("key")
        let json = #"{"\u0070lanted\/Key-7d2e41":1,"list":["x planted/Key-7d2e41 y"]}"#
        let outcome = try Self.kai(["tools", "call", "test.secrets.echo_json", "--args", Self.arguments(json)], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == #"{"\#(Self.placeholder)":1,"list":["x \#(Self.placeholder) y"]}"# + "\n")
    }

    // MARK: review item 6 (c): short secrets

    @Test func result_whenAShortNumericSecretAppearsAsANumber_staysValidAndUnchanged() throws {
        let (config, _) = try Self.setUp("short")
        let outcome = try Self.kai(["tools", "call", "test.secrets.echo_json", "--args", Self.arguments(#"{"port":8080}"#)],
                                   config: config, secret: "8080")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == #"{"port":8080}"# + "\n")
        #expect(outcome.stderr == """
            kai: warning: the secret \(Self.placeholder) of plugin test.secrets is 4 bytes long: kai cannot reliably \
            scrub a value shorter than 8 bytes from what plugins return (it also occurs by chance). Use a longer secret.\n
            """)
    }

    @Test func result_whenAShortSecretAppearsInAString_isStillReplaced() throws {
        let (config, _) = try Self.setUp("short-string")
        let outcome = try Self.kai(["tools", "call", "test.secrets.echo_json", "--args", Self.arguments(#"{"note":"port 8080"}"#)],
                                   config: config, secret: "8080")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == #"{"note":"port \#(Self.placeholder)"}"# + "\n")
    }

    // MARK: review item 6 (b): a secret split across events

    @Test(arguments: ["inprocess", "process"])
    func progress_whenTheSecretIsSplitAcrossTwoEvents_showsThePlaceholder(isolation: String) throws {
        let (config, _) = try Self.setUp("split-\(isolation)", isolation: isolation)
        let outcome = try Self.kai(["tools", "call", "test.secrets.split_progress", "--args", "{}", "--progress"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == #"{"sent":true}"# + "\n")
        #expect(outcome.stderr.contains("progress: 1/2 key \(Self.placeholder)\nprogress: 2/2  sent\n"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("planted"))
        #expect(!outcome.stderr.contains("7d2e41"))
    }

    @Test func workerStdout_whenTheSecretIsSplitAcrossTwoReads_isLoggedAsThePlaceholder() throws {
        let (config, _) = try Self.setUp("split-stdout", isolation: "process")
        let outcome = try Self.kai(["tools", "call", "test.secrets.split_stdout", "--args", "{}", "--log-level", "debug"], config: config)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("worker stdout: key \(Self.placeholder) sent"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("planted"))
        #expect(!outcome.stderr.contains("7d2e41"))
    }

    // MARK: review item 7: create() echoing its secret

    @Test func validateEntry_whenCreateEchoesTheSecret_reportsThePlaceholder() throws {
        let (config, _) = try Self.setUp("create", config: "    config: { fail_create: true }\n")
        let outcome = try KaiProcess.run(["plugins", "validate", try Self.plugin(), "--entry", "test.secrets", "--config", config],
                                         environment: ["SECRETS_API_KEY": Self.planted])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains(
            "✗ create         create() failed with PERMISSION_DENIED: the server refused key \(Self.placeholder)\n"), "\(outcome.stdout)")
        #expect(!outcome.stdout.contains("planted"))
        #expect(!outcome.stderr.contains("planted"))
    }

    @Test func toolsCall_whenCreateEchoesTheSecret_reportsThePlaceholder() throws {
        let (config, directory) = try Self.setUp("create-call", isolation: "process", config: "    config: { fail_create: true }\n")
        let outcome = try Self.kai(["tools", "call", "test.secrets.show_args", "--args", "{}"], config: config)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("the server refused key \(Self.placeholder)"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("planted"))
        try Self.expectNoSecret(inDatabaseIn: directory)
    }

    /// `{"json": text}` as a JSON text.
    static func arguments(_ json: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["json": json])
        return String(decoding: data, as: UTF8.self)
    }
}

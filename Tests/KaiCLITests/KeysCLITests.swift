import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// `kai keys set/list/path` end to end, and the stored key standing in for
/// an unset secret variable.
@Suite struct KeysCLITests {
    static let secret = "sk-keys-TOPSECRET-31337"

    /// A fresh XDG_CONFIG_HOME per test.
    static func environment(_ name: String) throws -> (environment: [String: String], keys: String) {
        let home = Fixtures.scratch + "/keys-\(name)"
        try? FileManager.default.removeItem(atPath: home)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return (["XDG_CONFIG_HOME": home], home + "/kai/keys.json")
    }

    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o777 : 0
    }

    @Test func set_storesTheKeyPrivately_andNeverPrintsIt() throws {
        let (environment, keys) = try Self.environment("set")
        let outcome = try KaiProcess.run(["keys", "set", "OPENAI_API_KEY"], stdin: Self.secret + "\n", environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "stored key OPENAI_API_KEY in \(keys)\n")
        #expect(outcome.stderr.isEmpty)
        #expect(Self.mode(keys) == 0o600)
        #expect(Self.mode((keys as NSString).deletingLastPathComponent) == 0o700)
        let stored = try JSONParser.parse(String(contentsOfFile: keys, encoding: .utf8))
        #expect(stored == ["OPENAI_API_KEY": .string(Self.secret)])

        let list = try KaiProcess.run(["keys", "list"], environment: environment)
        #expect(list.status == 0)
        #expect(list.stdout == "OPENAI_API_KEY\n")
        let json = try KaiProcess.run(["keys", "list", "--json"], environment: environment)
        #expect(try JSONParser.parse(json.stdout) == ["OPENAI_API_KEY"])
        for output in [outcome.stdout, outcome.stderr, list.stdout, list.stderr, json.stdout] {
            #expect(!output.contains("TOPSECRET"))
        }
    }

    @Test func path_printsTheKeysFile() throws {
        let (environment, keys) = try Self.environment("path")
        let outcome = try KaiProcess.run(["keys", "path"], environment: environment)
        #expect(outcome.status == 0)
        #expect(outcome.stdout == keys + "\n")
    }

    @Test func list_withNoKeys_printsNothing() throws {
        let (environment, _) = try Self.environment("none")
        let outcome = try KaiProcess.run(["keys", "list"], environment: environment)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.isEmpty)
    }

    @Test func set_withAnEmptyValue_exits64AndSaysHowToGiveOne() throws {
        let (environment, keys) = try Self.environment("empty")
        let outcome = try KaiProcess.run(["keys", "set", "OPENAI_API_KEY"], stdin: "\n", environment: environment)
        #expect(outcome.status == 64)
        #expect(outcome.stderr == """
            kai: error: no key read from stdin for OPENAI_API_KEY: the value is empty. Type it at the prompt, or pipe it in: printf '%s' "$KEY" | kai keys set OPENAI_API_KEY

            """)
        #expect(!FileManager.default.fileExists(atPath: keys))
    }

    @Test func set_withSeveralLines_exits64() throws {
        let (environment, _) = try Self.environment("lines")
        let outcome = try KaiProcess.run(["keys", "set", "A_KEY"], stdin: "one\ntwo\n", environment: environment)
        #expect(outcome.status == 64)
        #expect(outcome.stderr == "kai: error: the key read from stdin for A_KEY has more than one line. Give the key alone, on one line.\n")
    }

    @Test func set_withANameThatIsNoVariableName_exits64() throws {
        let (environment, _) = try Self.environment("badname")
        let outcome = try KaiProcess.run(["keys", "set", "openai-key"], stdin: "x\n", environment: environment)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.hasPrefix(
            "Error: key name 'openai-key' is not an environment variable name: use capital letters, digits and '_', not starting with a digit (e.g. OPENAI_API_KEY).\n"))
    }

    @Test func list_whenOthersCanReadTheFile_exits78WithTheChmodFix() throws {
        let (environment, keys) = try Self.environment("open")
        _ = try KaiProcess.run(["keys", "set", "A_KEY"], stdin: Self.secret, environment: environment)
        chmod(keys, 0o644)
        for arguments in [["keys", "list"], ["keys", "set", "B_KEY"]] {
            let outcome = try KaiProcess.run(arguments, stdin: "b", environment: environment)
            #expect(outcome.status == 78)
            #expect(outcome.stderr == "kai: error: \(keys): the keys file is open to other users (mode 644), so kai will not read keys from it. Make it private: chmod 600 \(keys)\n")
        }
    }

    // MARK: the stored key as a secret

    static func secretsConfig(_ name: String) throws -> String {
        let directory = Fixtures.scratch + "/keys-config-\(name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = directory + "/kai.yaml"
        let plugin = try Fixtures.compile("secrets", source: Fixtures.repositoryRoot + "/Tests/Fixtures/secret_plugin.c")
        try """
            database: \(directory)/registry.sqlite
            plugins:
              - path: \(plugin)
                id: test.secrets
                secrets: { api_key: SECRETS_API_KEY }
            payload_logging: true
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    @Test func storedKey_standsInForAnUnsetVariable_andIsScrubbedLikeOne() throws {
        let (environment, _) = try Self.environment("fallback")
        let config = try Self.secretsConfig("fallback")
        let set = try KaiProcess.run(["keys", "set", "SECRETS_API_KEY"], stdin: Self.secret, environment: environment)
        #expect(set.status == 0)
        let outcome = try KaiProcess.run(
            ["tools", "call", "test.secrets.echo_escaped", "--config", config, "--no-bundled-plugins"], environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try JSONParser.parse(outcome.stdout) == ["echo": "<secret from SECRETS_API_KEY>"])
        #expect(!outcome.stdout.contains("TOPSECRET") && !outcome.stderr.contains("TOPSECRET"))
        let directory = (config as NSString).deletingLastPathComponent
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasPrefix("registry.sqlite") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes.range(of: Data("TOPSECRET".utf8)) == nil, "\(file) holds the stored key")
        }
    }

    @Test func missingSecret_namesKaiKeysSetAsTheFix() throws {
        let (environment, _) = try Self.environment("missing")
        let config = try Self.secretsConfig("missing")
        let outcome = try KaiProcess.run(
            ["tools", "call", "test.secrets.echo_escaped", "--config", config, "--no-bundled-plugins"], environment: environment)
        #expect(outcome.status == 69)
        #expect(outcome.stderr.contains(
            "secret \"api_key\" of plugin test.secrets reads environment variable SECRETS_API_KEY, which is not set. Export it before starting kai, or run `kai keys set SECRETS_API_KEY`."),
            "\(outcome.stderr)")
    }
}

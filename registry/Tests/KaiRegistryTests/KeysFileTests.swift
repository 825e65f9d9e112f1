import Foundation
import KaiJSON
@testable import KaiRegistry
import Testing

/// The keys file behind `kai keys set`: private, atomic, and the fallback of
/// SecretResolver when a secret's environment variable is unset.
struct KeysFileTests {
    static let yaml = """
        plugins:
          - id: dev.x
            secrets:
              api_key: OPENAI_API_KEY
        """
    static let secret = "sk-stored-TOPSECRET-42"

    private func keysFile() -> KeysFile {
        KeysFile(path: StoreFixture.makeDirectory() + "/config/kai/keys.json")
    }

    private func mode(_ path: String) -> mode_t {
        var status = stat()
        precondition(stat(path, &status) == 0)
        return status.st_mode & 0o777
    }

    @Test func defaultPath_isBesideTheOperatorConfig() {
        #expect(KeysFile.defaultPath(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/u"]) == "/cfg/kai/keys.json")
        #expect(KeysFile.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.config/kai/keys.json")
        #expect(KeysFile.defaultPath(environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/home/u"]) == "/home/u/.config/kai/keys.json")
    }

    @Test func set_createsAPrivateFileInAPrivateDirectory_andKeepsOtherKeys() throws {
        let keys = keysFile()
        try keys.set("B_KEY", to: "b")
        try keys.set("A_KEY", to: "a")
        try keys.set("B_KEY", to: "b2")
        #expect(mode(keys.path) == 0o600)
        #expect(mode((keys.path as NSString).deletingLastPathComponent) == 0o700)
        #expect(try keys.load() == ["A_KEY": "a", "B_KEY": "b2"])
        #expect(try keys.names() == ["A_KEY", "B_KEY"])
        let text = try String(contentsOfFile: keys.path, encoding: .utf8)
        #expect(try JSONParser.parse(text) == ["A_KEY": "a", "B_KEY": "b2"])
    }

    @Test func load_whenThereIsNoFile_isEmpty() throws {
        #expect(try keysFile().load().isEmpty)
    }

    @Test func load_whenOthersCanReadTheFile_refusesWithTheChmodFix() throws {
        let keys = keysFile()
        try keys.set("A_KEY", to: Self.secret)
        chmod(keys.path, 0o644)
        let error = try #require(throws: ConfigError.self) { try keys.load() }
        #expect(error.code == .insecurePermissions)
        #expect(error.description == "\(keys.path): the keys file is open to other users (mode 644), so kai will not read keys from it. Make it private: chmod 600 \(keys.path)")
        chmod(keys.path, 0o620)
        #expect(throws: ConfigError.self) { try keys.load() }
    }

    @Test func load_whenNotAnObjectOfStrings_saysHowToFixWithoutQuotingIt() throws {
        let keys = keysFile()
        try keys.set("A_KEY", to: "a")
        for text in ["[\"\(Self.secret)\"", "{\"A_KEY\": 1}"] {
            try text.write(toFile: keys.path, atomically: false, encoding: .utf8)
            let error = try #require(throws: ConfigError.self) { try keys.load() }
            #expect(error.code == .invalidValue)
            #expect(!error.description.contains("TOPSECRET"))
        }
        #expect(throws: ConfigError(.invalidValue, file: keys.path, at: nil,
            "key A_KEY in the keys file is not a string. Store it again with `kai keys set A_KEY`.")) { try keys.load() }
    }

    @Test func resolve_whenTheVariableIsUnset_takesTheStoredKey() throws {
        let keys = keysFile()
        try keys.set("OPENAI_API_KEY", to: Self.secret)
        let entry = try loadConfig(Self.yaml).entries[0]
        let secrets = try SecretResolver(environment: [:], keys: keys).resolve(entry, pluginID: "dev.x", file: "kai.yaml")
        #expect(secrets.values["api_key"] == .string(Self.secret))
        #expect(secrets.redacted["api_key"] == "<secret from OPENAI_API_KEY>")
    }

    @Test func resolve_prefersTheEnvironment_andThenNeverReadsTheFile() throws {
        let keys = keysFile()
        try keys.set("OPENAI_API_KEY", to: "stored")
        chmod(keys.path, 0o644)  // would be refused if it were read
        let entry = try loadConfig(Self.yaml).entries[0]
        let secrets = try SecretResolver(environment: ["OPENAI_API_KEY": "from-env"], keys: keys)
            .resolve(entry, pluginID: "dev.x", file: "kai.yaml")
        #expect(secrets.values["api_key"] == "from-env")
    }

    @Test func resolve_whenTheFileIsOpenToOthers_refusesIt() throws {
        let keys = keysFile()
        try keys.set("OPENAI_API_KEY", to: Self.secret)
        chmod(keys.path, 0o640)
        let entry = try loadConfig(Self.yaml).entries[0]
        let error = try #require(throws: ConfigError.self) {
            try SecretResolver(environment: [:], keys: keys).resolve(entry, pluginID: "dev.x", file: "kai.yaml")
        }
        #expect(error.code == .insecurePermissions)
        #expect(!error.description.contains("TOPSECRET"))
    }

    @Test func resolve_whenNeitherHasIt_namesBothFixes() throws {
        let keys = keysFile()
        try keys.set("OTHER", to: "x")
        let entry = try loadConfig(Self.yaml).entries[0]
        let error = try #require(throws: ConfigError.self) {
            try SecretResolver(environment: [:], keys: keys).resolve(entry, pluginID: "dev.x", file: "kai.yaml")
        }
        #expect(error.description == "kai.yaml:4:7: secret \"api_key\" of plugin dev.x reads environment variable OPENAI_API_KEY, which is not set. Export it before starting kai, or run `kai keys set OPENAI_API_KEY`.")
    }
}

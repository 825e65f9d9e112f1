import KaiJSON
@testable import KaiRegistry
import Testing

/// Secrets come from the environment and never show up in text.
struct ConfigSecretTests {
    static let yaml = """
        plugins:
          - id: dev.x
            config: { model: small }
            secrets:
              api_key: OPENAI_API_KEY
              org: OPENAI_ORG
        """
    static let secretValue = "sk-live-TOPSECRET-0123456789"

    @Test func resolve_mergesValues_andRedactsTheCopy() throws {
        let entry = try loadConfig(Self.yaml).entries[0]
        let resolver = SecretResolver(environment: ["OPENAI_API_KEY": Self.secretValue, "OPENAI_ORG": "org-1"])
        let secrets = try resolver.resolve(entry, pluginID: "dev.x", file: "kai.yaml")
        #expect(secrets.merged(into: entry.config) == ["model": "small", "api_key": .string(Self.secretValue), "org": "org-1"])
        #expect(secrets.redacted(into: entry.config)
            == ["model": "small", "api_key": "<secret from OPENAI_API_KEY>", "org": "<secret from OPENAI_ORG>"])
    }

    @Test func resolve_whenVariableIsUnset_namesKeyAndVariableAtTheSecretsLine() throws {
        let entry = try loadConfig(Self.yaml).entries[0]
        let resolver = SecretResolver(
            environment: ["OPENAI_ORG": Self.secretValue, "OPENAI_API_KEY": ""], keys: KeysFile(path: "/nonexistent/keys.json"))
        #expect(performing: { try resolver.resolve(entry, pluginID: "dev.x", file: "kai.yaml") }, throws: {
            ($0 as? ConfigError)?.description
                == #"kai.yaml:5:7: secret "api_key" of plugin dev.x reads environment variable OPENAI_API_KEY, which is not set. Export it before starting kai, or run `kai keys set OPENAI_API_KEY`."#
        })
    }

    @Test func printing_configAndSecrets_neverShowsTheValue() throws {
        let config = try loadConfig(Self.yaml)
        let secrets = try SecretResolver(environment: ["OPENAI_API_KEY": Self.secretValue, "OPENAI_ORG": Self.secretValue])
            .resolve(config.entries[0], pluginID: "dev.x", file: "kai.yaml")
        var dumped = ""
        dump(secrets, to: &dumped)
        for text in [String(describing: config), String(reflecting: config), String(describing: secrets),
                     String(reflecting: secrets), "\(secrets)", dumped] {
            #expect(!text.contains("TOPSECRET"))
        }
        #expect(String(describing: secrets).contains("<secret from OPENAI_API_KEY>"))
    }

    @Test func errors_neverContainTheSecretValue() throws {
        let entry = try loadConfig(Self.yaml).entries[0]
        let environment = ["OPENAI_API_KEY": Self.secretValue]
        #expect(performing: { try SecretResolver(environment: environment).resolve(entry, pluginID: "dev.x", file: "kai.yaml") }, throws: {
            !String(describing: $0).contains("TOPSECRET") && !String(reflecting: $0).contains("TOPSECRET")
        })
    }

    @Test(arguments: ["A", "_X", "OPENAI_API_KEY", "K8S_TOKEN"])
    func isVariableName_acceptsPortableNames(name: String) { #expect(SecretResolver.isVariableName(name)) }

    @Test(arguments: ["", "1A", "lower", "A-B", "A B", "É"])
    func isVariableName_rejectsOthers(name: String) { #expect(!SecretResolver.isVariableName(name)) }
}

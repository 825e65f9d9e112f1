import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 9, item 4 (a): a worker's environment is a short allow-list, never
/// the host's; a plugin's secrets reach it through its config only, and
/// another plugin's secrets never. Two probe plugins, each with a secret,
/// while this process has both secrets' variables and an unrelated one set
/// (as kai has when it resolved them from its environment).
@Suite struct WorkerEnvironmentTests {
    static let allowed: Set<String> = ["PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "HOME", "SWIFT_BACKTRACE"]

    @Test(arguments: [PluginIsolation.process, .sandbox])
    func worker_getsAnAllowListedEnvironment_andOnlyItsOwnSecretThroughItsConfig(_ isolation: PluginIsolation) throws {
        if let missing = Probe.sandboxMissing(isolation) { try Test.cancel(Comment(rawValue: missing)) }
        let unique = UInt32.random(in: 0...UInt32.max)
        let variables = ["KAI_TEST_UNRELATED_\(unique)": "unrelated-\(unique)", "KAI_TEST_SECRET_A_\(unique)": "alpha-\(unique)",
                         "KAI_TEST_SECRET_B_\(unique)": "beta-\(unique)"]
        for (name, value) in variables { setenv(name, value, 1) }
        defer { for name in variables.keys { unsetenv(name) } }
        func source(_ id: String, secret: String) throws -> PluginSource {
            let settings = PluginSettings(
                config: .object([:]), secrets: ["token": .init(value: secret, redacted: "<secret>")], isolation: isolation,
                worker: Workers.policy())
            return PluginSource(path: try Probe.path(id: id), settings: settings)
        }
        let host = PluginHost.load(from: ListCatalog(sources: [try source("test.probe-a", secret: "alpha-\(unique)"),
                                                               try source("test.probe-b", secret: "beta-\(unique)")]),
                                   scanning: .inProcess)
        let environ = Probe.strings(try host.call("test.probe-a.environ", "{}"), "environ")
        let names = Set(environ.map { String($0.prefix { $0 != "=" }) })
        #expect(names.isSubset(of: Self.allowed.union(names.filter { $0.hasPrefix("LC_") })), "\(environ)")
        #expect(environ.contains("HOME=/nonexistent"), "\(environ)")
        for value in variables.values { #expect(!environ.contains { $0.contains(value) }, "\(value) leaked: \(environ)") }
        // Each plugin received its own secret (read back hex-encoded: an echo
        // of the value itself is scrubbed to its placeholder on the way out).
        #expect(try receivedConfig(host, "test.probe-a") == ["token": .string("alpha-\(unique)")])
        #expect(try receivedConfig(host, "test.probe-b") == ["token": .string("beta-\(unique)")])
        #expect(try host.call("test.probe-a.config", "{}") == ["token": "<secret>"])
    }

    private func receivedConfig(_ host: PluginHost, _ plugin: String) throws -> JSONValue {
        let hex = try #require(try host.call("\(plugin).config_hex", "{}")["hex"]?.stringValue)
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        return try JSONParser.parse(bytes)
    }
}

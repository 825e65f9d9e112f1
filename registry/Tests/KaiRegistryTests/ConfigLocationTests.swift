import Foundation
@testable import KaiRegistry
import Testing

/// Which file is the config, and what happens when it does not exist.
struct ConfigLocationTests {
    @Test func resolve_prefersFlagThenEnvironmentThenXDG() {
        let environment = ["HOME": "/h", "KAI_CONFIG": "/env.yaml", "XDG_CONFIG_HOME": "/xdg"]
        #expect(ConfigLocation.resolve(explicit: "/flag.yaml", environment: environment)
            == ConfigLocation(path: "/flag.yaml", source: .flag, defaultPath: "/xdg/kai/kai.yaml"))
        #expect(ConfigLocation.resolve(explicit: nil, environment: environment)
            == ConfigLocation(path: "/env.yaml", source: .environment, defaultPath: "/xdg/kai/kai.yaml"))
        #expect(ConfigLocation.resolve(explicit: nil, environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/xdg"])
            == ConfigLocation(path: "/xdg/kai/kai.yaml", source: .default, defaultPath: "/xdg/kai/kai.yaml"))
    }

    @Test func resolve_withoutXDG_usesHomeConfig_andIgnoresEmptyOrRelativeValues() {
        let expected = ConfigLocation(path: "/h/.config/kai/kai.yaml", source: .default, defaultPath: "/h/.config/kai/kai.yaml")
        #expect(ConfigLocation.resolve(explicit: nil, environment: ["HOME": "/h"]) == expected)
        #expect(ConfigLocation.resolve(explicit: "", environment: ["HOME": "/h", "KAI_CONFIG": "", "XDG_CONFIG_HOME": "rel"]) == expected)
    }

    @Test func loadOrCreateDefault_atDefaultLocation_writesCommentedDefaultsEnablingBundledPlugins() throws {
        let scratch = ConfigScratch()
        let location = ConfigLocation.resolve(explicit: nil, environment: ["HOME": "/h", "XDG_CONFIG_HOME": scratch.directory + "/xdg"])
        let config = try ConfigLoader.loadOrCreateDefault(location: location, bundledDirectory: "/opt/kai dir/lib")
        let entry = try #require(config.entries.first)
        #expect(config.entries.count == 1)
        #expect(entry.path == "/opt/kai dir/lib" && entry.pattern == "libKaiPlugin*.so" && entry.enabled && entry.id == nil)
        #expect(!config.payloadLogging && config.databasePath == nil)
        let text = scratch.read("xdg/kai/kai.yaml")
        #expect(text.hasPrefix("# Kai operator configuration"))
        #expect(text.contains("  - path: \"/opt/kai dir/lib\"\n    pattern: \"libKaiPlugin*.so\"\n"))
        // A second start reads the file it wrote instead of rewriting it.
        scratch.write(text + "payload_logging_note: 1\n", to: "xdg/kai/kai.yaml")
        #expect(throws: ConfigError.self) { try ConfigLoader.loadOrCreateDefault(location: location, bundledDirectory: "/x") }
    }

    @Test func loadOrCreateDefault_withoutBundledDirectory_writesNoPluginEntries() throws {
        let scratch = ConfigScratch()
        let location = ConfigLocation(path: scratch.directory + "/kai.yaml", source: .default, defaultPath: scratch.directory + "/kai.yaml")
        #expect(try ConfigLoader.loadOrCreateDefault(location: location, bundledDirectory: nil).entries.isEmpty)
    }

    @Test(arguments: [
        (ConfigLocation.Source.flag, "--config", "omit --config"),
        (ConfigLocation.Source.environment, "KAI_CONFIG", "unset KAI_CONFIG"),
    ])
    func loadOrCreateDefault_whenChosenFileIsMissing_failsWithoutCreatingIt(source: ConfigLocation.Source, origin: String, fix: String) {
        let scratch = ConfigScratch()
        let path = scratch.directory + "/typo.yaml"
        let location = ConfigLocation(path: path, source: source, defaultPath: "/h/.config/kai/kai.yaml")
        #expect(performing: { try ConfigLoader.loadOrCreateDefault(location: location, bundledDirectory: "/x") }, throws: {
            ($0 as? ConfigError)?.description
                == "\(path): config file not found (from \(origin)). Create it, or \(fix) to use the default at /h/.config/kai/kai.yaml."
        })
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

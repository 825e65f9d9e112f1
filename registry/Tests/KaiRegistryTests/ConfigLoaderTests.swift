import Foundation
import KaiJSON
@testable import KaiRegistry
import Testing

/// What a valid config file loads as.
struct ConfigLoaderTests {
    static let example = """
        # Kai operator configuration
        database: ~/.local/share/kai/registry.sqlite
        payload_logging: true
        plugins:
          - path: /usr/lib/kai/plugins
            enabled: true
          - id: dev.kai.text
            isolation: process
            status: maintenance
            config:
              max_input_bytes: 2048
              modes: [upper, lower]
              nested: { depth: 2 }
            secrets: { api_key: OPENAI_API_KEY }
          - path: lib/libfoo.so
            id: com.example.foo
            pattern: "ignored*.so"
            enabled: false
        """

    @Test func load_isolationIsExplicitOnlyWhenTheEntrySaysIt() throws {
        // A long-running host picks its own default only for entries without `isolation:`.
        let config = try loadConfig("plugins:\n  - id: dev.x\n    isolation: inprocess\n  - id: dev.y\n    enabled: true\n")
        #expect(config.entries.map(\.isolationIsExplicit) == [true, false])
        #expect(config.entries.map(\.isolation) == [.inprocess, .inprocess])
    }

    @Test func load_isolationSandbox_isAccepted() throws {
        let config = try loadConfig("plugins:\n  - id: dev.x\n    isolation: sandbox\n")
        #expect(config.entries.first?.isolation == .sandbox)
    }

    @Test func load_example_readsEveryField() throws {
        let config = try loadConfig(Self.example)
        #expect(config.databasePath == "/home/op/.local/share/kai/registry.sqlite")
        #expect(config.payloadLogging)
        #expect(config.entries.count == 3)
        let dir = config.entries[0]
        #expect(dir.path == "/usr/lib/kai/plugins" && dir.id == nil && dir.pattern == nil)
        #expect(dir.enabled && dir.isolation == .inprocess && dir.status == nil)
        #expect(dir.config == .object([:]) && dir.secrets.isEmpty)
        let text = config.entries[1]
        #expect(text.id == "dev.kai.text" && text.path == nil)
        #expect(text.isolation == .process && text.status == .maintenance)
        #expect(text.config == ["max_input_bytes": 2048, "modes": ["upper", "lower"], "nested": ["depth": 2]])
        #expect(text.secrets == ["api_key": "OPENAI_API_KEY"])
        let foo = config.entries[2]
        #expect(foo.path == FileManager.default.currentDirectoryPath + "/lib/libfoo.so")
        #expect(foo.id == "com.example.foo" && !foo.enabled && foo.pattern == "ignored*.so")
        #expect(config.entry(forPluginID: "com.example.foo") == foo)
    }

    @Test func load_example_recordsLinesOfEntriesAndConfigPaths() throws {
        let text = try loadConfig(Self.example).entries[1]
        #expect(text.line == 7)
        #expect(text.position == SourcePosition(line: 7, column: 5))
        #expect(text.configLine == 10)
        #expect(text.line(ofConfigPath: ["max_input_bytes"]) == 11)
        #expect(text.line(ofConfigPath: ["modes", "1"]) == 12)
        #expect(text.line(ofConfigPath: ["nested", "depth"]) == 13)
        #expect(text.line(ofConfigPath: ["missing"]) == nil)
        #expect(text.position(nearestConfigPath: ["nested", "absent"]) == SourcePosition(line: 13, column: 7))
        #expect(text.position(nearestConfigPath: ["absent"]).line == 10)
        #expect(text.position(ofKey: "status") == SourcePosition(line: 9, column: 5))
        #expect(text.position(ofSecret: "api_key") == SourcePosition(line: 14, column: 16))
    }

    @Test(arguments: ["", "# only a comment\n", "---\n", "plugins:\n", "plugins: []\n"])
    func load_emptyDocument_isValidWithNoPlugins(yaml: String) throws {
        let config = try loadConfig(yaml)
        #expect(config == OperatorConfig(file: "kai.yaml"))
        #expect(!config.payloadLogging && config.databasePath == nil)
    }

    @Test func load_relativePath_resolvesAgainstTheConfigDirectory() throws {
        let scratch = ConfigScratch()
        let path = scratch.write("database: reg.sqlite\nplugins:\n  - path: plugins\n", to: "etc/kai.yaml")
        let config = try ConfigLoader.load(path: path, environment: testEnvironment)
        #expect(config.file == path)
        #expect(config.databasePath == scratch.directory + "/etc/reg.sqlite")
        #expect(config.entries[0].path == scratch.directory + "/etc/plugins")
    }

    @Test func databasePath_whenUnset_followsXDGDataHome() throws {
        let config = try loadConfig("")
        #expect(config.databasePath(environment: ["HOME": "/h"]) == "/h/.local/share/kai/registry.sqlite")
        #expect(config.databasePath(environment: ["HOME": "/h", "XDG_DATA_HOME": "/data"]) == "/data/kai/registry.sqlite")
        #expect(config.databasePath(environment: ["HOME": "/h", "XDG_DATA_HOME": "rel"]) == "/h/.local/share/kai/registry.sqlite")
    }

    @Test func load_missingFile_saysNotFound() {
        #expect(throws: ConfigError(.fileNotFound, file: "/nonexistent/kai.yaml", at: nil, "config file not found. Check the path.")) {
            try ConfigLoader.load(path: "/nonexistent/kai.yaml")
        }
    }

    @Test func load_directory_saysToNameTheFile() {
        let scratch = ConfigScratch()
        #expect(performing: { try ConfigLoader.load(path: scratch.directory) }, throws: {
            ($0 as? ConfigError)?.description == "\(scratch.directory): is a directory, not a config file. Name the kai.yaml file inside it."
        })
    }

    @Test func load_invalidUTF8_saysSoWithoutCrashing() throws {
        let scratch = ConfigScratch()
        let path = scratch.directory + "/bad.yaml"
        try Data([0x70, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        #expect(performing: { try ConfigLoader.load(path: path) }, throws: {
            ($0 as? ConfigError)?.description == "\(path): the config file is not UTF-8 text. Save it as UTF-8."
        })
    }
}

/// Schema violations of a plugin's config map back to file lines.
struct ConfigViolationPositionTests {
    @Test(arguments: [
        ("$", 3), ("$.max_input_bytes", 4), ("$.limits[1]", 7), ("$.limits[1].deep", 7), (#"$["a b"]"#, 8),
        (#"$["q\"x"]"#, 9), ("$.absent", 3),
    ])
    func positionOfViolation_findsTheLineOfThePath(path: String, line: Int) throws {
        let yaml = "plugins:\n  - id: dev.x\n    config:\n      max_input_bytes: 2048\n      limits:\n        - 1\n        - 2\n      a b: 3\n      'q\"x': 4\n"
        let entry = try loadConfig(yaml).entries[0]
        #expect(entry.position(ofConfigViolationAt: path).line == line)
    }
}

import Foundation
import KaiJSON
import KaiJSONSchema
@testable import KaiRegistry
import Testing

/// `registry/kai-config.schema.json` (for editors and CI) and the loader
/// accept and reject the same files.
struct ConfigSchemaFileTests {
    static let schemaPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("kai-config.schema.json").path

    static let valid = [
        "",
        "plugins:\n",
        ConfigLoaderTests.example,
        "database: /d.sqlite\npayload_logging: false\nplugins:\n  - path: /a\n    pattern: \"lib*.so\"\n",
        "plugins:\n  - id: dev.x\n    config: { a: [1, 2.5, null, yes] }\n    secrets: { k: K_1 }\n",
        "router:\n  breaker: { failures: 3, window_s: 10, cooldown_s: 2.5, successes: 1 }\n  targets:\n    - name: openai/gpt-4o\n      tier: strong\n      fallbacks: [anthropic/claude-sonnet-4-5, local]\n    - name: local\n",
        "approvals:\n  tools:\n    write_file:\n      mode: ask\n      approvers: 2\n      rules:\n        - when: { path: \"/tmp/**\", force: true }\n          mode: allow\n    delete: deny\n    fetch:\n",
        "native_tools:\n  - id: native.libm\n    library: libm.so.6\n    isolation: inprocess\n    functions:\n      - signature: double pow(double x, double y)\n        description: x to the y.\n        parameters: { y: { description: The power., minimum: -10, maximum: 10 } }\n        annotations: { readOnlyHint: true, openWorldHint: false }\n",
        "mcp_servers:\n  - id: time\n    command: uvx\n    args: [mcp-server-time, --local-timezone, UTC]\n    env: { LOG: quiet }\n    secrets: { API_KEY: TIME_KEY }\n    timeout: 30\n  - id: web\n    url: http://127.0.0.1:8000/mcp\n    token_secret: WEB_TOKEN\n    enabled: false\n",
    ]

    static let invalid = [
        "plugin: []\n",
        "payload_logging: yes\n",
        "plugins:\n  - enabled: true\n",
        "plugins:\n  - id: dev.x\n    enabeld: true\n",
        "plugins:\n  - id: dev.x\n    enabled: \"true\"\n",
        "plugins:\n  - id: dev.x\n    isolation: container\n",
        "plugins:\n  - id: dev.x\n    status: retired\n",
        "plugins:\n  - id: dev.x\n    pattern: \"*.so\"\n",
        "plugins:\n  - path: /a\n    pattern: a/b.so\n",
        "plugins:\n  - id: dev.x\n    config: [1]\n",
        "plugins:\n  - id: dev.x\n    secrets: { k: lower_case }\n",
        "plugins:\n  - path: \"  \"\n",
        "plugins:\n  - path: /a\n    pattern: \" \"\n",
        "plugins: { path: /a }\n",
        "- path: /a\n",
        "router:\n  target: []\n",
        "router:\n  breaker: { failures: 0 }\n",
        "router:\n  targets:\n    - tier: strong\n",
        "router:\n  targets:\n    - name: local\n      tier: weak\n",
        "router:\n  targets:\n    - name: /gpt-4o\n",
        "approvals:\n  tools:\n    write_file:\n      mode: maybe\n",
        "approvals:\n  tools:\n    write_file: sometimes\n",
        "approvals:\n  tools:\n    write_file:\n      approvers: 11\n",
        "approvals:\n  tools:\n    write_file:\n      rules:\n        - mode: allow\n",
        "approvals:\n  tool: {}\n",
        "native_tools:\n  - id: libm\n    library: libm.so.6\n    functions: [{ signature: double cbrt(double x), description: d }]\n",
        "native_tools:\n  - id: native.libm\n    library: libm.so.6\n    isolation: sandbox\n    functions: [{ signature: double cbrt(double x), description: d }]\n",
        "native_tools:\n  - id: native.libm\n    library: libm.so.6\n    functions: [{ signature: double cbrt(double x) }]\n",
        "native_tools:\n  - id: native.libm\n    library: libm.so.6\n    functions: [{ signature: double cbrt(double x), description: d, annotations: { readOnly: true } }]\n",
        "mcp_servers:\n  - id: fx\n",
        "mcp_servers:\n  - id: fx\n    command: a\n    url: http://h/mcp\n",
        "mcp_servers:\n  - id: Fx\n    command: a\n",
        "mcp_servers:\n  - id: fx\n    url: http://h/mcp\n    secrets: { A: B }\n",
        "mcp_servers:\n  - id: fx\n    command: a\n    secrets: { A: lower }\n",
        "mcp_servers:\n  - id: fx\n    command: a\n    timeout: 0\n",
    ]

    private func schema() throws -> JSONSchema {
        try JSONSchema(JSONParser.parse(String(contentsOfFile: Self.schemaPath, encoding: .utf8)))
    }

    /// The whole document as JSON, converted as the loader converts `config:`.
    private func json(_ yaml: String) throws -> JSONValue {
        guard let root = try YAMLCoreSchema.compose(yaml, file: "kai.yaml") else { return .null }
        var converter = YAMLToJSON(file: "kai.yaml", label: "document")
        return try converter.convert(root)
    }

    @Test(arguments: valid)
    func schemaAndLoader_acceptValidConfigs(yaml: String) throws {
        #expect(try schema().validate(json(yaml)) == [])
        #expect(configError(yaml) == nil)
    }

    @Test(arguments: invalid)
    func schemaAndLoader_rejectInvalidConfigs(yaml: String) throws {
        #expect(try !schema().isValid(json(yaml)))
        #expect(configError(yaml) != nil)
    }

    @Test func schema_violation_pointsAtTheKey() throws {
        let violations = try schema().validate(json("plugins:\n  - id: dev.x\n    isolation: container\n"))
        #expect(violations.map(\.path) == ["$.plugins[0].isolation"])
    }
}

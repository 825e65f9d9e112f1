@testable import KaiRegistry
import Testing

/// Every mistake in kai.yaml is reported at its line and column with the fix.
struct ConfigErrorTests {
    static let cases: [(yaml: String, message: String)] = [
        (
            "plugins:\n  - path: /a\n   enabled: true\n",
            #"kai.yaml:3:4: invalid YAML: did not find expected '-' indicator (while parsing a block collection at line 2). Check indentation and quoting near this line."#
        ),
        (
            "plugins:\n  - path: \"/a\n",
            #"kai.yaml:3:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 2). Check indentation and quoting near this line."#
        ),
        (
            "plugins:\n\t- path: /a\n",
            #"kai.yaml:2:1: invalid YAML: found character that cannot start any token (while scanning for the next token). Check indentation and quoting near this line."#
        ),
        (
            "payload_logging: true\npayload_logging: false\n",
            #"kai.yaml:1:1: key "payload_logging" appears more than once in this mapping. Keep one of them."#
        ),
        (
            "- path: /a\n",
            #"kai.yaml:1:1: the config must be a mapping with the keys database, database_password_env, payload_logging, plugins, sandbox, router, approvals, native_tools, mcp_servers, got a list."#
        ),
        (
            "just text\n",
            #"kai.yaml:1:1: the config must be a mapping with the keys database, database_password_env, payload_logging, plugins, sandbox, router, approvals, native_tools, mcp_servers, got "just text"."#
        ),
        (
            "plugin:\n  - path: /a\n",
            #"kai.yaml:1:1: unknown top-level key "plugin". Did you mean "plugins"? Allowed keys: database, database_password_env, payload_logging, plugins, sandbox, router, approvals, native_tools, mcp_servers."#
        ),
        (
            "payload-logging: true\n",
            #"kai.yaml:1:1: unknown top-level key "payload-logging". Did you mean "payload_logging"? Allowed keys: database, database_password_env, payload_logging, plugins, sandbox, router, approvals, native_tools, mcp_servers."#
        ),
        (
            "plugins:\n  - path: /a\n  - id: dev.x\n    # note\n    isolation: process\n    status: active\n    enabeld: true\n",
            #"kai.yaml:7:5: unknown key "enabeld" in plugins[1]. Did you mean "enabled"? Allowed keys: path, pattern, id, enabled, isolation, status, config, secrets."#
        ),
        (
            "plugins:\n  - id: dev.x\n    max_input_bytes: 5\n",
            #"kai.yaml:3:5: unknown key "max_input_bytes" in plugins[0]. Plugin settings belong under "config:". Allowed keys: path, pattern, id, enabled, isolation, status, config, secrets."#
        ),
        (
            "plugins:\n  - path: /a\n  - id: dev.x\n    status: active\n    isolation: inprocess\n    # why\n    #\n    enabled:  maybe\n",
            #"kai.yaml:8:15: plugins[1].enabled must be true or false, got "maybe"."#
        ),
        (
            "plugins:\n  - id: dev.x\n    enabled: yes\n",
            #"kai.yaml:3:14: plugins[0].enabled must be true or false, got "yes". Write true or false: kai reads YAML 1.2, where yes is text."#
        ),
        (
            "plugins:\n  - id: dev.x\n    enabled: 1\n",
            #"kai.yaml:3:14: plugins[0].enabled must be true or false, got 1."#
        ),
        (
            "plugins:\n  - id: dev.x\n    enabled:\n",
            #"kai.yaml:3:13: plugins[0].enabled must be true or false, got nothing."#
        ),
        (
            "payload_logging: \"true\"\n",
            #"kai.yaml:1:18: payload_logging must be true or false, got "true"."#
        ),
        (
            "plugins:\n  - id: dev.x\n    isolation: container\n",
            #"kai.yaml:3:16: plugins[0].isolation must be one of inprocess, process, sandbox, got "container"."#
        ),
        (
            "plugins:\n  - id: dev.x\n    status: [active]\n",
            #"kai.yaml:3:13: plugins[0].status must be one of active, inactive, maintenance, deprecated, got a list."#
        ),
        (
            "plugins:\n  - enabled: false\n    status: inactive\n",
            #"kai.yaml:2:5: plugins[0] has neither path nor id. Add "path:" to load plugins from a file or directory, or "id:" to configure a plugin found through another entry."#
        ),
        (
            "plugins:\n  - /usr/lib/kai/plugins\n",
            #"kai.yaml:2:5: plugins[0] must be a mapping with a path or an id ("- path: /usr/lib/kai/plugins"?), got "/usr/lib/kai/plugins"."#
        ),
        (
            "plugins:\n  path: /a\n",
            #"kai.yaml:2:3: plugins must be a list of entries ("- path: …" or "- id: …"), got a mapping."#
        ),
        (
            "plugins:\n  - path: \"\"\n",
            #"kai.yaml:2:11: plugins[0].path must not be empty. Write a .so file or a directory of them, or remove the key."#
        ),
        (
            "plugins:\n  - path: [a, b]\n",
            #"kai.yaml:2:11: plugins[0].path must be text (a .so file or a directory of them), got a list."#
        ),
        (
            "plugins:\n  - id: dev.x\n    pattern: \"*.so\"\n",
            #"kai.yaml:3:5: plugins[0].pattern only applies with a path. Add "path:" naming the directory to scan, or remove pattern."#
        ),
        (
            "plugins:\n  - path: /a\n    pattern: sub/*.so\n",
            #"kai.yaml:3:14: plugins[0].pattern matches file names, so it cannot contain "/", got "sub/*.so". Put the directory in path."#
        ),
        (
            "plugins:\n  - id: dev.x\n    config: [1, 2]\n",
            #"kai.yaml:3:13: plugins[0].config must be a mapping of settings, got a list."#
        ),
        (
            "plugins:\n  - id: dev.x\n    config:\n      a: 1\n      a: 2\n",
            #"kai.yaml:4:7: key "a" appears more than once in this mapping. Keep one of them."#
        ),
        (
            "plugins:\n  - id: dev.x\n    config:\n      limit: .inf\n",
            #"kai.yaml:4:14: plugins[0].config.limit is .inf, which JSON cannot represent. Use a finite number or a string."#
        ),
        (
            "plugins:\n  - id: dev.x\n    config:\n      when: !!timestamp 2024-01-01\n",
            #"kai.yaml:4:13: plugins[0].config.when has the tag !timestamp, which has no JSON equivalent. Remove the tag or quote the value."#
        ),
        (
            "plugins:\n  - id: dev.x\n    secrets: OPENAI_API_KEY\n",
            #"kai.yaml:3:14: plugins[0].secrets must be a mapping from config key to environment variable name, got "OPENAI_API_KEY"."#
        ),
        (
            "plugins:\n  - id: dev.x\n    config: { api_key: x }\n    secrets: { api_key: OPENAI_API_KEY }\n",
            #"kai.yaml:4:16: plugins[0].secrets.api_key is also set under config. Remove it from config: its value comes from OPENAI_API_KEY."#
        ),
        (
            "plugins:\n  - id: dev.x\n  - path: /a\n  - path: /b\n    id: dev.x\n",
            #"kai.yaml:5:5: plugin id "dev.x" is configured twice: plugins[0] (line 2) and plugins[2]. Merge the two entries into one."#
        ),
    ]

    @Test(arguments: cases)
    func load_whenConfigIsWrong_reportsLocationProblemAndFix(yaml: String, message: String) {
        #expect(configError(yaml) == message)
    }

    /// A secret pasted where the variable name belongs is never echoed.
    @Test(arguments: ["sk-live-12345", "openai_api_key", "1PASSWORD", "A B"])
    func load_whenSecretIsNotAVariableName_hidesTheValue(value: String) throws {
        let message = try #require(configError("plugins:\n  - id: dev.x\n    secrets:\n      api_key: \"\(value)\"\n"))
        #expect(message == #"kai.yaml:4:16: plugins[0].secrets.api_key must be the name of an environment variable (A-Z, 0-9 and _, not starting with a digit); the value is not shown in case it is the secret itself. Put the secret in an environment variable and write its name here."#)
        #expect(!message.contains(value))
    }

    @Test func load_whenAliasesExplode_stopsInsteadOfExpanding() throws {
        var yaml = "plugins:\n  - id: dev.x\n    config:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...6 {
            let previous = "*a\(level - 1)"
            yaml += "      a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let message = try #require(configError(yaml))
        #expect(message.hasSuffix(": plugins[0].config expands to more than 100000 values. Reduce its size or its use of aliases."))
    }

    @Test func description_withoutPosition_namesTheFile() {
        let error = ConfigError(.unreadable, file: "/etc/kai.yaml", at: nil, "cannot read the config file. Check its permissions.")
        #expect(error.description == "/etc/kai.yaml: cannot read the config file. Check its permissions.")
    }
}

/// The config written on first use, so a fresh install runs its bundled
/// plugins with no setup. Comments document every key in place.
enum DefaultConfig {
    static func text(bundledDirectory: String?) -> String {
        var text = """
            # Kai operator configuration (created on first use; edit freely).
            # Reference: registry/CONFIG.md. Schema: registry/kai-config.schema.json.

            # Where the registry keeps plugins, capabilities, scores and the call log.
            # database: ~/.local/share/kai/registry.sqlite

            # Log call arguments and results in the call log (off: they may hold private data).
            payload_logging: false

            plugins:

            """
        if let bundledDirectory {
            text += """
                  # The plugins bundled with kai.
                  - path: \(yamlScalar(bundledDirectory))
                    pattern: "libKaiPlugin*.so"
                    enabled: true

                """
        } else {
            text += """
                  # No bundled plugin directory was found; add entries like:
                  # - path: /usr/lib/kai/plugins

                """
        }
        text += """
              # Settings for one plugin, by manifest id:
              # - id: dev.kai.text
              #   isolation: inprocess        # inprocess | process | sandbox
              #   status: active              # active | inactive | maintenance | deprecated
              #   config: { max_input_bytes: 2048 }
              #   secrets: { api_key: OPENAI_API_KEY }   # config key -> environment variable name

            # Which providers `kai prompt` picks without -m (ranked by registry score for
            # --task-type), their fallbacks on failure, and risk tiers (--risk high: strong only).
            # Without this section the router's only target is local.
            # router:
            #   breaker: { failures: 5, window_s: 60, cooldown_s: 30, successes: 2 }
            #   targets:
            #     - name: openai/gpt-4o-mini
            #       tier: strong              # strong | standard
            #       fallbacks: [local]
            #     - name: local

            # Which tool calls `kai run` asks about (default: tools annotated destructive or
            # open-world, or not annotated). Per tool: allow | ask | deny, approvers 2+ (other
            # users approve with `kai approvals`), rules by argument (first match wins).
            # approvals:
            #   tools:
            #     write_file:
            #       mode: ask
            #       rules:
            #         - when: { path: "/tmp/**" }
            #           mode: allow

            # How `kai sandbox run FILE` runs a source file, by extension: optional compile
            # steps, then the run step. {source} is the file in /work, {exe} the compiled program.
            sandbox:
              languages:
                py:
                  run: [/usr/bin/python3, -I, -B, "{source}"]
                sh:
                  run: [/bin/sh, "{source}"]
                c:
                  compile:
                    - command: [/usr/bin/cc, -O1, -std=c11, -o, "{exe}", "{source}", -lm]
                      time_limit_ms: 30000
                      cpu_limit_ms: 30000
                      memory_mb: 512
                      pids: 32
                  run: ["{exe}"]

            """
        return text
    }

    /// `value` as a YAML scalar: plain when that reads back as the same
    /// string, double-quoted (JSON escapes are valid YAML) otherwise.
    static func yamlScalar(_ value: String) -> String {
        let safe = value.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+@".unicodeScalars.contains(scalar)
        }
        if safe, value.first.map({ !"-.@".contains($0) }) ?? false { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case _ where scalar.value < 0x20: quoted += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

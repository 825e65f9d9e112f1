import Foundation
import KaiCore
import KaiJSON
import KaiRegistry
import KaiRuntime

/// The config's `mcp_servers` as plugin entries: each server's tools
/// (from the registry's cache, so listing starts no server) under its id,
/// served by an MCPServerBackend. A server with no cached list yet is
/// started once here to fill the cache (and the backend keeps that session
/// for the calls that follow).
public struct MCPToolImporter: ImportedToolSource {
    public init() {}

    public func sources(config: OperatorConfig, store: RegistryStore, environment: [String: String],
                        diagnostics: any RuntimeDiagnostics) -> [PluginSource] {
        config.mcpServers.filter(\.enabled).compactMap { entry in
            source(entry, config: config, store: store, environment: environment, diagnostics: diagnostics)
        }
    }

    private func source(_ entry: MCPServerEntry, config: OperatorConfig, store: RegistryStore, environment: [String: String],
                        diagnostics: any RuntimeDiagnostics) -> PluginSource? {
        var settings = PluginSettings(isolation: .process)
        var problem: String?
        var values: [String: String] = [:]
        do throws(ConfigError) {
            let resolved = try SecretResolver(environment: environment).resolve(entry.secretsEntry, pluginID: entry.id, file: config.file)
            for (key, value) in resolved.values {
                let text = value.stringValue ?? ""
                values[key] = text
                settings.secrets[key] = PluginSettings.Secret(value: text, redacted: resolved.redacted[key]?.stringValue ?? "<secret>")
            }
        } catch {
            problem = error.description
        }
        let spec = Self.spec(entry, secrets: values, environment: environment)
        let endpoint = Self.endpoint(entry)
        // A list with a tool Kai leaves out is not cached: the next command
        // lists the server again, so the tool appears once the server is fixed.
        let save: @Sendable ([JSONValue]) -> Void = { tools in
            guard MCPToolManifest.json(id: entry.id, tools: tools).skipped.isEmpty else {
                store.forgetMCPTools(server: entry.id)
                return
            }
            if store.cachedMCPTools(server: entry.id, endpoint: endpoint) != tools {
                store.saveMCPTools(server: entry.id, endpoint: endpoint, tools: tools)
            }
        }
        var tools = store.cachedMCPTools(server: entry.id, endpoint: endpoint)
        var session: MCPSession?
        if tools == nil {
            if let problem {
                diagnostics.warning(TerminalText.visible("MCP server \(entry.id) is not listed: \(problem)"))
                return nil
            }
            do throws(MCPStartError) {
                let opened = try MCPSession.open(spec, deadline: MonotonicClock.deadline(after: entry.timeout))
                session = opened
                tools = opened.tools
                save(opened.tools)
            } catch {
                let reason = SecretScrubbing.scrub(error.reason, values.values)
                diagnostics.warning(TerminalText.visible(
                    "\(config.file):\(entry.line): MCP server \(entry.id) could not start to list its tools: \(reason)"))
                return nil
            }
        }
        let (json, skipped) = MCPToolManifest.json(id: entry.id, tools: tools ?? [])
        for tool in skipped {
            diagnostics.warning(TerminalText.visible(
                "\(config.file):\(entry.line): MCP server \(entry.id): tool \"\(tool.name)\" is left out: \(tool.reason)"))
        }
        let manifest: PluginManifest
        do throws(PluginLoadError) {
            manifest = try PluginManifest.imported(json, path: "mcp:\(entry.id)")
        } catch {
            diagnostics.warning(TerminalText.visible("MCP server \(entry.id) is not listed: \(error.description)"))
            session?.close()
            return nil
        }
        settings.problem = problem
        let backend = MCPServerBackend(spec: spec, onTools: save, session: session)
        return PluginSource(name: "mcp:\(entry.id)", manifest: manifest, settings: settings, backend: backend)
    }

    /// A stdio server's environment: the worker allow-list of Kai's own
    /// (PATH, LANG, TZ, ...; HOME=/nonexistent), then the entry's `env`,
    /// then its secrets.
    static func spec(_ entry: MCPServerEntry, secrets: [String: String], environment: [String: String]) -> MCPServerSpec {
        let policy = WorkerPolicy(startTimeout: entry.timeout)
        switch entry.transport {
        case .stdio(let command, let arguments, let plain, _):
            let child = WorkerEnvironment.build(from: environment).merging(plain) { _, own in own }.merging(secrets) { _, secret in secret }
            return MCPServerSpec(id: entry.id, transport: .stdio(command: command, arguments: arguments, environment: child),
                                 policy: policy, callTimeout: entry.timeout)
        case .http(let url, _):
            return MCPServerSpec(id: entry.id, transport: .http(url: URL(string: url)!, token: secrets["token"]),
                                 policy: policy, callTimeout: entry.timeout)
        }
    }

    /// What the cache is keyed by besides the id: a changed command or URL
    /// lists the server again.
    static func endpoint(_ entry: MCPServerEntry) -> String {
        switch entry.transport {
        case .stdio(let command, let arguments, _, _): (["stdio", command] + arguments).joined(separator: "\u{1F}")
        case .http(let url, _): "http\u{1F}" + url
        }
    }
}

/// Secret values out of a message Kai writes before any host (and its
/// scrubber) exists.
enum SecretScrubbing {
    static func scrub(_ text: String, _ secrets: some Sequence<String>) -> String {
        secrets.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "<secret>") }
    }
}

import ArgumentParser
import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Measured performance scores and the registry's state.",
        subcommands: [RegistryScores.self, RegistryStatusCommand.self, RegistryCheck.self, RegistryRecover.self, RegistryMigrate.self]
    )
}

struct RegistryScores: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores", abstract: "Capabilities ranked by measured performance (see registry/README.md).")

    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .long, help: ArgumentHelp("Only capabilities with this tag (repeatable; any of them, or all with --all).", valueName: "tag"))
    var capability: [String] = []
    @Flag(name: .long, help: "Require every --capability tag instead of any.") var all = false
    @Option(name: .long, help: ArgumentHelp("tool, agent or provider.", valueName: "kind")) var kind: String?
    @Option(name: .long, help: ArgumentHelp("Rank by this task type's records (default: all calls).", valueName: "type")) var taskType: String?
    @Option(name: .long, help: ArgumentHelp("Plugin statuses to include (repeatable; default: active).", valueName: "status"))
    var status: [String] = []
    @Option(name: .long, help: "At most this many results.") var limit = 20
    @Flag(name: .long, help: "Print JSON.") var json = false

    func validate() throws {
        if let kind, Capability.Kind(rawValue: kind) == nil {
            throw ValidationError("unknown kind '\(kind)'. Please provide one of: tool, agent, provider.")
        }
        for name in status where EffectivePluginStatus(rawValue: name) == nil {
            throw ValidationError("unknown status '\(name)'. Please provide one of: \(EffectivePluginStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit).") }
    }

    func run() throws {
        let runtime = try runtime.openRuntime()
        let query = DiscoveryQuery(
            kind: kind.flatMap(Capability.Kind.init(rawValue:)), tags: capability, tagMatch: all ? .all : .any,
            statuses: status.isEmpty ? [.active, .deprecated] : Set(status.compactMap(EffectivePluginStatus.init(rawValue:))),
            taskType: taskType, limit: limit)
        let found: [ScoredCapability]
        do {
            found = try runtime.store.discover(query)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.store)
        }
        if json {
            Console.visibleJSON(.array(found.map(Self.json)))
            return
        }
        var table = TextTable(header: ["SCORE", "CALLS", "SUCCESS", "LATENCY", "KIND", "CAPABILITY", "TAGS"])
        for item in found {
            table.rows.append([
                String(format: "%.3f", item.score), "\(item.calls)",
                item.successRate.map { String(format: "%.0f%%", $0 * 100) } ?? "-",
                item.averageLatencySeconds.map(Self.duration) ?? "-",
                item.kind.rawValue, "\(item.pluginID).\(item.name)", item.tags.joined(separator: ","),
            ])
        }
        Console.out(table.visible().render())  // tags come from plugins
    }

    static func json(_ item: ScoredCapability) -> JSONValue {
        var object: JSONObject = [
            "plugin": .string(item.pluginID), "name": .string(item.name), "kind": .string(item.kind.rawValue),
            "score": .number(item.score), "calls": .integer(Int64(item.calls)),
        ]
        object["successRate"] = item.successRate.map(JSONValue.number) ?? .null
        object["averageLatencySeconds"] = item.averageLatencySeconds.map(JSONValue.number) ?? .null
        object["tags"] = .array(item.tags.map(JSONValue.string))
        return .object(object)
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 1e-3 ? String(format: "%.0f µs", seconds * 1e6) : seconds < 1 ? String(format: "%.1f ms", seconds * 1e3) : String(format: "%.2f s", seconds)
    }
}

struct RegistryStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Totals, statuses, average score, capability coverage and failed plugins.")

    @OptionGroup var runtime: RuntimeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let runtime = try runtime.openRuntime(reportFailures: false)
        let status: RegistryStatus
        do {
            status = try runtime.store.status()
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.store)
        }
        let byStatus = EffectivePluginStatus.allCases.map { ($0.rawValue, status.pluginsByStatus[$0] ?? 0) }
        if json {
            var object: JSONObject = ["config": .string(runtime.configPath), "database": .string(runtime.store.path)]
            object["plugins"] = .integer(Int64(status.plugins))
            object["byStatus"] = .object(JSONObject(byStatus.map { ($0.0, .integer(Int64($0.1))) }))
            object["capabilities"] = .integer(Int64(status.capabilities))
            object["calls"] = .integer(Int64(status.calls))
            object["averageScore"] = status.averageScore.map(JSONValue.number) ?? .null
            object["coverage"] = .object(JSONObject(status.coverage.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }))
            object["failedPlugins"] = .array(status.failedPlugins.map {
                .object(["id": .string($0.id), "path": .string($0.path), "reason": .string($0.reason)])
            })
            Console.visibleJSON(.object(object))
            return
        }
        let counts: [String] = byStatus.map { "\($0.1) \($0.0)" }
        let average: String = status.averageScore.map { String(format: "%.3f", $0) } ?? "-"
        let coverage: [String] = status.coverage.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        var lines: [String] = []
        lines.append("config:        \(runtime.configPath)")
        lines.append("database:      \(runtime.store.path)")
        lines.append("plugins:       \(status.plugins) (\(counts.joined(separator: ", ")))")
        lines.append("capabilities:  \(status.capabilities)")
        lines.append("calls:         \(status.calls)")
        lines.append("average score: \(average)")
        lines.append("coverage:      \(coverage.isEmpty ? "-" : coverage.joined(separator: ", "))")
        if !status.failedPlugins.isEmpty {
            lines.append("failed plugins:")
            lines += status.failedPlugins.map { "  \($0.path): \($0.reason)" }
        }
        Console.visibleOut(lines.joined(separator: "\n"))  // failure reasons quote plugins
    }
}

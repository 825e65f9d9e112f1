import ArgumentParser
import Foundation
import KaiCore
import KaiJSON
import KaiRegistry

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "The call log, newest first. Arguments and results appear only with payload_logging on.",
        subcommands: [LogsPrune.self])

    @OptionGroup var runtime: RuntimeOptions
    @Option(name: .long, help: ArgumentHelp("Only calls of this tool (qualified, or a bare name).", valueName: "name")) var tool: String?
    @Option(name: .long, help: ArgumentHelp("Only calls since TIME: ISO 8601 (2026-11-21T10:00:00Z) or an age (30s, 10m, 2h, 7d).", valueName: "time"))
    var since: String?
    @Option(name: .long, help: "At most this many rows.") var limit = 50
    @Flag(name: .long, help: "Print JSON.") var json = false

    func validate() throws {
        if let since, Self.parseSince(since, now: Date()) == nil {
            throw ValidationError("--since '\(since)' is neither an ISO 8601 time (2026-11-21T10:00:00Z) nor an age like 30s, 10m, 2h or 7d.")
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit).") }
    }

    static func parseSince(_ text: String, now: Date) -> Double? {
        if let date = ISO8601DateFormatter().date(from: text) { return date.timeIntervalSince1970 }
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        let seconds: Double? = ["s": 1, "m": 60, "h": 3600, "d": 86400][unit]
        return seconds.map { now.timeIntervalSince1970 - amount * $0 }
    }

    func run() throws {
        let runtime = try runtime.openRuntime(reportFailures: false)
        let rows: [CallLogRecord]
        do {
            rows = try runtime.store.logs(tool: tool, since: since.flatMap { Self.parseSince($0, now: Date()) }, limit: limit)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.store)
        }
        if json {
            Console.visibleJSON(.array(rows.map(Self.json)))
            return
        }
        // Provider calls add what they used; a log of tool calls only keeps its columns.
        let providers = rows.contains { $0.kind == "provider" }
        // Routed calls that fell back say from where; a log without any keeps its columns.
        let routed = rows.contains { $0.route != nil }
        var table = TextTable(header: ["TIME", "TOOL", "RESULT", "DURATION", "IN", "OUT"] + (providers ? ["COST", "TTFT"] : [])
            + (routed ? ["ROUTE"] : []))
        let formatter = ISO8601DateFormatter()
        for row in rows {
            let result = ResultCode(plugin: row.resultCode)
            let usage = ProviderCallColumns(row)
            table.rows.append([
                formatter.string(from: Date(timeIntervalSince1970: row.startedAt)), usage?.name ?? row.tool,
                result == .ok ? "ok" : "\(result)" + (row.errorKind.map { " (\($0))" } ?? ""),
                RegistryScores.duration(Double(row.durationNs) / 1e9),
                usage?.input ?? "\(row.argumentsSize) B", usage?.output ?? "\(row.resultSize) B",
            ] + (providers ? [usage?.cost ?? "", usage?.timeToFirstToken ?? ""] : []) + (routed ? [Self.route(row)] : []))
        }
        Console.out(table.visible().render())
    }

    /// "fallback from openai/a (unavailable), openai/b (circuit open)"; "" for a call that took no hop.
    static func route(_ row: CallLogRecord) -> String {
        guard let text = row.route else { return "" }
        guard let hops = RouteHop.parse(text) else { return "(unreadable route)" }
        return "fallback from " + hops.map { "\($0.target) (\($0.label))" }.joined(separator: ", ")
    }

    static func json(_ row: CallLogRecord) -> JSONValue {
        var object: JSONObject = [
            "tool": .string(row.tool), "plugin": .string(row.plugin), "kind": .string(row.kind),
            "startedAt": .number(row.startedAt), "durationNs": .integer(row.durationNs),
            "result": .string(ResultCode(plugin: row.resultCode).description),
            "argumentsSize": .integer(Int64(row.argumentsSize)), "resultSize": .integer(Int64(row.resultSize)),
            "depth": .integer(Int64(row.depth)),
        ]
        object["errorKind"] = row.errorKind.map(JSONValue.string) ?? .null
        object["taskType"] = row.taskType.map(JSONValue.string) ?? .null
        if row.kind == "provider" {
            object["model"] = row.model.map(JSONValue.string) ?? .null
            object["inputTokens"] = row.inputTokens.map(JSONValue.integer) ?? .null
            object["outputTokens"] = row.outputTokens.map(JSONValue.integer) ?? .null
            object["costUSD"] = row.costUsd.map(JSONValue.number) ?? .null
            object["timeToFirstTokenNs"] = row.ttftNs.map(JSONValue.integer) ?? .null
            object["route"] = row.route.flatMap { RouteHop.parse($0) }.map(RouteHop.json) ?? .null
        }
        if let arguments = row.arguments { object["arguments"] = (try? JSONParser.parse(Array(arguments))) ?? .string(String(decoding: arguments, as: UTF8.self)) }
        if let result = row.result { object["result_json"] = (try? JSONParser.parse(Array(result))) ?? .string(String(decoding: result, as: UTF8.self)) }
        return .object(object)
    }
}

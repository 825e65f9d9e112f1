import CKaiABI
import Foundation

/// One configured instance: the operator config, read once in create(), and
/// the routing from tool names to tool implementations.
///
/// Immutable after init, so concurrent invoke() calls (every tool declares
/// "concurrency": "parallel") share it safely; `Sendable` is checked, not
/// asserted.
final class UtilsInstance: Sendable {
    let defaultTimeZone: NamedTimeZone

    init(host: UnsafePointer<kai_host>) throws(ToolError) {
        let configText = host.pointee.config.map { $0(host).string } ?? "{}"
        let config = try ToolArguments(try JSONText.decode(configText.isEmpty ? "{}" : configText))
        let zoneName = try config.string("default_timezone") ?? "UTC"
        defaultTimeZone = try TimeZones.named(zoneName, field: "default_timezone")
        log(host, KAI_LOG_DEBUG, "dev.kai.utils ready, default_timezone=\(defaultTimeZone.name)")
    }

    /// Runs the named tool; unknown names are KAI_ERR_NOT_FOUND.
    func run(tool name: String, input: Any) throws(ToolError) -> Any {
        let arguments = try ToolArguments(input)
        switch name {
        case "calculate": return try CalculateTool.run(arguments)
        case "json_query": return try JSONQueryTool.run(arguments)
        case "datetime": return try DateTimeTool.run(arguments, defaultTimeZone: defaultTimeZone)
        case "uuid": return try UUIDTool.run(arguments)
        default:
            throw ToolError(
                code: KAI_ERR_NOT_FOUND,
                message: "unknown tool '\(name)'; this plugin provides calculate, json_query, datetime, uuid")
        }
    }

    private func log(_ host: UnsafePointer<kai_host>, _ level: kai_log_level, _ message: String) {
        guard let log = host.pointee.log else { return }
        var line = message
        line.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { log(host, level, $0.baseAddress, $0.count) }
        }
    }
}

import ArgumentParser
import KaiCore
import KaiJSON

struct ToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "List, describe and call tools.",
        subcommands: [ToolsList.self, ToolsDescribe.self, ToolsCall.self]
    )
}

struct ToolsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tools from every loaded plugin.")

    @OptionGroup var runtime: RuntimeOptions
    @Flag(name: .long, help: "Print an array of MCP tool descriptors, each with its plugin id.") var json = false

    func run() throws {
        let host = try runtime.openRuntime().host
        for duplicate in host.tools.duplicates {
            let shown = duplicate.plugins.prefix(3).map { "\($0).\(duplicate.name)" }
            let more = duplicate.plugins.count > 3 ? " (and \(duplicate.plugins.count - 3) more)" : ""
            Console.warning("tool \"\(duplicate.name)\" is defined by \(duplicate.plugins.count) plugins; call it by its qualified name: \(shown.joined(separator: ", "))\(more)")
        }
        if json {
            Console.visibleJSON(.array(host.tools.entries.map(ToolJSON.descriptor)))
            return
        }
        var table = TextTable(header: ["NAME", "PLUGIN", "DESCRIPTION"])
        for entry in host.tools.entries {
            table.rows.append([entry.capability.name, entry.plugin.id, ToolJSON.firstLine(entry.capability.description)])
        }
        Console.out(table.visible().render())
    }
}

struct ToolsDescribe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a tool's description and schemas.")

    @OptionGroup var runtime: RuntimeOptions
    @Argument(help: "Tool name, bare or qualified as plugin.tool.") var name: String
    @Flag(name: .long, help: "Print the MCP tool descriptor with its plugin id.") var json = false

    func run() throws {
        let host = try runtime.openRuntime().host
        let entry: ToolIndex.Entry
        do {
            entry = try host.tools.resolve(name)
        } catch {
            throw ExitCodes.fail(error.description, ExitCodes.forCallError(error))
        }
        if json {
            Console.visibleJSON(ToolJSON.descriptor(entry))
        } else {
            Console.visibleOut(ToolJSON.text(entry))
        }
    }
}

/// The JSON and text shapes of a tool.
enum ToolJSON {
    static func descriptor(_ entry: ToolIndex.Entry) -> JSONValue {
        var object = entry.capability.mcpDescriptor
        object["plugin"] = .string(entry.plugin.id)
        return .object(object)
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }

    static func text(_ entry: ToolIndex.Entry) -> String {
        let capability = entry.capability
        var lines = [
            "\(entry.qualifiedName)" + (capability.title.map { " — \($0)" } ?? ""),
            "",
            capability.description,
            "",
            "plugin:      \(entry.plugin.id) \(entry.plugin.manifest.version)",
            "concurrency: \(capability.concurrency.rawValue)",
        ]
        if case .object(let hints)? = capability.annotations {
            let shown = hints.map { key, value in "\(key)=\(value.serialized())" }.joined(separator: " ")
            lines.append("annotations: \(shown)")
        }
        if !capability.tags.isEmpty { lines.append("tags:        \(capability.tags.joined(separator: ", "))") }
        lines.append("input schema:")
        lines.append(indent((capability.inputSchema ?? .object(["type": "object"])).serialized(pretty: true)))
        if let output = capability.outputSchema {
            lines.append("output schema:")
            lines.append(indent(output.serialized(pretty: true)))
        }
        return lines.joined(separator: "\n")
    }

    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}

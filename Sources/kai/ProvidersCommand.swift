import ArgumentParser
import KaiCore
import KaiJSON

/// `kai providers`: the LLM providers the loaded plugins offer.
struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers", abstract: "List the LLM providers the loaded plugins offer.",
        subcommands: [ProvidersList.self], defaultSubcommand: ProvidersList.self)
}

struct ProvidersList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every provider: its name for -m, plugin, status, whether it streams, and its manifest's model hint.",
        discussion: "The manifest's models are a hint; 'kai models' asks each provider what it serves now.")

    @OptionGroup var runtime: RuntimeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let host = try runtime.openRuntime().host
        defer { host.shutdown() }
        let providers = host.providers
        if json {
            Console.visibleJSON(.array(providers.map { Self.json($0, among: providers) }))
            return
        }
        var table = TextTable(header: ["NAME", "PLUGIN", "STATUS", "STREAMING", "MODELS"])
        for entry in providers {
            table.rows.append([
                ProviderNames.name(of: entry, among: providers), entry.plugin.id, entry.plugin.status.rawValue,
                entry.capability.streaming ? "yes" : "no", entry.capability.models.joined(separator: ", "),
            ])
        }
        Console.out(table.visible().render())
    }

    static func json(_ entry: CapabilityIndex.Entry, among providers: [CapabilityIndex.Entry]) -> JSONValue {
        .object([
            "name": .string(ProviderNames.name(of: entry, among: providers)),
            "qualifiedName": .string(entry.qualifiedName),
            "plugin": .string(entry.plugin.id),
            "description": .string(entry.capability.description),
            "status": .string(entry.plugin.status.rawValue),
            "streaming": .bool(entry.capability.streaming),
            "models": .array(entry.capability.models.map(JSONValue.string)),
        ])
    }
}

/// What to call a provider in listings and in -m: its capability name when
/// one plugin offers it, else the qualified name (a bare one would not resolve).
enum ProviderNames {
    static func name(of entry: CapabilityIndex.Entry, among providers: [CapabilityIndex.Entry]) -> String {
        let sharing = providers.filter { $0.capability.name == entry.capability.name }.count
        return sharing > 1 ? entry.qualifiedName : entry.capability.name
    }
}

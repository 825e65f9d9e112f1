import ArgumentParser
import KaiCore
import KaiJSON
import KaiRegistry
import KaiRuntime

/// `kai providers`: the LLM providers the loaded plugins offer.
struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers", abstract: "List the LLM providers the loaded plugins offer.",
        subcommands: [ProvidersList.self], defaultSubcommand: ProvidersList.self)
}

struct ProvidersList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every provider: its name for -m, plugin, status, whether it streams, its router tier and circuit, and its manifest's model hint.",
        discussion: """
            The manifest's models are a hint; 'kai models' asks each provider what it serves now. \
            TIER is the router's (router.targets in the config; standard when not listed); CIRCUIT is the circuit \
            breaker's state, shared by every kai process: closed, open until HH:MM:SS (why), or half-open. \
            With a router: section, the router's targets follow, with their fallbacks.
            """)

    @OptionGroup var runtime: RuntimeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let runtime = try runtime.openRuntime()
        let host = runtime.host
        defer { host.shutdown() }
        let providers = host.providers
        let router = runtime.router
        if json {
            Console.visibleJSON(.array(providers.map { Self.json($0, among: providers, router: router) }))
            return
        }
        var table = TextTable(header: ["NAME", "PLUGIN", "STATUS", "STREAMING", "TIER", "CIRCUIT", "MODELS"])
        for entry in providers {
            let name = ProviderNames.name(of: entry, among: providers)
            table.rows.append([
                name, entry.plugin.id, entry.plugin.status.rawValue, entry.capability.streaming ? "yes" : "no",
                Self.tier(name, router), Self.circuit(name, entry, router), entry.capability.models.joined(separator: ", "),
            ])
        }
        Console.out(table.visible().render())
        guard router.config.isConfigured else { return }
        var targets = TextTable(header: ["TARGET", "TIER", "CIRCUIT", "FALLBACKS"])
        for target in router.config.targets {
            targets.rows.append([
                target.name, target.tier.rawValue, router.breaker.describe(router.key(target.name)),
                target.fallbacks.isEmpty ? "-" : target.fallbacks.joined(separator: ", "),
            ])
        }
        Console.out("\nRouter targets:\n" + targets.visible().render())
    }

    /// The router tier of a provider name: its target's, else standard.
    static func tier(_ name: String, _ router: Router) -> String {
        (router.configTarget(name)?.tier ?? .standard).rawValue
    }

    /// A provider's circuit: the states of its breakers that are not closed.
    /// A breaker is kept per provider and model, under the provider's
    /// qualified name (TargetKey), however -m or the config spelled it; shown
    /// with the provider's listed name ("openai/gpt-4o: open until …").
    static func circuit(_ name: String, _ entry: CapabilityIndex.Entry, _ router: Router) -> String {
        let qualified = entry.qualifiedName
        let keys = ((try? router.store.breakers()) ?? [:]).keys.filter { $0 == qualified || $0.hasPrefix(qualified + "/") }.sorted()
        let troubled = keys.map { ($0, router.breaker.describe($0)) }.filter { $0.1 != "closed" }
        guard !troubled.isEmpty else { return "closed" }
        if troubled.count == 1 {
            let (key, state) = troubled[0]
            return key == qualified ? state : "\(name)\(key.dropFirst(qualified.count)): \(state)"
        }
        return "\(troubled.count) targets not closed (see Router targets)"
    }

    static func json(_ entry: CapabilityIndex.Entry, among providers: [CapabilityIndex.Entry], router: Router) -> JSONValue {
        let name = ProviderNames.name(of: entry, among: providers)
        return .object([
            "name": .string(name),
            "qualifiedName": .string(entry.qualifiedName),
            "plugin": .string(entry.plugin.id),
            "description": .string(entry.capability.description),
            "status": .string(entry.plugin.status.rawValue),
            "streaming": .bool(entry.capability.streaming),
            "models": .array(entry.capability.models.map(JSONValue.string)),
            "tier": .string(tier(name, router)),
            "circuit": .string(circuit(name, entry, router)),
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

import ArgumentParser
import Dispatch
import KaiCore
import KaiJSON
import Synchronization

/// `kai models`: what each provider serves now, asked of the provider itself
/// (a model list depends on its configured server). Providers are asked at
/// once; one that fails is reported on stderr and the others still print.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models each provider serves now, as provider/model names for -m.",
        discussion: "A provider that cannot list its models is reported on stderr; the others still print, and kai exits 76.")

    @OptionGroup var runtime: RuntimeOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: ArgumentHelp("Seconds each provider may take to answer.", valueName: "seconds")) var timeout: Double = 10

    func validate() throws {
        guard timeout > 0 && timeout.isFinite else {
            throw ValidationError("--timeout must be a positive number of seconds, got '\(timeout)'.")
        }
    }

    func run() throws {
        let host = try runtime.openRuntime().host
        defer { host.shutdown() }
        let providers = host.providers
        let answers = Self.ask(host, providers, timeout: timeout)
        var listed: [JSONValue] = []
        var lines: [String] = []
        var failed = false
        for (entry, answer) in zip(providers, answers) {
            let name = ProviderNames.name(of: entry, among: providers)
            switch answer {
            case .success(let models):
                for model in models {
                    lines.append("\(name)/\(model.id)" + (model.isDefault ? " (default)" : ""))
                    listed.append(Self.json(model, provider: name, plugin: entry.plugin.id))
                }
            case .failure(let error):
                failed = true
                Console.error(TerminalText.visible("cannot list the models of provider \"\(name)\" (plugin \(entry.plugin.id)): \(ExitCodes.providerMessage(error))"))
            }
        }
        if json {
            Console.visibleJSON(.array(listed))
        } else if !lines.isEmpty {
            Console.visibleOut(lines.joined(separator: "\n"))
        }
        if failed { throw ExitCode(ExitCodes.providerFailed) }
    }

    /// Every provider's answer, in order, asked concurrently: a slow server
    /// must not hold up the others.
    static func ask(_ host: PluginHost, _ providers: [CapabilityIndex.Entry], timeout: Double) -> [Result<[ProviderModel], CallError>] {
        let answers = Mutex([Result<[ProviderModel], CallError>?](repeating: nil, count: providers.count))
        DispatchQueue.concurrentPerform(iterations: providers.count) { index in
            let answer: Result<[ProviderModel], CallError>
            do throws(CallError) {
                answer = .success(try host.listModels(provider: providers[index].qualifiedName, options: CallOptions(timeout: timeout)))
            } catch {
                answer = .failure(error)
            }
            answers.withLock { $0[index] = answer }
        }
        return answers.withLock { $0.map { $0! } }
    }

    static func json(_ model: ProviderModel, provider: String, plugin: String) -> JSONValue {
        var object: JSONObject = [
            "name": .string("\(provider)/\(model.id)"), "provider": .string(provider), "plugin": .string(plugin),
            "model": .string(model.id), "default": .bool(model.isDefault),
        ]
        object["description"] = model.description.map(JSONValue.string) ?? .null
        object["contextLength"] = model.contextLength.map { .integer(Int64($0)) } ?? .null
        return .object(object)
    }
}

import ArgumentParser
import KaiJSON
import KaiRuntime

/// The options `kai prompt` and `kai chat` share: which provider and model
/// (or what the router should pick by), and how the model should answer.
struct ProviderCallOptions: ParsableArguments {
    /// What the router picks when -m is not given and the config has no
    /// `router:` section: the embedded local model.
    static let defaultModel = "local"

    @Option(name: [.customShort("m"), .long], help: ArgumentHelp(
        "Provider, optionally with a model: local, openai/gpt-4o-mini, or qualified (dev.kai.openai.openai/MODEL). See 'kai models'. Without it the router picks the best-scored target of the config's router.targets (default: local).",
        valueName: "provider/model"))
    var model: String?
    @Option(name: .long, help: ArgumentHelp("The kind of task (e.g. coding, research): the router ranks providers by their score for it, and the call is recorded under it.", valueName: "type"))
    var taskType: String?
    @Option(name: .long, help: ArgumentHelp("low, or high: only providers marked `tier: strong` in the config's router.targets (falling back only among them).", valueName: "low|high"))
    var risk: RouteRequest.Risk = .low
    @Option(name: .long, help: ArgumentHelp("Deadline in seconds for the whole call, fallbacks and Retry-After waits included.", valueName: "seconds"))
    var timeout: Double?
    @Option(name: .long, help: ArgumentHelp("A system message sent first.", valueName: "text")) var system: String?
    @Option(name: .long, help: ArgumentHelp("Sampling temperature, 0 to 2.", valueName: "T")) var temperature: Double?
    @Option(name: .long, help: ArgumentHelp("Most tokens to generate.", valueName: "N")) var maxTokens: Int?
    @Flag(name: .long, help: "Wait for the whole answer instead of printing tokens as they arrive.") var noStream = false

    func validate() throws {
        if let temperature, !(0...2).contains(temperature) {
            throw ValidationError("--temperature must be between 0 and 2, got \(temperature).")
        }
        if let timeout, !(timeout > 0 && timeout.isFinite) {
            throw ValidationError("--timeout must be a positive number of seconds, got '\(timeout)'.")
        }
        if let taskType, taskType.isEmpty {
            throw ValidationError("--task-type must not be empty. Give a task type such as coding or research, or leave it out.")
        }
        if let maxTokens, maxTokens < 1 {
            throw ValidationError("--max-tokens must be at least 1, got \(maxTokens).")
        }
        if let model, model.isEmpty || model.hasPrefix("/") {
            throw ValidationError("-m '\(model)' names no provider. Give a provider, optionally with a model: local, openai/gpt-4o-mini. Run 'kai models' to see them.")
        }
    }

    /// What the router is asked for.
    var route: RouteRequest {
        RouteRequest(explicit: model, taskType: taskType, risk: risk)
    }

    /// The system message, if any, as the first message of a conversation.
    var leadingMessages: [JSONValue] {
        system.map { [Self.message("system", $0)] } ?? []
    }

    /// A chat request (chat-request.schema.json) for `messages`; the model
    /// travels in the provider name (-m), which the host puts in.
    func request(_ messages: [JSONValue]) -> [UInt8] {
        var object: JSONObject = ["messages": .array(messages)]
        if let temperature { object["temperature"] = .number(temperature) }
        if let maxTokens { object["max_tokens"] = .integer(Int64(maxTokens)) }
        return JSONValue.object(object).serializedBytes()
    }

    static func message(_ role: String, _ content: String) -> JSONValue {
        .object(["role": .string(role), "content": .string(content)])
    }
}

extension RouteRequest.Risk: ExpressibleByArgument {}

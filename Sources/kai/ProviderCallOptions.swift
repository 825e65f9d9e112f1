import ArgumentParser
import KaiJSON

/// The options `kai prompt` and `kai chat` share: which provider and model,
/// and how the model should answer.
struct ProviderCallOptions: ParsableArguments {
    /// The provider used when -m is not given: the embedded local model.
    static let defaultModel = "local"

    @Option(name: [.customShort("m"), .long], help: ArgumentHelp(
        "Provider, optionally with a model: local, openai/gpt-4o-mini, or qualified (dev.kai.openai.openai/MODEL). See 'kai models'.",
        valueName: "provider/model"))
    var model: String = defaultModel
    @Option(name: .long, help: ArgumentHelp("A system message sent first.", valueName: "text")) var system: String?
    @Option(name: .long, help: ArgumentHelp("Sampling temperature, 0 to 2.", valueName: "T")) var temperature: Double?
    @Option(name: .long, help: ArgumentHelp("Most tokens to generate.", valueName: "N")) var maxTokens: Int?
    @Flag(name: .long, help: "Wait for the whole answer instead of printing tokens as they arrive.") var noStream = false

    func validate() throws {
        if let temperature, !(0...2).contains(temperature) {
            throw ValidationError("--temperature must be between 0 and 2, got \(temperature).")
        }
        if let maxTokens, maxTokens < 1 {
            throw ValidationError("--max-tokens must be at least 1, got \(maxTokens).")
        }
        if model.isEmpty || model.hasPrefix("/") {
            throw ValidationError("-m '\(model)' names no provider. Give a provider, optionally with a model: local, openai/gpt-4o-mini. Run 'kai models' to see them.")
        }
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

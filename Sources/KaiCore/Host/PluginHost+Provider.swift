import CKaiABI
import KaiJSON

extension PluginHost {
    /// Every provider capability, in load order.
    public var providers: [CapabilityIndex.Entry] { providerIndex.entries }

    /// Asks a provider for one chat response (kai_provider.h).
    ///
    /// `name` is a provider ("openai", or qualified "dev.kai.openai.openai"),
    /// optionally followed by "/MODEL"; the model goes into the request
    /// unless it names one itself. With `options.onEvent` the provider
    /// streams: deltas reach the handler as they arrive, and the complete
    /// response still comes back here, validated. The call log gets the
    /// model, usage and time to first token.
    public func callProvider(_ name: String, request asked: [UInt8], options: CallOptions = CallOptions()) throws(CallError) -> ProviderResult {
        let (providerName, model) = Self.splitModel(name)
        let entry = try providerIndex.resolve(providerName)
        var options = options
        let request: [UInt8], requested: String?
        if let parsed = options.parsedInput, let known = Self.request(asked, parsed: parsed, model: model) {
            (request, requested) = (known.bytes, known.model)
            options.parsedInput = known.parsed
        } else {
            (request, requested) = Self.request(asked, model: model)
            options.parsedInput = nil
        }
        let details = CallDetails(model: requested, started: MonotonicClock.now())
        if let handler = options.onEvent {
            options.onEvent = { event in
                details.observe(event)
                return handler(event)
            }
        }
        let result = try call(entry, input: request, options: options, details: details)
        let response = details.response ?? .null
        let usage = details.usage
        return ProviderResult(
            plugin: entry.plugin.id, provider: entry.capability.name, model: details.model, json: result.json,
            response: response, finishReason: response["finish_reason"]?.stringValue ?? "stop", usage: usage,
            durationNanoseconds: result.durationNanoseconds, timeToFirstTokenNanoseconds: details.timeToFirstToken)
    }

    /// The models a provider can serve now, asked of the provider itself
    /// (KAI_OP_LIST_MODELS) — its list depends on its configuration. A
    /// plugin built for ABI 1.0 cannot be asked: its manifest's "models" is
    /// the list, the first one the default.
    public func listModels(provider name: String, options: CallOptions = CallOptions()) throws(CallError) -> [ProviderModel] {
        let entry = try providerIndex.resolve(name)
        guard entry.plugin.manifest.abiMinor >= 1 else {
            return entry.capability.models.enumerated().map { ProviderModel(id: $1, description: nil, contextLength: nil, isDefault: $0 == 0) }
        }
        try admit(entry)
        let deadline = options.timeout.map { MonotonicClock.deadline(after: $0) } ?? MonotonicClock.noDeadline
        let result: ToolResult
        do {
            result = try invoke(entry, arguments: Array("{}".utf8), deadline: deadline, timeout: options.timeout,
                                cancellation: options.cancellation, parent: nil, outputLimit: options.outputLimit,
                                onEvent: nil, operation: KAI_OP_LIST_MODELS)
        } catch {
            throw error.scrubbed(by: scrubber)
        }
        let models = (try? JSONParser.parse(result.json))?["models"]?.arrayValue ?? []
        return models.map { model in
            ProviderModel(id: model["id"]?.stringValue ?? "", description: model["description"]?.stringValue,
                          contextLength: model["context_length"]?.intValue.map { Int(clamping: $0) },
                          isDefault: model["default"]?.boolValue ?? false)
        }
    }

    /// "openai/gpt-4o" → ("openai", "gpt-4o"). Model ids may hold slashes
    /// themselves (OpenRouter's "meta-llama/llama-3"), so only the first
    /// one separates.
    static func splitModel(_ name: String) -> (provider: String, model: String?) {
        guard let slash = name.firstIndex(of: "/") else { return (name, nil) }
        let model = String(name[name.index(after: slash)...])
        return (String(name[..<slash]), model.isEmpty ? nil : model)
    }

    /// `request(_:model:)` for a request its caller already parsed
    /// (`parsed`): no syntax check, and the parsed value with the model
    /// filled in as the bytes have it (first). Nil where the bytes must be
    /// read the slow way: not an object, a "model" that is not a string, a
    /// key with an escape.
    static func request(_ request: [UInt8], parsed: JSONValue, model: String?) -> (bytes: [UInt8], model: String?, parsed: JSONValue)? {
        guard case .object(let object) = parsed else { return nil }
        switch object["model"] {
        case .string(let named): return (request, named, parsed)
        case .some: return nil
        case nil:
            guard let model else { return (request, nil, parsed) }
            guard let spliced = RequestModelSplice.apply(request, model: model) else { return nil }
            var members: [(String, JSONValue)] = [("model", .string(model))]
            members.reserveCapacity(object.count + 1)
            for (key, value) in object { members.append((key, value)) }
            return (spliced.bytes, spliced.model, .object(JSONObject(members)))
        }
    }

    /// The request with `model` filled in when it names none, and the model
    /// it then asks for (parsed once). Input that is not a JSON object is
    /// left for validation to reject with its message.
    static func request(_ request: [UInt8], model: String?) -> (bytes: [UInt8], model: String?) {
        let wellFormed = request.withUnsafeBytes { raw in (try? JSONSyntax.check(raw)) != nil }
        guard wellFormed else { return (request, model) }
        if let spliced = RequestModelSplice.apply(request, model: model) { return spliced }
        guard case .object(var object)? = try? JSONParser.parse(request) else { return (request, model) }
        if let named = object["model"]?.stringValue { return (request, named) }
        guard let model else { return (request, nil) }
        object["model"] = .string(model)
        return (JSONValue.object(object).serializedBytes(), model)
    }
}

import CKaiABI
import KaiJSON

extension PluginHost {
    /// kai_host.provider_complete and provider_stream: a plugin (an agent)
    /// asking a provider within `parent`, through the same path as any call —
    /// validation, deadline and cancellation inherited from the parent, the
    /// call log. With `sink`, deltas go to it on this thread and then exactly
    /// one terminal event; without, the response goes to `output`.
    func providerFromPlugin(
        provider: String, request: [UInt8], parent: CallContext, output: UnsafePointer<kai_output>?,
        sink: UnsafePointer<kai_event_sink>?
    ) -> kai_result {
        // A plugin's request came from a plugin: its secret must not reach
        // another plugin's provider.
        let request = scrubber.scrubJSON(request)
        if let scope = parent.scope {
            return providerThroughScope(scope, provider: provider, request: request, parent: parent, output: output, sink: sink)
        }
        let stream = sink.map { PluginSinkEmitter(sink: $0) }
        do throws(CallError) {
            let (name, model) = Self.splitModel(provider)
            // "" is the host's choice: the first provider loaded.
            guard let entry = name.isEmpty ? providerIndex.entries.first : try providerIndex.resolve(name) else {
                throw .providerNotFound("", suggestion: nil)
            }
            let (request, requested) = Self.request(request, model: model)
            let details = CallDetails(model: requested, started: MonotonicClock.now())
            var onEvent: ToolEventHandler?
            if let stream {
                onEvent = { @Sendable event in
                    details.observe(event)
                    return stream.emit(event)
                }
            }
            let remaining = parent.deadline == MonotonicClock.noDeadline ? nil : Double(parent.deadline - MonotonicClock.now()) / 1e9
            let result = try observed(entry, arguments: request, taskType: nil, depth: parent.depth + 1, details: details) { () throws(CallError) in
                let result = try invoke(entry, arguments: request, deadline: parent.deadline, timeout: remaining,
                                        cancellation: parent.cancellation, parent: parent, outputLimit: 16 << 20, onEvent: onEvent)
                details.finished(response: result.json)
                return result
            }
            if let stream {
                let finish = details.response?["finish_reason"]?.stringValue ?? "stop"
                stream.done(finishReason: finish, result: result.json)
                return KAI_OK
            }
            guard let output, let write = output.pointee.write else { return KAI_OK }
            return result.json.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
            }
        } catch {
            let message = error.scrubbed(by: scrubber).description(for: .provider)
            stream?.error(code: error.code, message: message)
            return HostServices.fail(output, error.code, message)
        }
    }

    /// Inside a run the run's router answers (AgentScope.callProvider): with
    /// a sink, the deltas reach it, then exactly one terminal event.
    private func providerThroughScope(
        _ scope: any AgentScope, provider: String, request: [UInt8], parent: CallContext, output: UnsafePointer<kai_output>?,
        sink: UnsafePointer<kai_event_sink>?
    ) -> kai_result {
        guard let sink else {
            return AgentExtension.answer(scope.callProvider(provider: provider, request: request, parent: parent.parentCall, onEvent: nil),
                                         output)
        }
        let emitter = PluginSinkEmitter(sink: sink)
        let bridge = ScopedSink(emitter)
        let result = bridge.whileOpen {
            scope.callProvider(provider: provider, request: request, parent: parent.parentCall, onEvent: bridge.handler)
        }
        switch result {
        case .success(let response):
            let finish = (try? JSONParser.parse(response))?["finish_reason"]?.stringValue ?? "stop"
            emitter.done(finishReason: finish, result: response)
            return KAI_OK
        case .failure(let failure):
            emitter.error(code: failure.code, details: AgentExtension.details(of: failure))
            return failure.code.rawValue
        }
    }
}

import CKaiABI
import KaiJSON
import KaiJSONSchema

extension PluginHost {
    /// Calls a tool: resolves the name, validates the arguments against the
    /// tool's inputSchema before the plugin sees them, enforces the declared
    /// concurrency, passes the deadline, and checks the result is JSON (and
    /// matches the outputSchema, when there is one).
    public func callTool(_ name: String, arguments: [UInt8], options: CallOptions = CallOptions()) throws(CallError) -> ToolResult {
        try call(.tool, name, input: arguments, options: options)
    }

    /// Calls a capability of any kind by name — the one path tools,
    /// providers and agents share: resolves the name among that kind's
    /// capabilities, validates the input against the capability's contract
    /// (a tool's inputSchema, a provider's chat request) before the plugin
    /// sees it, enforces the declared concurrency, passes the deadline and
    /// cancellation, checks the output, and tells the observer.
    public func call(
        _ kind: Capability.Kind, _ name: String, input: [UInt8], options: CallOptions = CallOptions()
    ) throws(CallError) -> ToolResult {
        try call(try index(kind).resolve(name), input: input, options: options, details: nil)
    }

    /// With `options.parent` the call runs nested under that call, as
    /// kai_host.call_tool's children do: the earlier of both deadlines, the
    /// parent chain's cancellation, one level deeper, the parent's scope.
    func call(
        _ entry: CapabilityIndex.Entry, input: [UInt8], options: CallOptions, details: CallDetails?
    ) throws(CallError) -> ToolResult {
        let parent = options.parent?.context
        var deadline = options.timeout.map { MonotonicClock.deadline(after: $0) } ?? MonotonicClock.noDeadline
        var timeout = options.timeout
        if let parent, parent.deadline < deadline {
            // The parent's deadline comes first: a deadline message names what was left of it.
            deadline = parent.deadline
            timeout = Double(max(parent.deadline - MonotonicClock.now(), 0)) / 1e9
        }
        let cancellation = options.cancellation ?? parent?.cancellation
        let depth = parent.map { $0.depth + 1 } ?? 0
        do {
            return try observed(entry, arguments: input, taskType: options.taskType, depth: depth, details: details,
                                routeHops: options.routeHops) { () throws(CallError) in
                let result = try invoke(entry, arguments: input, deadline: deadline, timeout: timeout,
                                        cancellation: cancellation, parent: parent, outputLimit: options.outputLimit,
                                        onEvent: options.onEvent, validatesArguments: options.validatesArguments,
                                        scope: options.scope, parsedArguments: options.parsedInput,
                                        validatedMessages: entry.capability.kind == .provider ? options.validatedMessages : 0)
                // Before the observer hears of it: the report carries the
                // model that answered and the final usage.
                details?.finished(response: result.json)
                return result
            }
        } catch {
            throw error.scrubbed(by: scrubber)
        }
    }

    /// The index of one capability kind.
    public func index(_ kind: Capability.Kind) -> CapabilityIndex {
        switch kind {
        case .tool: tools
        case .provider: providerIndex
        case .agent: agentIndex
        }
    }

    /// Runs `body` once the status gate admits the call (PluginStatusGate:
    /// every call, nested ones too), and tells the observer (if any) how it went.
    func observed(
        _ entry: CapabilityIndex.Entry, arguments: [UInt8], taskType: String?, depth: Int, details: CallDetails? = nil,
        routeHops: [RouteHop] = [], _ body: () throws(CallError) -> ToolResult
    ) throws(CallError) -> ToolResult {
        try admit(entry)
        guard let observer else { return try body() }
        let startedAt = WallClock.now()
        let started = MonotonicClock.now()
        func report(_ code: ResultCode, _ kind: ErrorKind?, _ result: [UInt8]) {
            observer.callFinished(CallReport(
                tool: entry.qualifiedName, plugin: entry.plugin.id, capabilityKind: entry.capability.kind,
                startedAt: startedAt, durationNanoseconds: MonotonicClock.now() - started, code: code, errorKind: kind,
                taskType: taskType, arguments: arguments, result: result, depth: depth,
                model: details?.model, usage: details?.usage, timeToFirstTokenNanoseconds: details?.timeToFirstToken,
                routeHops: routeHops))
        }
        do {
            let result = try body()
            report(.ok, nil, result.json)
            return result
        } catch {
            report(error.code, error.kind, [])
            throw error
        }
    }

    func invoke(
        _ entry: CapabilityIndex.Entry, arguments: [UInt8], deadline: Int64, timeout: Double?,
        cancellation: CancellationToken?, parent: CallContext?, outputLimit: Int, onEvent: ToolEventHandler?,
        validatesArguments: Bool = true, operation: UInt32 = KAI_OP_INVOKE, scope: (any AgentScope)? = nil,
        parsedArguments: JSONValue? = nil, validatedMessages: Int = 0
    ) throws(CallError) -> ToolResult {
        let name = entry.qualifiedName
        let capability = entry.capability
        let plugin = entry.plugin
        let started = MonotonicClock.now()
        guard plugin.status.takesCalls else { throw .pluginNotActive(tool: name, plugin: plugin.id, status: plugin.status) }
        let scope = scope ?? parent?.scope
        if capability.kind == .agent, scope != nil, plugin.supervisor != nil {
            // kai.host.agent/1 is not relayed over the worker pipe (yet): an
            // agent there could not reach its run's services.
            throw .agentNeedsInProcess(agent: name, plugin: plugin.id, isolation: plugin.settings.isolation)
        }

        let contract = CallContract(capability: capability, operation: operation, abiMinor: plugin.manifest.abiMinor)
        if validatesArguments {
            let known = capability.kind == .provider && operation == KAI_OP_INVOKE ? validatedMessages : 0
            try checkArguments(arguments, parsed: parsedArguments, validator: contract.input, tool: name, validatedMessages: known)
        }
        if let parent, parent.depth + 1 > CallContext.maxDepth { throw .nestingTooDeep(tool: name) }

        let admitted = onEvent.map { EventRules(capability: capability, plugin: plugin, name: name, logger: pluginLogger).filter($0) }
        let relay = scrubber.isEmpty ? nil : admitted.map { ScrubbingEventRelay(scrubber: scrubber, handler: $0) }
        defer { relay?.finish() }
        let onEvent = relay.map { relay in { @Sendable event in relay.handle(event) } } ?? admitted
        let serial = capability.concurrency == .serial
        var outcome: RawOutcome
        if let backend = plugin.backend {
            if let problem = plugin.settings.problem {
                throw .pluginUnavailable(tool: name, PluginLoadError(path: plugin.path, reason: .settingsUnusable(problem)))
            }
            let context = try callContext(entry, serial: false, deadline: deadline, cancellation: cancellation, parent: parent, scope: scope)
            let call = BackendCall(tool: name, name: capability.name, arguments: arguments, deadline: deadline, onEvent: onEvent,
                                   outputLimit: outputLimit, isCancelled: { context.chainStoppedOrCancelled })
            let result = try backend.invoke(call)
            outcome = RawOutcome(code: result.code.rawValue, bytes: result.bytes, errorDetails: result.errorDetails,
                                 overflowed: result.overflowed || result.bytes.count > outputLimit)
        } else if let supervisor = plugin.supervisor {
            let context = try callContext(entry, serial: serial, deadline: deadline, cancellation: cancellation, parent: parent, scope: scope)
            let run = { () throws(CallError) -> RawOutcome in
                try self.runInWorker(supervisor, plugin: plugin, capability: capability, operation: operation, arguments: arguments,
                                     context: context, outputLimit: outputLimit, onEvent: onEvent, tool: name, timeout: timeout,
                                     started: started)
            }
            outcome = serial ? try plugin.serialLock.withLock { (_) throws(CallError) -> RawOutcome in try run() } : try run()
        } else {
            // A call admitted here holds off destroy() until it returns; once
            // shutdown has closed the gate, calls are refused. (A worker's
            // supervisor does the same for its calls.)
            guard plugin.gate.enter() else {
                throw .pluginUnavailable(tool: name, PluginLoadError(path: plugin.path, reason: .shutDown))
            }
            defer { plugin.gate.leave() }
            let instance: PluginInstance
            do {
                instance = try plugin.admittedInstance(in: self)
            } catch {
                throw .pluginUnavailable(tool: name, error)
            }
            let context = try callContext(entry, serial: serial, deadline: deadline, cancellation: cancellation, parent: parent, scope: scope)
            let active = ActiveInProcessCalls.isTracking ? ActiveInProcessCalls.enter(plugin: plugin.id, tool: name) : nil
            outcome = Self.runInProcess(instance, capability: capability, operation: operation, arguments: arguments,
                                        context: context, serial: serial, outputLimit: outputLimit, onEvent: onEvent)
            if let active { ActiveInProcessCalls.leave(active) }
        }
        if !scrubber.isEmpty {
            // As JSON values: a result stays JSON, and escaping hides nothing.
            outcome = RawOutcome(code: outcome.code, bytes: scrubber.scrubJSON(outcome.bytes),
                                 errorDetails: outcome.errorDetails.map(scrubber.scrubJSON), overflowed: outcome.overflowed)
        }
        let finished = MonotonicClock.now()
        let elapsed = Double(finished - started) / 1e9

        let code = outcome.code
        if finished >= deadline, code == KAI_OK || code == KAI_ERR_DEADLINE_EXCEEDED || code == KAI_ERR_CANCELLED {
            // The plugin's own DEADLINE_EXCEEDED words say what it was waiting on.
            let said = code == KAI_ERR_DEADLINE_EXCEEDED ? ErrorDetails.message(outcome.errorDetails) : nil
            throw .deadlineExceeded(tool: name, timeout: timeout ?? elapsed, elapsed: elapsed, said: said)
        }
        // Before the code: a plugin whose write failed at the cap usually
        // returns that write's error, which is still its fault, not the caller's.
        if outcome.overflowed { throw .outputTooLarge(tool: name, limit: outputLimit) }
        guard code == KAI_OK else {
            let result = ResultCode(plugin: code)
            if result == .cancelled, cancellation?.isCancelled == true || parent?.chainTokenCancelled == true {
                throw .cancelled(tool: name)
            }
            throw .toolFailed(tool: name, code: result, details: ErrorDetails.describe(outcome.errorDetails),
                              hints: ErrorHints(details: outcome.errorDetails))
        }
        try checkOutput(outcome.bytes, validator: contract.output, tool: name)
        return ToolResult(plugin: plugin.id, tool: capability.name, json: outcome.bytes, durationNanoseconds: finished - started)
    }

    /// `parsed`: what `arguments` parse to, when the caller has it (CallOptions.parsedInput).
    /// `validatedMessages`: see CallOptions.validatedMessages (chat requests only).
    private func checkArguments(
        _ arguments: [UInt8], parsed: JSONValue? = nil, validator: LazySchema, tool: String, validatedMessages: Int = 0
    ) throws(CallError) {
        let value: JSONValue
        if let parsed {
            value = parsed
        } else {
            do throws(JSONParseError) {
                value = try JSONParser.parse(arguments)
            } catch {
                throw .argumentsNotJSON(tool: tool, error)
            }
        }
        if let validator = try Self.validator(validator, tool: tool, field: "inputSchema") {
            // The request less the messages already validated checks the
            // same (the schema checks messages one by one); a violation is
            // reported from the whole request, so its path and words are
            // what they always were.
            if let unseen = ChatRequestRemainder.make(value, validatedMessages: validatedMessages),
               validator.validate(unseen).isEmpty {
                return
            }
            let violations = validator.validate(value)
            guard violations.isEmpty else { throw .argumentsInvalid(tool: tool, violations) }
        }
    }

    /// The call's context; refuses a serial call that would wait on a lock
    /// its own call chain holds.
    private func callContext(
        _ entry: CapabilityIndex.Entry, serial: Bool, deadline: Int64, cancellation: CancellationToken?, parent: CallContext?,
        scope: (any AgentScope)?
    ) throws(CallError) -> CallContext {
        let plugin = entry.plugin
        let pluginID = ObjectIdentifier(plugin)
        if serial, let parent, parent.chainHoldsSerialLock(of: pluginID) {
            throw .wouldDeadlock(tool: entry.qualifiedName, plugin: plugin.id)
        }
        return CallContext(deadline: deadline, cancellation: cancellation, parent: parent, serialPlugin: serial ? pluginID : nil,
                           scope: scope, caller: entry.qualifiedName, callerKind: entry.capability.kind)
    }

    private static func runInProcess(
        _ instance: PluginInstance, capability: Capability, operation: UInt32, arguments: [UInt8], context: CallContext,
        serial: Bool, outputLimit: Int, onEvent: ToolEventHandler?
    ) -> RawOutcome {
        let collector = OutputCollector(limit: outputLimit)
        let relay = onEvent.map { EventRelay(handler: $0, context: context) }
        let code: kai_result
        if serial {
            code = instance.plugin.serialLock.withLock { _ in
                run(instance, capability: capability, operation: operation, arguments: arguments, context: context,
                    collector: collector, relay: relay)
            }
        } else {
            code = run(instance, capability: capability, operation: operation, arguments: arguments, context: context,
                       collector: collector, relay: relay)
        }
        return RawOutcome(code: code, bytes: collector.bytes, errorDetails: collector.errorDetails, overflowed: collector.overflowed)
    }

    private static func run(
        _ instance: PluginInstance, capability: Capability, operation: UInt32, arguments: [UInt8], context: CallContext,
        collector: OutputCollector, relay: EventRelay?
    ) -> kai_result {
        guard let relay else { return run(instance, capability, operation, arguments, context, collector, events: nil) }
        return relay.withSink { run(instance, capability, operation, arguments, context, collector, events: $0) }
    }

    private static func run(
        _ instance: PluginInstance, _ capability: Capability, _ operation: UInt32, _ arguments: [UInt8],
        _ context: CallContext, _ collector: OutputCollector, events: UnsafePointer<kai_event_sink>?
    ) -> kai_result {
        capability.name.utf8CString.withUnsafeBufferPointer { name in
            arguments.withUnsafeBufferPointer { input in
                input.withMemoryRebound(to: CChar.self) { input in
                    collector.withOutput { output in
                        var call = kai_call(
                            struct_size: UInt32(MemoryLayout<kai_call>.size),
                            kind: capability.kind.abiValue,
                            name: kai_str(data: name.baseAddress, len: name.count - 1),
                            input: kai_str(data: input.baseAddress, len: input.count),
                            output: output,
                            events: events,
                            host_call: Unmanaged.passUnretained(context).toOpaque(),
                            operation: operation, reserved1: 0
                        )
                        return instance.library.descriptor.invoke(instance.handle, &call)
                    }
                }
            }
        }
    }

    private static func validator(_ lazy: LazySchema, tool: String, field: String) throws(CallError) -> JSONSchema? {
        do {
            return try lazy.schema()
        } catch {
            throw .invalidSchema(tool: tool, field: field, error.description)
        }
    }

    private func checkOutput(_ bytes: [UInt8], validator: LazySchema, tool: String) throws(CallError) {
        guard let validator = try Self.validator(validator, tool: tool, field: "outputSchema") else {
            // withUnsafeBytes only rethrows untyped errors; carry the typed one out.
            let checked: Result<Void, JSONParseError> = bytes.withUnsafeBytes { raw in
                Result { () throws(JSONParseError) in try JSONSyntax.check(raw) }
            }
            if case .failure(let error) = checked { throw .invalidOutput(tool: tool, error) }
            return
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .invalidOutput(tool: tool, error)
        }
        let violations = validator.validate(value)
        guard violations.isEmpty else { throw .outputViolatesSchema(tool: tool, violations) }
    }
}

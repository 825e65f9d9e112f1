import KaiCore
import KaiJSON

extension AgentRun {
    func callTool(callID: String, name: String, arguments: [UInt8], parent: ParentCall,
                  onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        if let ended = endedFailure() { return .failure(ended) }
        guard let tool = tools.tool(named: name) else {
            let names = tools.tools.map(\.name).joined(separator: ", ")
            return .failure(ScopeFailure(code: .notFound, message: "no tool named \"\(name)\" among this run's tools (\(names.isEmpty ? "none" : names))"))
        }
        let parsed: JSONValue
        do throws(JSONParseError) {
            parsed = try JSONParser.parse(arguments)
        } catch {
            return .failure(ScopeFailure(code: .invalidInput, message: "arguments for \"\(tool.name)\" are not valid JSON: \(error.description)"))
        }
        guard case .object = parsed else {
            return .failure(ScopeFailure(code: .invalidInput, message: "arguments for \"\(tool.name)\" must be a JSON object, not \(parsed.typeName)"))
        }
        let call = ToolCall(id: callID, tool: tool, arguments: parsed, bytes: arguments, parent: parent, onEvent: onEvent)
        switch gate(call) {
        case .run:
            return execute(call)
        case .refused(let failure):
            finishRefused(call, failure)
            return .failure(failure)
        case .ended(let failure):
            return .failure(failure)
        }
    }

    /// One tool call of the run.
    struct ToolCall: Sendable {
        let id: String
        let tool: RunToolSet.Tool
        let arguments: JSONValue
        let bytes: [UInt8]
        /// nil: a call the host makes itself (an approved call on --resume).
        let parent: ParentCall?
        let onEvent: ToolEventHandler?
    }

    /// Runs an allowed call: tool_started, the call nested under the agent's,
    /// tool_finished, and its result in the history.
    func execute(_ call: ToolCall) -> Result<[UInt8], ScopeFailure> {
        let who = agentName(call.parent)
        emit(step: ["type": "tool_started", "id": .string(call.id), "tool": .string(call.tool.name), "arguments": call.arguments], agent: who)
        // The run's task type: tools earn their scores from runs too.
        var options = CallOptions(onEvent: toolEvents(call, agent: who), taskType: settings.taskType)
        if let parent = call.parent {
            options.parent = parent
        } else {
            // The host's own call (an approved call run on --resume): the run's limits, as if the agent made it.
            options.timeout = request.timeout
            options.cancellation = token
            options.scope = self
        }
        let started = MonotonicClock.now()
        let outcome: Result<ToolResult, CallError>
        do throws(CallError) {
            outcome = .success(try runtime.host.call(.tool, call.tool.qualifiedName, input: call.bytes, options: options))
        } catch {
            outcome = .failure(error)
        }
        let milliseconds = Double(MonotonicClock.now() - started) / 1e6
        switch outcome {
        case .success(let result):
            let json = (try? JSONParser.parse(result.json)) ?? .string(result.text)
            let (text, isError) = ToolResultText.content(of: json)
            finished(call, agent: who, step: ["ok": .bool(!isError), "duration_ms": .number(milliseconds), "result": json])
            addResult(call, text: text, isError: isError)
            return .success(result.json)
        case .failure(let error):
            let failure = ScopeFailure(code: error.code, message: error.description)
            finished(call, agent: who, step: ["ok": false, "duration_ms": .number(milliseconds), "code": .string(error.code.description),
                                              "result": ["message": .string(error.description)], "message": .string(error.description)])
            // A call that failed once the run had ended (cut short, or its
            // nested call paused the run) gets its result on --resume.
            if !token.isCancelled {
                addResult(call, text: error.description, isError: true)
            }
            runtime.callFailed(error)
            return .failure(failure)
        }
    }

    private func finished(_ call: ToolCall, agent who: String, step: JSONObject) {
        var object: JSONObject = ["type": "tool_finished", "id": .string(call.id), "tool": .string(call.tool.name)]
        for (key, value) in step { object[key] = value }
        state.withLock { $0.toolCalls += 1 }
        emit(step: .object(object), agent: who)
        var record = object
        record["arguments"] = call.arguments
        recorder.event("tool_call", .object(record))
    }

    /// A refused call: the session records it, and the model's history gets the refusal as an error result.
    private func finishRefused(_ call: ToolCall, _ failure: ScopeFailure) {
        guard failure.details["approval"]?.stringValue != "pending" else { return }
        var record: JSONObject = ["id": .string(call.id), "tool": .string(call.tool.name), "arguments": call.arguments, "ok": false,
                                  "code": .string(failure.code.description), "message": .string(failure.message)]
        if let approval = failure.details["approval"] { record["approval"] = approval }
        recorder.event("tool_call", .object(record))
        addResult(call, text: failure.message, isError: true)
    }

    /// A root-agent call's result joins the history (and the session's state).
    private func addResult(_ call: ToolCall, text: String, isError: Bool) {
        guard isRoot(call.parent) else { return }
        state.withLock { $0.history.appendToolResult(callID: call.id, content: text, isError: isError) }
        persist()
    }

    /// The tool's events: progress reaches the user (and the agent's sink,
    /// when it gave one); the run's end stops the tool.
    private func toolEvents(_ call: ToolCall, agent who: String) -> ToolEventHandler {
        let sink = call.onEvent, onEvent = request.onEvent, token = token
        return { event in
            if case .progress(_, _, let message) = event, !message.isEmpty { onEvent(.progress(agent: who, message: message)) }
            let reply = sink?(event) ?? .continue
            return token.isCancelled ? .stop : reply
        }
    }
}

import KaiCore
import KaiJSON
import KaiRuntime

/// One `tools/call`, through the same path as `kai tools call`: the host's
/// call (argument validation, deadline, cancellation, output checks, secret
/// scrubbing, the call log and scores through the runtime's observer),
/// supervision after a failure (`KaiRuntime.callFailed`), and before it the
/// operator's approval policy as it applies to MCP clients (MCPApprovalGate),
/// for the call and every call nested under it (MCPScope).
struct MCPToolCall: Sendable {
    let runtime: KaiRuntime
    let gate: MCPApprovalGate
    /// Every call's scope: nested calls face the same policy (MCPScope).
    let scope: MCPScope
    let timeout: Double?

    init(runtime: KaiRuntime, policy: ApprovalPolicy, timeout: Double?) {
        self.runtime = runtime
        self.gate = MCPApprovalGate(runtime: runtime, policy: policy)
        self.scope = MCPScope(gate: gate)
        self.timeout = timeout
    }

    enum Outcome {
        /// The `tools/call` result: text content, structuredContent where
        /// the tool has an output schema, isError for a failure.
        case result(JSONValue)
        /// The client cancelled the call: MCP sends no response.
        case cancelledByClient
    }

    /// Runs the call on the calling thread (it blocks for as long as the
    /// tool runs). `progress` receives the tool's progress events.
    func run(
        _ tool: MCPToolCatalog.Tool, arguments: JSONValue?, token: CancellationToken, clientCancelled: @Sendable () -> Bool,
        progress: (@Sendable (Double, Double?, String) -> Void)?
    ) -> Outcome {
        let arguments = arguments ?? .object([:])
        if let refusal = gate.refusal(tool.entry, arguments: arguments, depth: 0) { return .result(Self.failure(refusal)) }
        var options = CallOptions(timeout: timeout, cancellation: token)
        options.scope = scope
        if let progress {
            options.onEvent = { event in
                if case .progress(let done, let total, let message) = event { progress(done, total, message) }
                return .continue
            }
        }
        do throws(CallError) {
            let result = try runtime.host.callTool(tool.entry.qualifiedName, arguments: arguments.serializedBytes(), options: options)
            return .result(Self.success(result, structured: tool.hasOutputSchema))
        } catch {
            runtime.callFailed(error)
            if clientCancelled(), case .cancelled = error { return .cancelledByClient }
            if clientCancelled(), case .cancelKilled = error { return .cancelledByClient }
            return .result(Self.failure(error.description))
        }
    }

    static func success(_ result: ToolResult, structured: Bool) -> JSONValue {
        var object: JSONObject = ["content": .array([.object(["type": "text", "text": .string(result.text)])])]
        // The host checked the result against the output schema; MCP wants
        // structuredContent to be an object.
        if structured, let value = try? JSONParser.parse(result.json), value.objectValue != nil {
            object["structuredContent"] = value
        }
        return .object(object)
    }

    static func failure(_ message: String) -> JSONValue {
        .object(["content": .array([.object(["type": "text", "text": .string(message)])]), "isError": true])
    }
}

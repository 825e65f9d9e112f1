import KaiCore
import KaiJSON
import KaiRuntime

/// One `tools/call`, through the same path as `kai tools call`: the host's
/// call (argument validation, deadline, cancellation, output checks, secret
/// scrubbing, the call log and scores through the runtime's observer),
/// supervision after a failure (`KaiRuntime.callFailed`), and before it the
/// operator's approval policy as it applies to MCP clients.
struct MCPToolCall: Sendable {
    let runtime: KaiRuntime
    let policy: ApprovalPolicy
    let timeout: Double?

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
        if let refusal = refusal(tool, arguments: arguments) { return .result(Self.failure(refusal)) }
        var options = CallOptions(timeout: timeout, cancellation: token)
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

    /// Why an MCP client may not make this call, or nil: MCP clients cannot
    /// answer an approval prompt, so a call that asks runs only where the
    /// operator's policy says `mcp: allow` (see ApprovalDecision.allowsMCPClient).
    func refusal(_ tool: MCPToolCatalog.Tool, arguments: JSONValue) -> String? {
        let capability = tool.entry.capability
        let decision = policy.decide(
            qualifiedName: tool.entry.qualifiedName, shortName: capability.name, annotations: capability.annotations, arguments: arguments)
        if decision.allowsMCPClient { return nil }
        let name = tool.entry.qualifiedName
        switch decision.mode {
        case .deny:
            return "tool \"\(name)\" was refused: the operator's approvals policy denies it (\(decision.reason))."
        case .ask where decision.approvers > 1:
            return "tool \"\(name)\" was refused: it needs \(decision.approvers) approvers (\(decision.reason)), and MCP clients cannot "
                + "gather approvals. Run it with kai run, where other users approve it with kai approvals."
        case .ask, .allow:
            return "tool \"\(name)\" was refused: it needs approval (\(decision.reason)), and an MCP client cannot give it. "
                + "To let MCP clients call it, set in the operator config: approvals: { tools: { \(name): { mcp: allow } } }"
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

import KaiCore
import KaiJSON
import KaiRuntime

/// The operator's approval policy as it applies to MCP clients, for every
/// call made on a client's behalf: the tool it calls, and each tool that
/// tool calls in turn through kai_host.call_tool (MCPScope). MCP clients
/// cannot answer an approval prompt, so a call that asks runs only where
/// the policy says `mcp: allow` (see ApprovalDecision.allowsMCPClient).
/// A refused call is in the call log (PERMISSION_DENIED, error kind
/// approvalRefused), not scored: the plugin did nothing wrong.
struct MCPApprovalGate: Sendable {
    let runtime: KaiRuntime
    let policy: ApprovalPolicy

    /// Why an MCP client may not make this call, or nil; a refusal is recorded.
    func refusal(_ entry: CapabilityIndex.Entry, arguments: JSONValue, depth: Int) -> String? {
        guard let message = Self.refusalText(entry, decision: decide(entry, arguments: arguments)) else { return nil }
        runtime.store.callFinished(CallReport(
            tool: entry.qualifiedName, plugin: entry.plugin.id, capabilityKind: entry.capability.kind,
            startedAt: WallClock.now(), durationNanoseconds: 0, code: .permissionDenied, errorKind: .approvalRefused,
            taskType: nil, arguments: arguments.serializedBytes(), result: [], depth: depth))
        return message
    }

    private func decide(_ entry: CapabilityIndex.Entry, arguments: JSONValue) -> ApprovalDecision {
        let capability = entry.capability
        return policy.decide(
            qualifiedName: entry.qualifiedName, shortName: capability.name, annotations: capability.annotations, arguments: arguments)
    }

    static func refusalText(_ entry: CapabilityIndex.Entry, decision: ApprovalDecision) -> String? {
        if decision.allowsMCPClient { return nil }
        let name = entry.qualifiedName
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
}

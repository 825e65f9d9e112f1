import KaiCore
import KaiJSON
import KaiRegistry

extension AgentRun {
    /// --resume of a paused run: each pending call as its approvers decided
    /// it. Returns the approval ids still pending, having changed nothing;
    /// else runs the approved calls (the approval is their gate), answers
    /// the denied ones with a denial, and gives every call left without a
    /// result (cut short by the pause or Ctrl-C) an "interrupted" error.
    func settlePending(_ pending: [PendingCall]) throws(RunError) -> [String] {
        var decided: [(call: PendingCall, record: ApprovalRecord?)] = []
        for call in pending {
            do throws(StoreError) {
                decided.append((call, try runtime.store.approval(id: call.approvalID)))
            } catch {
                throw RunError(.store, "could not read approval \(call.approvalID) from the registry: \(error.message)")
            }
        }
        let waiting = decided.filter { $0.record?.status == "pending" }.map(\.call.approvalID)
        guard waiting.isEmpty else { return waiting }
        // Only the root agent's own calls are answered here; a delegate's
        // (or a nested tool's) is made again by the resumed run, and the
        // gate finds its decision by the hash of its arguments.
        let open = Set(history.unansweredCalls.map(\.id))
        for (call, record) in decided where open.contains(call.callID) { try settle(call, record) }
        state.withLock { state in
            state.pending = []
            state.history.closeInterruptedCalls()
        }
        persist()
        return []
    }

    private func settle(_ pending: PendingCall, _ record: ApprovalRecord?) throws(RunError) {
        // Only the run's own tools: a tool outside its set never runs, approved or not.
        let tool = tools.tools.first { $0.qualifiedName == pending.tool }
        let name = tool?.name ?? pending.tool
        let call = tool.map { ToolCall(id: pending.callID, tool: $0, arguments: pending.arguments,
                                      bytes: pending.arguments.serializedBytes(), parent: nil, onEvent: nil) }
        let by = "approvers " + (record?.votes.filter(\.approve).map { String($0.uid) }.joined(separator: ",") ?? "")
        switch record?.status {
        case "approved":
            // The policy again: it may have changed while the run waited, and
            // a deny now wins over the approval (which stays unused).
            if let tool, policy.decide(qualifiedName: tool.qualifiedName, shortName: tool.shortName,
                                       annotations: tool.entry.capability.annotations, arguments: pending.arguments).mode == .deny {
                answer(pending, Self.deniedByPolicyText(tool.shortName))
                return
            }
            let hash = RegistryStore.argumentsHash(tool: pending.tool, arguments: pending.arguments)
            let used: Bool
            do throws(StoreError) {
                used = try runtime.store.useApproval(id: pending.approvalID, argumentsHash: hash)
            } catch {
                throw RunError(.store, "could not mark approval \(pending.approvalID) used in the registry: \(error.message)")
            }
            guard used, let call else {
                let why = call == nil ? "tool \(name) is no longer loaded" : "approval \(pending.approvalID) does not match this call"
                answer(pending, "\(why), so the approved call did not run; call it again if still needed")
                return
            }
            emit(step: withApprovalID(approvalStep(call, decision: "allowed", by: by), pending.approvalID), agent: agent.capability.name,
                 kind: "approval")
            _ = execute(call)
        case "denied":
            if let call {
                let deniers = record?.votes.filter { !$0.approve }.map { String($0.uid) }.joined(separator: ",") ?? ""
                emit(step: withApprovalID(approvalStep(call, decision: "denied", by: "approvers " + deniers), pending.approvalID),
                     agent: agent.capability.name, kind: "approval")
            }
            answer(pending, Self.deniedByApproversText(tool?.shortName ?? name))
        default:
            // Gone, or used by a resume that did not get to save its result.
            answer(pending, RunHistory.interruptedText)
        }
    }

    private func answer(_ pending: PendingCall, _ text: String) {
        recorder.event("tool_call", ["id": .string(pending.callID), "tool": .string(pending.tool), "arguments": pending.arguments,
                                     "ok": false, "message": .string(text)])
        state.withLock { $0.history.appendToolResult(callID: pending.callID, content: text, isError: true) }
    }

    private func withApprovalID(_ step: JSONValue, _ id: String) -> JSONValue {
        guard case .object(var object) = step else { return step }
        object["approval_id"] = .string(id)
        return .object(object)
    }
}

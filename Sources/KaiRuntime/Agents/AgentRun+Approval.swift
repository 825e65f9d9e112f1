import Glibc
import KaiCore
import KaiJSON
import KaiRegistry

/// The approval gate every tool call of a run passes (design: "Approval
/// policy"): the policy decides allow / ask / deny; ask is answered by
/// --approve, --yes, an earlier "allow always", the prompter, or, with no
/// terminal, refused; a tool that needs two approvers pauses the run.
extension AgentRun {
    enum GateResult: Sendable {
        case run
        case refused(ScopeFailure)
        /// The run ended while the call waited (Ctrl-C at the prompt): the
        /// call neither runs nor gets a result, so it is not a denial.
        case ended(ScopeFailure)
    }

    static func deniedByPolicyText(_ name: String) -> String { "the operator's policy denies \(name)" }
    static func deniedByUserText(_ name: String) -> String { "the user denied this call of \(name)" }
    static func deniedByApproversText(_ name: String) -> String { "approvers denied this call of \(name)" }
    static func noTerminalText(_ name: String, reason: String) -> String {
        "tool '\(name)' needs approval (\(reason)) and there is no terminal to ask; rerun with --approve \(name) (or --yes) to allow it"
    }

    var policy: ApprovalPolicy { ApprovalPolicy(runtime.config.approvals, tools: runtime.host.index(.tool)) }

    func gate(_ call: ToolCall) -> GateResult {
        let tool = call.tool
        let decision = policy.decide(qualifiedName: tool.qualifiedName, shortName: tool.shortName,
                                     annotations: tool.entry.capability.annotations, arguments: call.arguments)
        switch decision.mode {
        case .allow:
            return .run
        case .deny:
            return refuse(call, Self.deniedByPolicyText(tool.shortName), by: "policy")
        case .ask where decision.approvers >= 2:
            return pend(call, approvers: decision.approvers)
        case .ask:
            return ask(call, reason: decision.reason)
        }
    }

    /// An ask decision: flags first, then an earlier "allow always", then the prompter.
    /// --approve names the tool as the run shows it to the model, or by its
    /// qualified name: a short name two plugins share approves neither.
    private func ask(_ call: ToolCall, reason: String) -> GateResult {
        let tool = call.tool
        let flagged = [tool.name, tool.qualifiedName].contains { request.approveTools.contains($0) }
        if flagged || request.yes { return allowed(call, by: "flag") }
        if state.withLock({ $0.allowAlways.contains(tool.qualifiedName) }) { return allowed(call, by: "terminal") }
        guard let prompter = request.prompter else {
            return refuse(call, Self.noTerminalText(tool.name, reason: reason), by: "policy")
        }
        return promptLock.withLock { _ -> GateResult in
            // Asked one at a time: the answer to the question before may
            // have allowed this tool for the run, or stopped the run.
            if let ended = endedFailure() { return .ended(ended) }
            if state.withLock({ $0.allowAlways.contains(tool.qualifiedName) }) { return allowed(call, by: "terminal") }
            // What the run did so far is written while the person decides.
            recorder.flush()
            switch prompter.ask(ApprovalQuestion(tool: tool.qualifiedName, arguments: call.arguments, reason: reason)) {
            case .allow:
                return allowed(call, by: "terminal")
            case .allowAlways:
                state.withLock { _ = $0.allowAlways.insert(tool.qualifiedName) }
                return allowed(call, by: "terminal")
            case .deny:
                return refuse(call, Self.deniedByUserText(tool.shortName), by: "terminal")
            case .cancelled:
                // As Ctrl-C's link does (the prompter may see it first).
                stop(RunMark(status: .interrupted, reason: "interrupted"))
                return .ended(endedFailure() ?? ScopeFailure(code: .cancelled, message: "the run was cancelled"))
            case .stopRun:
                let result = refuse(call, Self.deniedByUserText(tool.shortName), by: "terminal")
                stop(RunMark(status: .denied, reason: "the user denied a call of \(tool.shortName) and stopped the run"))
                return result
            }
        }
    }

    private func allowed(_ call: ToolCall, by: String) -> GateResult {
        emit(step: approvalStep(call, decision: "allowed", by: by), agent: agentName(call.parent), kind: "approval")
        return .run
    }

    private func refuse(_ call: ToolCall, _ message: String, by: String) -> GateResult {
        // The step carries the denial's text, so the user sees why (and which flag would allow it).
        var step = approvalStep(call, decision: "denied", by: by)
        if case .object(var object) = step { object["message"] = .string(message); step = .object(object) }
        emit(step: step, agent: agentName(call.parent), kind: "approval")
        return .refused(ScopeFailure(code: .permissionDenied, details: ["message": .string(message), "approval": "denied"]))
    }

    /// A two-approver tool: the approval is stored, bound to the hash of the
    /// tool and its exact arguments; the run pauses.
    private func pend(_ call: ToolCall, approvers: Int) -> GateResult {
        let tool = call.tool
        let hash = RegistryStore.argumentsHash(tool: tool.qualifiedName, arguments: call.arguments)
        if let decided = decidedApproval(call, hash: hash) { return decided }
        // The session's starter, not this process's user: after another user
        // resumed the run, its real starter still may not approve.
        let starter: UInt32
        do throws(StoreError) {
            guard let session = try runtime.store.session(id: sessionID) else { throw StoreError(.notFound, "session \(sessionID) is not in the registry") }
            starter = session.starterUID
        } catch {
            return refuse(call, "the approval request for \(tool.shortName) could not be stored (\(error.message)), so the call was refused", by: "policy")
        }
        let id = ApprovalRecord.newID()
        let record = ApprovalRecord(
            id: id, sessionID: sessionID, tool: tool.qualifiedName, arguments: call.arguments,
            argumentsHash: hash, callID: call.id, needed: approvers, starterUID: starter, createdAt: WallClock.now())
        do throws(StoreError) {
            try runtime.store.createApproval(record)
        } catch {
            // Fail closed: a call no one can approve later does not run now.
            return refuse(call, "the approval request for \(tool.shortName) could not be stored (\(error.message)), so the call was refused", by: "policy")
        }
        let message = "tool '\(tool.shortName)' needs \(approvers) approvers: approval \(id) is pending, and the run pauses until it is decided"
        state.withLock { $0.pending.append(PendingCall(approvalID: id, callID: call.id, tool: tool.qualifiedName, arguments: call.arguments)) }
        var step = approvalStep(call, decision: "pending", by: "approvers")
        if case .object(var object) = step { object["approval_id"] = .string(id); step = .object(object) }
        emit(step: step, agent: agentName(call.parent), kind: "approval")
        persist()
        if !stop(RunMark(status: .paused, reason: message, pending: [id])) {
            state.withLock { state in if state.mark?.status == .paused { state.mark?.pending.append(id) } }
        }
        return .refused(ScopeFailure(code: .permissionDenied, details: [
            "message": .string(message), "approval": "pending", "approval_id": .string(id),
        ]))
    }

    /// An approval of this session for the same tool and exact arguments
    /// that approvers already decided and no call has used: a call the run
    /// makes again after --resume (a delegate's, or a nested tool's, which
    /// the resumed run repeats rather than answers) takes its decision.
    private func decidedApproval(_ call: ToolCall, hash: String) -> GateResult? {
        for status in ["approved", "denied"] {
            guard let found = try? runtime.store.approvals(status: status).first(where: { $0.sessionID == sessionID && $0.argumentsHash == hash })
            else { continue }
            let uids = found.votes.filter { $0.approve == (status == "approved") }.map { String($0.uid) }.joined(separator: ",")
            if status == "denied" { return refuse(call, Self.deniedByApproversText(call.tool.shortName), by: "approvers " + uids) }
            if (try? runtime.store.useApproval(id: found.id, argumentsHash: hash)) == true { return allowed(call, by: "approvers " + uids) }
        }
        return nil
    }

    func approvalStep(_ call: ToolCall, decision: String, by: String) -> JSONValue {
        ["type": "approval", "id": .string(call.id), "tool": .string(call.tool.name), "arguments": call.arguments,
         "decision": .string(decision), "by": .string(by)]
    }
}

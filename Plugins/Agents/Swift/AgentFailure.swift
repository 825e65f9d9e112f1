import CKaiABI
import KaiJSON

/// Why an agent call fails: a result code and its details object (at least
/// "message"). A host service's failure is passed on with the host's own
/// details, so a pending approval or a budget refusal keeps its fields.
struct AgentFailure: Error, Sendable {
    let code: kai_result
    let details: JSONObject

    init(code: kai_result, details: JSONObject) {
        self.code = code
        self.details = details
    }

    init(code: kai_result, message: String) {
        self.init(code: code, details: ["message": .string(message)])
    }

    var message: String { details["message"]?.stringValue ?? "failed with code \(code)" }

    /// The run is pausing or ending (kai_agent.h): cancelled, an approval
    /// pending, or the budget refused a call. The agent returns at once.
    /// (A tool that ran out of its own time is an error the model hears
    /// about; the agent's own deadline shows in AgentHost.stopped.)
    var endsRun: Bool {
        code == KAI_ERR_CANCELLED || details["approval"]?.stringValue == "pending" || details["budget"] != nil
    }
}

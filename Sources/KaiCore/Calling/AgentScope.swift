import KaiJSON

/// What a run decides for the calls made inside it (kai_agent.h). KaiCore
/// only carries it: the root agent call of a run gets one through
/// CallOptions.scope, every call nested under it inherits it, and the host
/// services a plugin uses inside the run (kai_host_agent_v1, and
/// kai_host.call_tool / provider_complete / provider_stream) ask it instead
/// of calling directly. KaiRuntime's run implements it: approvals, the
/// router, the budget, the session record. Without a scope a plugin's host
/// services behave as in ABI 1.1 and kai.host.agent/1 answers UNSUPPORTED.
public protocol AgentScope: AnyObject, Sendable {
    /// The run's session id (kai_host_agent_v1.session_id).
    var sessionID: String { get }

    /// A tool call from a plugin inside the run: `callID` is the model's id
    /// ("" from kai_host.call_tool); `onEvent` receives the tool's progress
    /// when the caller passed a sink. Returns the tool's result JSON.
    func callTool(callID: String, name: String, arguments: [UInt8], parent: ParentCall,
                  onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure>

    /// A provider call from a plugin inside the run: `provider` as given
    /// ("" is the run's choice), `request` a chat request; with `onEvent`
    /// the deltas stream to it. Returns the chat response JSON.
    func callProvider(provider: String, request: [UInt8], parent: ParentCall,
                      onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure>

    /// kai_host_agent_v1.find_agents: the ranked candidates as a JSON array.
    func findAgents(query: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure>

    /// kai_host_agent_v1.call_agent: the delegate's agent output JSON.
    func callAgent(name: String, input: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure>
}

/// A failure a scope hands back to the plugin: its code and the details
/// JSON object (at least "message"; e.g. "approval": "pending").
public struct ScopeFailure: Error, Sendable {
    public let code: ResultCode
    public let details: JSONObject

    public init(code: ResultCode, details: JSONObject) {
        self.code = code
        self.details = details
    }

    public init(code: ResultCode, message: String) {
        self.init(code: code, details: ["message": .string(message)])
    }

    public var message: String { details["message"]?.stringValue ?? code.description }
}

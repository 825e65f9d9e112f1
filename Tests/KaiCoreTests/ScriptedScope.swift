import KaiCore
import KaiJSON
import Synchronization

/// An AgentScope for the host core's tests: records what it was asked (and
/// by whom), and answers with the scripts a test gives it. Unscripted
/// services fail with NOT_FOUND.
final class ScriptedScope: AgentScope {
    struct Asked: Equatable {
        let service: String        // "tool", "provider", "find", "agent"
        let name: String           // tool, provider or agent name; "" for find
        let callID: String?
        let input: JSONValue
        let caller: String
        let callerKind: Capability.Kind
        let depth: Int
        let streams: Bool
    }

    typealias Script = @Sendable (_ name: String, _ input: [UInt8], _ parent: ParentCall, _ onEvent: ToolEventHandler?)
        -> Result<[UInt8], ScopeFailure>

    let sessionID: String
    private let asked = Mutex<[Asked]>([])
    let tool: Script?
    let provider: Script?
    let find: Script?
    let agent: Script?

    init(sessionID: String = "s0123456789", tool: Script? = nil, provider: Script? = nil, find: Script? = nil, agent: Script? = nil) {
        self.sessionID = sessionID
        self.tool = tool
        self.provider = provider
        self.find = find
        self.agent = agent
    }

    /// Every service answering `failure`.
    convenience init(failing failure: ScopeFailure) {
        let fail: Script = { _, _, _, _ in .failure(failure) }
        self.init(tool: fail, provider: fail, find: fail, agent: fail)
    }

    var questions: [Asked] { asked.withLock { $0 } }

    func callTool(callID: String, name: String, arguments: [UInt8], parent: ParentCall,
                  onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        record("tool", name, callID, arguments, parent, onEvent)
        return (tool ?? Self.unscripted)(name, arguments, parent, onEvent)
    }

    func callProvider(provider name: String, request: [UInt8], parent: ParentCall,
                      onEvent: ToolEventHandler?) -> Result<[UInt8], ScopeFailure> {
        record("provider", name, nil, request, parent, onEvent)
        return (provider ?? Self.unscripted)(name, request, parent, onEvent)
    }

    func findAgents(query: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        record("find", "", nil, query, parent, nil)
        return (find ?? Self.unscripted)("", query, parent, nil)
    }

    func callAgent(name: String, input: [UInt8], parent: ParentCall) -> Result<[UInt8], ScopeFailure> {
        record("agent", name, nil, input, parent, nil)
        return (agent ?? Self.unscripted)(name, input, parent, nil)
    }

    private func record(_ service: String, _ name: String, _ callID: String?, _ input: [UInt8], _ parent: ParentCall,
                        _ onEvent: ToolEventHandler?) {
        let value = (try? JSONParser.parse(input)) ?? .string(String(decoding: input, as: UTF8.self))
        asked.withLock {
            $0.append(Asked(service: service, name: name, callID: callID, input: value, caller: parent.caller,
                            callerKind: parent.callerKind, depth: parent.depth, streams: onEvent != nil))
        }
    }

    private static let unscripted: Script = { name, _, _, _ in
        .failure(ScopeFailure(code: .notFound, message: "nothing scripted for \(name)"))
    }
}

/// Records the host's call reports.
final class ReportRecorder: CallObserver {
    private let reports = Mutex<[CallReport]>([])
    var all: [CallReport] { reports.withLock { $0 } }
    func callFinished(_ report: CallReport) { reports.withLock { $0.append(report) } }
}

import KaiJSON

/// A run's request settings, saved in its session's state so `--resume` and
/// `--continue` (perhaps in another process, after a restart) run it the
/// same way. Approval flags (--yes, --approve) are not saved: whoever
/// resumes decides those again.
struct RunSettings: Sendable, Equatable {
    /// The agent's qualified name.
    var agent: String
    var model: String?
    /// The run's tools, qualified names.
    var tools: [String]
    var toolChoice: String?
    var chainLimit: Int
    var maxTokens: Int?
    /// --turn-tokens: most tokens one model turn may write.
    var turnTokens: Int?
    /// --temperature and --seed: set on every model call of the run.
    var temperature: Double?
    var seed: Int64?
    var maxCostUSD: Double?
    var taskType: String?
    var risk: RouteRequest.Risk
    /// Coding agents' tests, entry point and most attempts (agent-input "tests", "entry_point", limits.max_attempts).
    var tests: String?
    var entryPoint: String?
    var maxAttempts: Int?

    /// `request` with the saved coding settings where it names none.
    func coding(_ request: AgentRunRequest) -> AgentRunRequest {
        var request = request
        request.tests = request.tests ?? tests
        request.entryPoint = request.entryPoint ?? entryPoint
        request.maxAttempts = request.maxAttempts ?? maxAttempts
        return request
    }

    var json: JSONValue {
        var limits: JSONObject = ["chain_limit": .integer(Int64(chainLimit))]
        if let maxTokens { limits["max_tokens"] = .integer(Int64(maxTokens)) }
        if let maxCostUSD { limits["max_cost_usd"] = .number(maxCostUSD) }
        if let maxAttempts { limits["max_attempts"] = .integer(Int64(maxAttempts)) }
        var object: JSONObject = ["agent": .string(agent), "tools": .array(tools.map { .string($0) }), "limits": .object(limits),
                                  "risk": .string(risk.rawValue)]
        if let model { object["model"] = .string(model) }
        if let toolChoice { object["tool_choice"] = .string(toolChoice) }
        if let turnTokens { object["turn_tokens"] = .integer(Int64(turnTokens)) }
        if let temperature { object["temperature"] = .number(temperature) }
        if let seed { object["seed"] = .integer(seed) }
        if let taskType { object["task_type"] = .string(taskType) }
        if let tests { object["tests"] = .string(tests) }
        if let entryPoint { object["entry_point"] = .string(entryPoint) }
        return .object(object)
    }

    /// Reads settings saved by `json`; nil when they are not such an object.
    init?(json: JSONValue?) {
        guard let json, let agent = json["agent"]?.stringValue else { return nil }
        self.agent = agent
        model = json["model"]?.stringValue
        tools = json["tools"]?.arrayValue?.compactMap(\.stringValue) ?? []
        toolChoice = json["tool_choice"]?.stringValue
        turnTokens = json["turn_tokens"]?.intValue.map { Int($0) }
        temperature = json["temperature"]?.doubleValue
        seed = json["seed"]?.intValue
        chainLimit = json["limits"]?["chain_limit"]?.intValue.map { Int($0) } ?? 10
        maxTokens = json["limits"]?["max_tokens"]?.intValue.map { Int($0) }
        maxCostUSD = json["limits"]?["max_cost_usd"]?.doubleValue
        taskType = json["task_type"]?.stringValue
        risk = json["risk"]?.stringValue.flatMap(RouteRequest.Risk.init(rawValue:)) ?? .low
        tests = json["tests"]?.stringValue
        entryPoint = json["entry_point"]?.stringValue
        maxAttempts = json["limits"]?["max_attempts"]?.intValue.map { Int($0) }
    }

    init(agent: String, model: String?, tools: [String], toolChoice: String?, chainLimit: Int, maxTokens: Int?,
         maxCostUSD: Double?, taskType: String?, risk: RouteRequest.Risk, tests: String? = nil, entryPoint: String? = nil,
         maxAttempts: Int? = nil) {
        self.agent = agent
        self.model = model
        self.tools = tools
        self.toolChoice = toolChoice
        self.chainLimit = chainLimit
        self.maxTokens = maxTokens
        self.maxCostUSD = maxCostUSD
        self.taskType = taskType
        self.risk = risk
        self.tests = tests
        self.entryPoint = entryPoint
        self.maxAttempts = maxAttempts
    }
}

/// A pending two-approver call, as saved in the session's state.
struct PendingCall: Sendable, Equatable {
    let approvalID: String
    let callID: String
    /// The tool's qualified name.
    let tool: String
    let arguments: JSONValue

    var json: JSONValue {
        ["approval_id": .string(approvalID), "call_id": .string(callID), "tool": .string(tool), "arguments": arguments]
    }

    init(approvalID: String, callID: String, tool: String, arguments: JSONValue) {
        self.approvalID = approvalID
        self.callID = callID
        self.tool = tool
        self.arguments = arguments
    }

    init?(json: JSONValue) {
        guard let id = json["approval_id"]?.stringValue, let tool = json["tool"]?.stringValue else { return nil }
        self.init(approvalID: id, callID: json["call_id"]?.stringValue ?? "", tool: tool, arguments: json["arguments"] ?? [:])
    }
}

import ArgumentParser
import Foundation
import KaiRuntime

/// `kai run`'s choices for the agent: which agent, model and tools, the
/// limits and budget, and what may be approved without asking.
struct RunOptions: ParsableArguments {
    enum ToolChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, required, once
    }

    @Option(name: .long, help: ArgumentHelp("The agent (short or qualified name). Default: the best-scored agent for --task-type, else assistant.", valueName: "name"))
    var agent: String?
    @Option(name: [.customShort("m"), .long], help: ArgumentHelp("Provider, optionally with a model, for the agent's model calls (default: the router's choice).", valueName: "provider/model"))
    var model: String?
    @Option(name: .customLong("tool"), help: ArgumentHelp("A tool the agent may use; repeatable. Default: every tool the approvals policy does not deny.", valueName: "name"))
    var tools: [String] = []
    @Option(name: .long, help: ArgumentHelp("auto; required: the first model turn must call a tool; once: it must, and later turns answer without tools (for small local models).", valueName: "auto|required|once"))
    var toolChoice: ToolChoice?
    @Option(name: .long, help: ArgumentHelp("Most model turns before the run stops (exit 3).", valueName: "N"))
    var chainLimit = 10
    @Option(name: .long, help: ArgumentHelp("Budget in USD for the run's model calls (exit 4 when used up).", valueName: "USD"))
    var maxCost: Double?
    @Option(name: .long, help: ArgumentHelp("Budget in tokens (input + output) for the run's model calls (exit 4 when used up).", valueName: "N"))
    var maxTokens: Int?
    @Option(name: .long, help: ArgumentHelp("Most tokens one model turn may write (each model call's max_tokens is capped at it).", valueName: "N"))
    var turnTokens: Int?
    @Option(name: .long, help: ArgumentHelp("Sampling temperature for every model call of the run, 0 to 2 (0: greedy, repeatable).", valueName: "T"))
    var temperature: Double?
    @Option(name: .long, help: ArgumentHelp("Sampling seed for every model call of the run.", valueName: "N"))
    var seed: Int64?
    @Option(name: .long, help: ArgumentHelp("The kind of task (e.g. coding, research): picks the agent and provider by score, and scores them.", valueName: "type"))
    var taskType: String?
    @Option(name: .long, help: ArgumentHelp("low, or high: only providers marked `tier: strong` in the config's router.targets.", valueName: "low|high"))
    var risk: RouteRequest.Risk = .low
    @Flag(name: .long, help: "Allow every tool call the policy would ask about (never a deny rule or a two-approver tool).")
    var yes = false
    @Option(name: .long, help: ArgumentHelp("Allow calls of this tool without asking; repeatable (never a deny rule or a two-approver tool).", valueName: "tool"))
    var approve: [String] = []
    @Option(name: .long, help: ArgumentHelp("Deadline in seconds for the whole run.", valueName: "seconds"))
    var timeout: Double?
    @Option(name: .long, help: ArgumentHelp("Coding agents (coder): most attempts before giving up (exit 1); default the agent's (3).", valueName: "N"))
    var maxAttempts: Int?
    @Option(name: .long, help: ArgumentHelp("Coding agents: a file of test code the answer must pass in the sandbox.", valueName: "file"))
    var tests: String?
    @Option(name: .long, help: ArgumentHelp("Coding agents: the function the tests call.", valueName: "name"))
    var entryPoint: String?

    func validate() throws {
        guard chainLimit >= 1 else { throw ValidationError("--chain-limit must be at least 1, got \(chainLimit).") }
        if let maxCost, !(maxCost > 0 && maxCost.isFinite) {
            throw ValidationError("--max-cost must be a positive number of US dollars, got '\(maxCost)'.")
        }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1, got \(maxTokens).") }
        if let turnTokens, turnTokens < 1 { throw ValidationError("--turn-tokens must be at least 1, got \(turnTokens).") }
        if let temperature, !(0...2).contains(temperature) {
            throw ValidationError("--temperature must be from 0 to 2, got '\(temperature)'.")
        }
        if let timeout, !(timeout > 0 && timeout.isFinite) {
            throw ValidationError("--timeout must be a positive number of seconds, got '\(timeout)'.")
        }
        if let taskType, taskType.isEmpty {
            throw ValidationError("--task-type must not be empty. Give a task type such as coding or research, or leave it out.")
        }
        if let model, model.isEmpty || model.hasPrefix("/") {
            throw ValidationError("-m '\(model)' names no provider. Give a provider, optionally with a model: local, openai/gpt-4o-mini. Run 'kai models' to see them.")
        }
        if let maxAttempts, maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1, got \(maxAttempts).") }
        if let tests, !FileManager.default.isReadableFile(atPath: tests) {
            throw ValidationError("--tests '\(tests)' is not a readable file. Give the path of a file with the test code.")
        }
        for name in tools + approve + (agent.map { [$0] } ?? []) where name.isEmpty {
            throw ValidationError("--tool, --approve and --agent need a name, got an empty one.")
        }
    }

    /// The engine's request for `start`, without the cancellation, prompter
    /// and event handler (the command adds those).
    func request(_ start: AgentRunRequest.Start) -> AgentRunRequest {
        var request = AgentRunRequest(start: start)
        request.agent = agent
        request.model = model
        request.tools = tools
        request.toolChoice = toolChoice?.rawValue
        request.chainLimit = chainLimit
        request.maxCostUSD = maxCost
        request.maxTokens = maxTokens
        request.turnTokens = turnTokens
        request.temperature = temperature
        request.seed = seed
        request.taskType = taskType
        request.risk = risk
        request.yes = yes
        request.approveTools = Set(approve)
        request.timeout = timeout
        request.maxAttempts = maxAttempts
        request.tests = tests.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        request.entryPoint = entryPoint
        return request
    }
}

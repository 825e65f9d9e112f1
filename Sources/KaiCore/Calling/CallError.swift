import Foundation
import KaiJSON
import KaiJSONSchema

/// Why a call did not produce a result. Messages name the tool, the problem,
/// and the fix; they never include the arguments (they may hold secrets).
public enum CallError: Error, Sendable, CustomStringConvertible {
    case toolNotFound(String, suggestion: String?)
    /// No provider capability of that name (kai_provider.h).
    case providerNotFound(String, suggestion: String?)
    case ambiguousTool(String, plugins: [String])
    case argumentsNotJSON(tool: String, JSONParseError)
    case argumentsInvalid(tool: String, [SchemaViolation])
    case pluginUnavailable(tool: String, PluginLoadError)
    /// The plugin returned an error code; `details` is its message made
    /// readable, `hints` what its details JSON said for the router.
    case toolFailed(tool: String, code: ResultCode, details: String, hints: ErrorHints = ErrorHints())
    case invalidOutput(tool: String, JSONParseError)
    case outputTooLarge(tool: String, limit: Int)
    case outputViolatesSchema(tool: String, [SchemaViolation])
    /// `said`: the plugin's own words when it stopped for the deadline too
    /// (a provider names the endpoint and URL it was waiting on).
    case deadlineExceeded(tool: String, timeout: Double, elapsed: Double, said: String? = nil)
    case cancelled(tool: String)
    case nestingTooDeep(tool: String)
    case wouldDeadlock(tool: String, plugin: String)
    case invalidSchema(tool: String, field: String, String)
    case pluginNotActive(tool: String, plugin: String, status: PluginStatus)
    /// The worker process died of a signal during the call.
    case workerCrashed(tool: String, signal: Int32)
    /// The worker process exited (e.g. the plugin called exit()) during the call.
    case workerExited(tool: String, status: Int32)
    /// The worker sent bytes that are not a frame of the worker protocol (or
    /// a frame that makes no sense), so it was killed: `detail` says what.
    case workerBrokeProtocol(tool: String, plugin: String, detail: String)
    /// The call overran its deadline by the policy's grace and did not
    /// stop, so its worker was killed with SIGKILL.
    case deadlineKilled(tool: String, timeout: Double, elapsed: Double)
    /// The call was cancelled, did not stop within the grace, and its
    /// worker was killed with SIGKILL.
    case cancelKilled(tool: String)
    /// The plugin's worker could not be started (or died while starting).
    case workerUnavailable(tool: String, plugin: String, reason: String)
    /// Supervision disabled the plugin after repeated worker failures.
    case pluginDisabled(tool: String, plugin: String, reason: String)
    /// The plugin's status could not be read (see PluginStatusGate), so the
    /// call was refused: a plugin that may be disabled must not run.
    case pluginStatusUnknown(tool: String, plugin: String, reason: String)
    /// An agent asked to run inside a run (with a scope) while its plugin
    /// runs in a worker: kai.host.agent/1 is not relayed over the worker
    /// pipe in this version, so the agent was not invoked.
    case agentNeedsInProcess(agent: String, plugin: String, isolation: PluginIsolation)
    /// A ToolBackend failed on its own side (its server died, could not
    /// start, or supervision disabled it): `kind` says which, for scoring
    /// and supervision; `message` is the whole sentence the user sees.
    case backendFailed(tool: String, plugin: String, kind: ErrorKind, message: String)

    /// The ABI result code this error maps to, for call_tool from a plugin.
    public var code: ResultCode {
        switch self {
        case .toolNotFound, .providerNotFound, .ambiguousTool: .notFound
        case .argumentsNotJSON, .argumentsInvalid: .invalidInput
        case .pluginUnavailable, .wouldDeadlock, .pluginNotActive, .workerUnavailable, .pluginDisabled,
             .pluginStatusUnknown: .unavailable
        case .agentNeedsInProcess: .unsupported
        case .backendFailed(_, _, let kind, _):
            switch kind {
            case .workerUnavailable, .pluginDisabled, .pluginUnavailable: .unavailable
            case .deadlineKilled, .deadlineExceeded: .deadlineExceeded
            case .cancelKilled, .cancelled: .cancelled
            default: .internal
            }
        case .workerCrashed, .workerExited, .workerBrokeProtocol: .internal
        case .deadlineKilled: .deadlineExceeded
        case .cancelKilled: .cancelled
        case .toolFailed(_, let code, _, _): code
        case .invalidOutput, .outputTooLarge, .outputViolatesSchema, .nestingTooDeep, .invalidSchema: .internal
        case .deadlineExceeded: .deadlineExceeded
        case .cancelled: .cancelled
        }
    }

    public var description: String {
        switch self {
        case .toolNotFound(let name, let suggestion):
            let hint = suggestion.map { " Did you mean \"\($0)\"?" } ?? ""
            return "no tool named \"\(name)\".\(hint) Run 'kai tools list' to see the tools."
        case .providerNotFound(let name, let suggestion):
            let hint = suggestion.map { " Did you mean \"\($0)\"?" } ?? ""
            return "no provider named \"\(name)\".\(hint) Run 'kai providers list' to see the providers."
        case .ambiguousTool(let name, let plugins):
            let qualified = plugins.map { "\($0).\(name)" }.joined(separator: " or ")
            return "tool \"\(name)\" is defined by \(plugins.count) plugins (\(plugins.joined(separator: ", "))). Call it by its qualified name: \(qualified)."
        case .argumentsNotJSON(let tool, let error):
            return "arguments for \"\(tool)\" are not valid JSON: \(error.description)."
        case .argumentsInvalid(let tool, let violations):
            let lines = violations.map { "  \($0.description)" }.joined(separator: "\n")
            return "arguments for \"\(tool)\" do not match its input schema:\n\(lines)\nRun 'kai tools describe \(tool)' to see the schema."
        case .pluginUnavailable(let tool, let error):
            return "tool \"\(tool)\" is unavailable: \(error.description)"
        case .toolFailed(let tool, let code, let details, _):
            return "tool \"\(tool)\" failed (\(code)): \(details)"
        case .invalidOutput(let tool, let error):
            return "tool \"\(tool)\" returned invalid JSON: \(error.description). This is a bug in the plugin."
        case .outputTooLarge(let tool, let limit):
            return "tool \"\(tool)\" returned more than the \(Self.bytes(limit)) output cap; the result was dropped. This is a bug in the plugin: a result must fit the cap (a larger result must be split or written elsewhere)."
        case .outputViolatesSchema(let tool, let violations):
            let lines = violations.map { "  \($0.description)" }.joined(separator: "\n")
            return "tool \"\(tool)\" returned a result that does not match its output schema (a bug in the plugin):\n\(lines)"
        case .deadlineExceeded(let tool, let timeout, let elapsed, let said):
            return "tool \"\(tool)\" passed its deadline of \(Self.seconds(timeout)) (stopped after \(Self.seconds(elapsed)))"
                + (said.map { ": \($0)." } ?? ".")
        case .cancelled(let tool):
            return "tool \"\(tool)\" was cancelled."
        case .nestingTooDeep(let tool):
            return "tool \"\(tool)\" was not called: tool calls nest deeper than \(CallContext.maxDepth) levels."
        case .pluginNotActive(let tool, let plugin, let status):
            return "tool \"\(tool)\" is unavailable: the operator set plugin \(plugin) to \(status.rawValue). Set its status to active in the configuration to use it."
        case .invalidSchema(let tool, let field, let detail):
            return "tool \"\(tool)\" cannot be called: its \(field) is not a valid JSON Schema (\(detail)). This is a bug in the plugin."
        case .wouldDeadlock(let tool, let plugin):
            return "tool \"\(tool)\" was not called: plugin \(plugin) runs its calls one at a time and is already busy in this call chain."
        case .workerCrashed(let tool, let signal):
            return "tool \"\(tool)\" failed: its worker process was killed by \(WorkerExit.describe(signal: signal)) during the call. The host is unaffected; the next call starts a fresh worker."
        case .workerExited(let tool, let status):
            return "tool \"\(tool)\" failed: its worker process exited with status \(status) during the call. The host is unaffected; the next call starts a fresh worker."
        case .workerBrokeProtocol(let tool, let plugin, let detail):
            return "tool \"\(tool)\" failed: plugin \(plugin) broke the worker protocol (\(detail)), so its worker process was killed. "
                + "A plugin must never write to the worker's descriptors 3 and 4. The next call starts a fresh worker."
        case .deadlineKilled(let tool, let timeout, let elapsed):
            return "tool \"\(tool)\" passed its deadline of \(Self.seconds(timeout)) and did not stop; its worker process was killed (SIGKILL) after \(Self.seconds(elapsed)). The next call starts a fresh worker."
        case .cancelKilled(let tool):
            return "tool \"\(tool)\" was cancelled and did not stop; its worker process was killed (SIGKILL). The next call starts a fresh worker."
        case .workerUnavailable(let tool, let plugin, let reason):
            return "tool \"\(tool)\" is unavailable: the worker process of plugin \(plugin) \(reason)"
        case .pluginDisabled(let tool, let plugin, let reason):
            return "tool \"\(tool)\" is unavailable: plugin \(plugin) was disabled because \(reason). Fix the plugin, then run 'kai plugins enable \(plugin)'."
        case .pluginStatusUnknown(let tool, let plugin, let reason):
            return "cannot read the status of plugin \(plugin) in the registry, so the call of \(tool) was refused "
                + "(a plugin supervision disabled must not run): \(reason)"
        case .agentNeedsInProcess(let agent, let plugin, let isolation):
            return "agent \"\(agent)\" was not run: agents run in-process in this version, and plugin \(plugin) runs under "
                + "isolation: \(isolation.rawValue). Set \"isolation: inprocess\" in the operator config's entry for id \(plugin) to run it."
        case .backendFailed(_, _, _, let message):
            return message
        }
    }

    /// "16 MiB (16777216 bytes)", or "1000 bytes" when not whole MiB.
    private static func bytes(_ value: Int) -> String {
        value >= 1 << 20 && value % (1 << 20) == 0 ? "\(value >> 20) MiB (\(value) bytes)" : "\(value) bytes"
    }

    private static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.3f s", value) : String(format: "%.1f s", value)
    }

    /// The case, as a typed kind: what scoring, supervision and the call
    /// log switch on (its raw value is what the registry stores).
    public var kind: ErrorKind {
        switch self {
        case .toolNotFound: .toolNotFound
        case .providerNotFound: .providerNotFound
        case .ambiguousTool: .ambiguousTool
        case .argumentsNotJSON: .argumentsNotJSON
        case .argumentsInvalid: .argumentsInvalid
        case .pluginUnavailable: .pluginUnavailable
        case .toolFailed: .toolFailed
        case .invalidOutput: .invalidOutput
        case .outputTooLarge: .outputTooLarge
        case .outputViolatesSchema: .outputViolatesSchema
        case .deadlineExceeded: .deadlineExceeded
        case .cancelled: .cancelled
        case .nestingTooDeep: .nestingTooDeep
        case .wouldDeadlock: .wouldDeadlock
        case .invalidSchema: .invalidSchema
        case .pluginNotActive: .pluginNotActive
        case .workerCrashed: .workerCrashed
        case .workerExited: .workerExited
        case .workerBrokeProtocol: .workerBrokeProtocol
        case .deadlineKilled: .deadlineKilled
        case .cancelKilled: .cancelKilled
        case .workerUnavailable: .workerUnavailable
        case .pluginDisabled: .pluginDisabled
        case .pluginStatusUnknown: .pluginStatusUnknown
        case .agentNeedsInProcess: .agentNeedsInProcess
        case .backendFailed(_, _, let kind, _): kind
        }
    }

    /// The server's Retry-After, in seconds, when the provider reported one
    /// (its details' "retry_after_s", on 429 and 503); nil otherwise.
    public var retryAfterSeconds: Int? {
        if case .toolFailed(_, _, _, let hints) = self { return hints.retryAfterSeconds }
        return nil
    }

    /// The HTTP status the provider's server answered with, when it said (its details' "http_status").
    public var httpStatus: Int? {
        if case .toolFailed(_, _, _, let hints) = self { return hints.httpStatus }
        return nil
    }

    /// Error details in the ABI's JSON form, for call_tool's output sink.
    var detailsJSON: [UInt8] {
        JSONValue.object(["message": .string(description), "code": .string(code.description)]).serializedBytes()
    }
}

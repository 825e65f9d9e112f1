import KaiJSON
import Logging

/// Which events a capability may send through kai_call.events, by its kind
/// and the ABI minor its plugin negotiated (kai_events.h, kai_agent.h).
/// Event types are closed per minor: what a plugin may not send is dropped
/// before the caller sees it.
///
///   agent, minor >= 2: PROGRESS, USAGE, TEXT_DELTA, STEP (a JSON object);
///   agent, minor < 2:  PROGRESS, USAGE;
///   tool, provider:    as before ABI 1.2 (everything but STEP).
struct EventRules: Sendable {
    let kind: Capability.Kind
    let minor: Int64
    let name: String
    let plugin: String
    let logger: Logger

    init(capability: Capability, plugin: LoadedPlugin, name: String, logger: Logger) {
        self.kind = capability.kind
        self.minor = plugin.manifest.abiMinor
        self.name = name
        self.plugin = plugin.id
        self.logger = logger
    }

    func admits(_ event: ToolEvent) -> Bool {
        switch (kind, event) {
        case (_, .progress), (_, .usage): true
        case (.agent, .textDelta): minor >= 2
        case (.agent, .step(let value)):
            minor >= 2 && isObject(value)
        case (.agent, .toolCallDelta): false
        case (_, .step): false
        case (_, .textDelta), (_, .toolCallDelta): true
        }
    }

    /// `handler` behind these rules.
    func filter(_ handler: @escaping ToolEventHandler) -> ToolEventHandler {
        { [self] event in admits(event) ? handler(event) : .continue }
    }

    private func isObject(_ value: JSONValue) -> Bool {
        if case .object = value { return true }
        logger.warning("dropped a STEP event of \(name) that is not a JSON object (agent-step.schema.json)",
                       metadata: ["plugin": .string(plugin)])
        return false
    }
}

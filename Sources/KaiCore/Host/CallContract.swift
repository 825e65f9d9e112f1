import CKaiABI

/// What the host checks a call's input and output against: a tool's own
/// schemas from its manifest, or, for a provider or an agent, its
/// contract's schemas (kai_provider.h, kai_agent.h) for the operation asked.
struct CallContract {
    let input: LazySchema
    let output: LazySchema

    private static let none = LazySchema(nil)

    /// Agents of minor 2 and later answer to the agent contract
    /// (kai_agent.h); older agents predate it and keep their own schemas.
    init(capability: Capability, operation: UInt32, abiMinor: Int64) {
        switch (capability.kind, operation) {
        case (.agent, _) where abiMinor >= 2:
            input = AgentSchemas.input
            output = AgentSchemas.output
        case (.provider, KAI_OP_LIST_MODELS):
            input = Self.none
            output = ProviderSchemas.models
        case (.provider, _):
            input = ProviderSchemas.request
            output = ProviderSchemas.response
        default:
            input = capability.inputValidator
            output = capability.outputValidator
        }
    }
}

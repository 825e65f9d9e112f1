import CKaiABI

/// What the host checks a call's input and output against: a tool's own
/// schemas from its manifest, or, for a provider, the provider contract's
/// schemas (kai_provider.h) for the operation asked.
struct CallContract {
    let input: LazySchema
    let output: LazySchema

    private static let none = LazySchema(nil)

    init(capability: Capability, operation: UInt32) {
        switch (capability.kind, operation) {
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

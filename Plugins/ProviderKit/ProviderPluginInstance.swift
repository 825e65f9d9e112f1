import CKaiABI

/// What ProviderEntry needs of an HTTP provider plugin's instance: the one
/// provider it serves, how to make one from the host's table, and the two
/// operations of the provider contract (kai_provider.h).
///
/// A protocol because the plugins' C callbacks cannot be generic: each stays
/// a one-line non-capturing closure naming its concrete instance type, and
/// ProviderEntry<Instance> does the work once for all of them.
package protocol ProviderPluginInstance: AnyObject, Sendable {
    /// The provider capability's name, e.g. "openai"; a call for any other
    /// name is refused.
    static var capabilityName: String { get }
    init(host: UnsafePointer<kai_host>) throws(ProviderError)
    /// KAI_OP_INVOKE: one chat answer, streamed when the call has a sink.
    func chat(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result
    /// KAI_OP_LIST_MODELS: the models the configured endpoints serve.
    func listModels(_ call: UnsafePointer<kai_call>, output: OutputSink) -> kai_result
}

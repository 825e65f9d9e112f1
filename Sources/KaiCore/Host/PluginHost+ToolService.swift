import CKaiABI
import KaiJSON

extension PluginHost {
    /// kai_host.call_tool: a plugin calling another tool within `parent`.
    /// Inside a run the run decides (AgentScope.callTool, without a call id):
    /// the approval gate applies to every plugin's tool calls there.
    func callFromPlugin(name: String, arguments: [UInt8], parent: CallContext, output: UnsafePointer<kai_output>?) -> kai_result {
        // A plugin's arguments came from a plugin: its secret must reach
        // neither the tool it calls (another plugin's, perhaps) nor the
        // registry (payload logging).
        let arguments = scrubber.scrubJSON(arguments)
        if let scope = parent.scope {
            let result = scope.callTool(callID: "", name: name, arguments: arguments, parent: parent.parentCall, onEvent: nil)
            return AgentExtension.answer(result, output)
        }
        do throws(CallError) {
            let entry = try tools.resolve(name)
            let remaining = parent.deadline == MonotonicClock.noDeadline ? nil : Double(parent.deadline - MonotonicClock.now()) / 1e9
            let result = try observed(entry, arguments: arguments, taskType: nil, depth: parent.depth + 1) { () throws(CallError) in
                try invoke(entry, arguments: arguments, deadline: parent.deadline, timeout: remaining,
                           cancellation: parent.cancellation, parent: parent, outputLimit: 16 << 20, onEvent: nil)
            }
            guard let output, let write = output.pointee.write else { return KAI_OK }
            return result.json.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { write(output, $0.baseAddress, $0.count) }
            }
        } catch {
            return HostServices.fail(output, error.code, error.scrubbed(by: scrubber).description)
        }
    }
}

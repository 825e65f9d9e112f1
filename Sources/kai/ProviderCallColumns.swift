import Foundation
import KaiRegistry

/// How `kai logs` shows what a provider call used: "local/smollm2",
/// "12 tok" in and out, "$0.000120", "ttft 45 ms". Nil for tool calls.
struct ProviderCallColumns {
    let name: String
    let input: String?
    let output: String?
    let cost: String
    let timeToFirstToken: String

    init?(_ row: CallLogRecord) {
        guard row.kind == "provider" else { return nil }
        // Capabilities are logged qualified ("dev.kai.local.local"); people
        // name a provider by its capability and model ("local/smollm2").
        let prefix = row.plugin + "."
        let capability = row.tool.hasPrefix(prefix) ? String(row.tool.dropFirst(prefix.count)) : row.tool
        name = row.model.map { capability + "/" + $0 } ?? capability
        input = row.inputTokens.map { "\($0) tok" }
        output = row.outputTokens.map { "\($0) tok" }
        cost = row.costUsd.map { String(format: "$%.6f", $0) } ?? "-"
        timeToFirstToken = row.ttftNs.map { RegistryScores.duration(Double($0) / 1e9) } ?? "-"
    }
}

import Foundation
import KaiCore
import KaiEval
import KaiJSON

/// What a generation run did, for stderr and the JSON summary.
enum GenerationReport {
    static func text(_ summary: GenerationSummary, samplesPath: String) -> String {
        let perSample = summary.generated > 0 ? summary.elapsed / Double(summary.generated) : 0
        var text = "kai eval: generated \(summary.generated) samples in "
            + String(format: "%.1f s (%.2f s per sample)", summary.elapsed, perSample)
        if summary.alreadyThere > 0 { text += "; \(summary.alreadyThere) were already in \(samplesPath)" }
        if !summary.failures.isEmpty {
            text += "; \(summary.failures.count) failed twice and are not in \(samplesPath) (run again with --resume to retry them):"
            for failure in summary.failures.prefix(10) {
                text += "\n  \(failure.taskID) sample \(failure.sampleIndex): \(failure.message)"
            }
            if summary.failures.count > 10 { text += "\n  ... and \(summary.failures.count - 10) more" }
        }
        return TerminalText.visible(text)
    }

    static func json(_ summary: GenerationSummary) -> JSONValue {
        [
            "generated": .integer(Int64(summary.generated)), "already_there": .integer(Int64(summary.alreadyThere)),
            "failed": .integer(Int64(summary.failures.count)), "elapsed_s": .number(summary.elapsed),
        ]
    }
}

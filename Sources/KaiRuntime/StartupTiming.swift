import Foundation
import KaiCore

/// KAI_TIMING=1 reports how long each start-up phase took, as notices.
final class StartupTiming {
    let enabled: Bool
    private let diagnostics: any RuntimeDiagnostics
    private var last = MonotonicClock.now()

    init(enabled: Bool, diagnostics: any RuntimeDiagnostics) {
        self.enabled = enabled
        self.diagnostics = diagnostics
    }

    func mark(_ phase: String) {
        guard enabled else { return }
        let now = MonotonicClock.now()
        diagnostics.notice(String(format: "kai: timing: %@ %.2f ms", phase, Double(now - last) / 1e6))
        last = now
    }
}

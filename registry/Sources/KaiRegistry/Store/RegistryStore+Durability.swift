import Foundation
import KaiCore

/// Calls a store was given but could not write (disk full, read-only file,
/// lock held past the busy timeout, damaged file): their batch was dropped.
public struct LostCalls: Error, Sendable, Equatable {
    /// How many calls were dropped, in every failed batch so far.
    public var count = 0
    /// The qualified names of the first few dropped calls, for the message.
    public var tools: [String] = []
    /// Why the latest batch could not be written.
    public var cause: StoreError?

    mutating func add(_ reports: [CallReport], cause: StoreError) {
        count += reports.count
        for report in reports where tools.count < 3 && !tools.contains(report.tool) { tools.append(report.tool) }
        self.cause = cause
    }
}

extension RegistryStore {
    /// Writes every queued call now and throws if any call this store was
    /// given was dropped, now or by an earlier batch (a timed flush while a
    /// long call ran, say). A process that acknowledges calls — the CLI
    /// before it exits 0 — calls this instead of `flush()`, so a record that
    /// could not be written is never lost silently. Each dropped call is
    /// thrown once: a long-lived host's next flush starts a fresh count.
    public func flushDurably() throws(LostCalls) {
        flushing.withLock { _ in _ = writePending() }
        let dropped = lost.withLock { counted in
            defer { counted = LostCalls() }
            return counted
        }
        if dropped.count > 0 { throw dropped }
    }

    /// Writes the queue in one transaction; on failure the calls are dropped,
    /// counted in `lost`, and the error returned.
    func writePending() -> StoreError? {
        let reports = pending.withLock { queue -> [CallReport] in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        guard !reports.isEmpty else { return nil }
        do {
            try write(reports)
            return nil
        } catch {
            let what = reports.count == 1 ? "record a call of '\(reports[0].tool)'" : "record \(reports.count) calls"
            let wrapped = wrapping(error, doing: what)
            lost.withLock { $0.add(reports, cause: wrapped) }
            return wrapped
        }
    }
}

import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Synchronization

/// Hosts whose plugins run in kai-plugin-worker processes.
enum Workers {
    static let executable = Fixtures.buildDirectory + "/kai-plugin-worker"

    static func policy(
        maxFailures: Int = 5, backoffBase: Double = 0.01, killGrace: Double = 0.2, addressSpaceBytes: UInt64 = 4 << 30
    ) -> WorkerPolicy {
        WorkerPolicy(executable: executable, addressSpaceBytes: addressSpaceBytes, maxFailures: maxFailures,
                     killGrace: killGrace, backoffBase: backoffBase)
    }

    /// A host running `path` with isolation: process (the manifest is read
    /// in-process: these fixtures are benign until a tool is called).
    static func host(_ path: String, policy: WorkerPolicy = policy(), config: JSONValue = .object([:]),
                     observer: (any CallObserver)? = nil) -> PluginHost {
        let settings = PluginSettings(config: config, isolation: .process, worker: policy)
        return PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, settings: settings)]),
                               observer: observer, scanning: .inProcess)
    }

    /// Whether a process with this id still exists (zombies count as gone:
    /// the host reaps its workers).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0
    }
}

final class Recorder: CallObserver {
    let reports = Mutex<[CallReport]>([])
    let disabled = Mutex<[(String, String)]>([])
    func callFinished(_ report: CallReport) { reports.withLock { $0.append(report) } }
    func pluginDisabled(id: String, reason: String) { disabled.withLock { $0.append((id, reason)) } }
}

/// What `kai plugins validate` needs to watch a `process` plugin's worker
/// beyond what a caller sees. Package-only: hosts have no use for it.
extension PluginHost {
    /// Starts the plugin's worker (entry, describe() and create() with its
    /// effective config) without calling a tool; a no-op when it runs.
    package func startWorker(_ plugin: LoadedPlugin) throws(CallError) {
        guard let supervisor = plugin.supervisor else { return }
        let connection: WorkerConnection
        do {
            connection = try supervisor.acquire(host: self, plugin: plugin, tool: "(start)", deadline: MonotonicClock.noDeadline)
        } catch {
            // create() may echo the secret it was given.
            throw error.scrubbed(by: scrubber)
        }
        supervisor.release(connection, answered: true)
    }

    /// How the plugin's idle worker ended, if it has since its last call
    /// (recorded as a failure); nil while it runs or without a worker.
    package func reapIdleWorker(_ plugin: LoadedPlugin) -> WorkerExit? {
        plugin.supervisor?.reapIfEnded(host: self)
    }
}

extension LoadedPlugin {
    /// Bytes the plugin wrote to its workers' stdout (fd 1), over all of
    /// them, up to now: every byte written before a call returned is in it.
    /// 0 in-process (not observed).
    package var workerStdoutBytes: Int { supervisor?.stdoutBytesNow ?? 0 }
}

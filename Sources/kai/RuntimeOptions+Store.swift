import ArgumentParser
import KaiRegistry
import KaiRuntime

extension RuntimeOptions {
    /// The registry store alone, for commands that read or vote on records
    /// (`kai sessions`, `kai approvals`, `kai logs prune`): no plugin loads,
    /// so another user approving a call needs only the config and the
    /// database, not the plugins.
    func openStore() throws -> RegistryStore {
        do throws(RuntimeError) {
            let config = try KaiRuntime.loadConfig(settings: settings, environment: environment)
            return try KaiRuntime.openStore(config, settings: settings, environment: environment)
        } catch {
            throw RuntimeFailure.exit(error)
        }
    }
}

/// A store query's failure as kai's exit: the message (it names the file
/// and the fix, never row contents) and 74.
func storeFailure(_ error: StoreError) -> ExitCode {
    ExitCodes.fail(error.description, error.code == .notFound ? ExitCodes.notFound : ExitCodes.store)
}

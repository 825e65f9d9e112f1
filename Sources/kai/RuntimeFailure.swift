import ArgumentParser
import KaiRuntime

/// The runtime library's errors as kai's exit statuses and messages.
enum RuntimeFailure {
    /// Prints the error and gives the status for its kind.
    static func exit(_ error: RuntimeError) -> ExitCode {
        switch error {
        case .config: ExitCodes.fail(error.description, ExitCodes.config)
        case .store: ExitCodes.fail(error.description, ExitCodes.store)
        case .callsLost: ExitCodes.fail(error.description, error.isDamagedStore ? ExitCodes.store : ExitCodes.notRecorded)
        }
    }
}

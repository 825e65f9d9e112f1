import KaiRegistry

/// Why a runtime could not be opened, or why it could not keep what it was
/// given. Each kind is its own case so an embedder can map it (the CLI: to
/// its exit statuses); `description` is the message for the operator.
public enum RuntimeError: Error, Sendable, CustomStringConvertible {
    /// The operator config is missing (from --config or KAI_CONFIG), cannot
    /// be written (the default on first use), or is invalid.
    case config(ConfigError)
    /// The registry database cannot be opened.
    case store(StoreError)
    /// Calls ran but their records could not be written to the registry at
    /// `database` and are lost.
    case callsLost(LostCalls, database: String)

    public var description: String {
        switch self {
        case .config(let error): error.description
        case .store(let error): error.description
        case .callsLost(let lost, let database): LostCallsMessage.text(lost, database: database)
        }
    }

    /// True when the lost records' cause is a damaged database file (the
    /// fix is `kai registry recover`, not a retry).
    public var isDamagedStore: Bool {
        switch self {
        case .store(let error): error.cause == .damaged
        case .callsLost(let lost, _): lost.cause?.cause == .damaged
        case .config: false
        }
    }
}

/// The registry: which plugins run (operator config), what they can do and
/// how well they do it (the SQLite store), and how that becomes a score.
public enum Registry {
    /// The store's schema version this build writes (see StoreMigrations).
    public static let name = "kai-registry"
}

/// The operator config's `router:` section: which providers the router may
/// pick, their tiers and fallback chains, and the circuit breaker's limits.
/// Without the section the router knows one target, `local` (the embedded
/// model), so a fresh `kai prompt "hi"` still works offline.
public struct RouterConfig: Sendable, Equatable {
    /// How hop failures open a target's circuit and how it closes again.
    public struct Breaker: Sendable, Equatable {
        /// Hop failures within `windowSeconds` that open the circuit.
        public var failures: Int = 5
        public var windowSeconds: Double = 60
        /// How long an open circuit refuses calls before one probe may pass.
        public var cooldownSeconds: Double = 30
        /// Consecutive probe successes that close a half-open circuit.
        public var successes: Int = 2

        public init(failures: Int = 5, windowSeconds: Double = 60, cooldownSeconds: Double = 30, successes: Int = 2) {
            self.failures = failures
            self.windowSeconds = windowSeconds
            self.cooldownSeconds = cooldownSeconds
            self.successes = successes
        }
    }

    /// What a high-risk request (--risk high) may use: only `strong` targets.
    public enum Tier: String, Sendable, CaseIterable {
        case strong
        case standard
    }

    /// One routable provider, "provider" or "provider/model" as -m takes it.
    public struct Target: Sendable, Equatable {
        public var name: String
        public var tier: Tier
        /// Tried in order when this target fails in a way worth a retry elsewhere.
        public var fallbacks: [String]
        /// Where the entry starts in the config file.
        public var position: SourcePosition?

        public init(name: String, tier: Tier = .standard, fallbacks: [String] = [], position: SourcePosition? = nil) {
            self.name = name
            self.tier = tier
            self.fallbacks = fallbacks
            self.position = position
        }

        /// "openai/gpt-4o" → "openai".
        public var provider: String {
            name.firstIndex(of: "/").map { String(name[..<$0]) } ?? name
        }
    }

    public var breaker: Breaker
    /// In the config's order, which breaks ties in the ranking.
    public var targets: [Target]
    /// False when the config has no `router:` section (the default applies).
    public var isConfigured: Bool

    public init(breaker: Breaker = Breaker(), targets: [Target] = [Target(name: "local")], isConfigured: Bool = false) {
        self.breaker = breaker
        self.targets = targets
        self.isConfigured = isConfigured
    }

    /// The entry for `name`: the exact target, else the one naming its
    /// provider part ("openai/gpt-4o-mini" → an entry "openai").
    public func target(named name: String) -> Target? {
        if let exact = targets.first(where: { $0.name == name }) { return exact }
        let provider = name.firstIndex(of: "/").map { String(name[..<$0]) } ?? name
        return targets.first { $0.name == provider }
    }
}

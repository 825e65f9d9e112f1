extension PluginHost {
    /// Every loaded plugin's secret values and their placeholders, for a
    /// host that relays plugin text of its own (a drained descriptor, say):
    /// `secretScrubber.stream()` scrubs it piece by piece.
    public var secretScrubber: SecretScrubber { scrubber }
}

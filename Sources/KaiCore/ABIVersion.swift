import CKaiABI

/// The plugin ABI this host speaks: major 1, and the newest minor it knows.
public enum ABIVersion {
    public static let major = UInt32(KAI_ABI_MAJOR)
    public static let minor = UInt32(KAI_ABI_MINOR)
    /// The entry symbol for this host's major, e.g. "kai_plugin_entry_v1".
    public static let entrySymbol = "kai_plugin_entry_v\(major)"
}

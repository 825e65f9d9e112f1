import KaiCore

/// A plugin's status as discovery and `status()` see it: the operator's
/// `PluginStatus` (config or `kai plugins enable|disable`), unless the plugin
/// failed to load, which wins.
public enum EffectivePluginStatus: String, Sendable, CaseIterable, Codable, Comparable {
    case active, inactive, maintenance, deprecated, failed

    public init(_ status: PluginStatus) {
        switch status {
        case .active: self = .active
        case .inactive: self = .inactive
        case .maintenance: self = .maintenance
        case .deprecated: self = .deprecated
        }
    }

    public static func < (lhs: EffectivePluginStatus, rhs: EffectivePluginStatus) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

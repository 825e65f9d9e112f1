import KaiCore

extension RegistryStore {
    /// The provider capability `name` designates, as `kai prompt -m` takes
    /// it: a capability name ("local") or a qualified one
    /// ("dev.kai.local.local"). A plugin's own capability wins over a
    /// placeholder (a capability `ensureCapability` made up for something
    /// that was never a plugin's). Nil when none, or several, match.
    public func providerCapabilityID(named name: String) throws(StoreError) -> Int64? {
        do {
            return try backend.read { db in
                let rows = try db.rows(
                    """
                    SELECT c.id, c.plugin_id || '.' || c.name = ?, p.path <> ''
                    FROM capabilities c JOIN plugins p ON p.id = c.plugin_id
                    WHERE c.kind = 'provider' AND (c.name = ? OR c.plugin_id || '.' || c.name = ?)
                    """, name, name, name)
                let candidates = try rows.map {
                    (id: try $0.get(0, as: Int64.self), qualified: try $0.get(1, as: Bool.self), plugin: try $0.get(2, as: Bool.self))
                }
                if let qualified = candidates.first(where: \.qualified) { return qualified.id }
                let real = candidates.filter(\.plugin)
                if real.count == 1 { return real[0].id }
                return real.isEmpty && candidates.count == 1 ? candidates[0].id : nil
            }
        } catch {
            throw wrapping(error, doing: "look up provider '\(name)'")
        }
    }
}

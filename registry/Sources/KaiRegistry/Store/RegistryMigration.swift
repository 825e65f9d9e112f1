import Foundation

/// `kai registry migrate --to postgres://…`: copies a SQLite registry into
/// an empty PostgreSQL one, every table and every row, ids kept, in one
/// transaction on each side (a failed copy leaves the target empty).
public enum RegistryMigration {
    /// Parents before children, so foreign keys hold at every insert.
    public static let tables = [
        "plugins", "capabilities", "capability_tags", "performance_records", "capability_stats", "peer_latency",
        "call_log", "scan_cache", "provider_breakers", "sessions", "session_events", "approvals", "approval_votes",
        "mcp_tools",
    ]
    /// Tables whose ids PostgreSQL numbers: their sequences move past the copied ids.
    static let identityTables = ["capabilities", "performance_records", "call_log"]
    static let pageSize = 5000

    /// Copies every row of `source` into `target`.
    ///
    /// - Returns: rows copied per table, in `tables` order.
    /// - Throws: `.invalidArgument` when the target is not PostgreSQL or
    ///   already holds rows; `.database` when a read or write fails.
    public static func copy(from source: RegistryStore, to target: RegistryStore) throws(StoreError) -> [(table: String, rows: Int)] {
        guard target.isPostgres, !source.isPostgres else {
            throw StoreError(.invalidArgument, "registry: migrate copies a SQLite registry into PostgreSQL; give a SQLite file as the source and a postgres:// URL as --to")
        }
        source.flush()
        do {
            return try source.backend.read { from in
                try target.backend.write { to in
                    try refuseNonEmpty(to, target: target.path)
                    var copied: [(String, Int)] = []
                    for table in tables { copied.append((table, try copyTable(table, from: from, to: to))) }
                    for table in identityTables {
                        _ = try to.rows("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE((SELECT MAX(id) FROM \(table)), 0) + 1, false)")
                    }
                    return copied
                }
            }
        } catch {
            throw StoreError.wrapping(error, doing: "copy \(source.path) into \(target.path)")
        }
    }

    private static func refuseNonEmpty(_ db: any SQLConnection, target: String) throws {
        for table in tables where try db.scalar("SELECT EXISTS (SELECT 1 FROM \(table))", as: Bool.self) == true {
            throw StoreError(.invalidArgument, "registry: \(target) already holds a registry (table \(table) has rows); migrate into an empty database (createdb a new one, or drop its tables)")
        }
    }

    /// Pages through the source table, inserting many rows per statement.
    private static func copyTable(_ table: String, from: any SQLConnection, to: any SQLConnection) throws -> Int {
        var offset = 0
        while true {
            let rows = try from.rows("SELECT * FROM \(table) LIMIT ? OFFSET ?", pageSize, offset)
            guard let first = rows.first else { return offset }
            let columns = first.columns.names
            // PostgreSQL takes at most 65535 parameters per statement.
            let perInsert = max(1, min(500, 65535 / columns.count))
            var start = 0
            while start < rows.count {
                let chunk = rows[start ..< min(start + perInsert, rows.count)]
                let marks = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
                let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                    + Array(repeating: marks, count: chunk.count).joined(separator: ", ")
                try to.execute(sql, chunk.flatMap(\.values))
                start += chunk.count
            }
            offset += rows.count
            if rows.count < pageSize { return offset }
        }
    }
}

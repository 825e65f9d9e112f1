/// Rows bound for one table inside a write transaction: inserted one
/// statement per row on SQLite (a function call each, prepared once), many
/// rows per statement on PostgreSQL, where every statement is a round trip
/// to the server. Rows keep their order (and so their ids' order).
struct InsertBuffer {
    let table: String
    let columns: [String]
    private var rows: [[SQLValue]] = []
    /// Statements of 64, 32, ... 1 rows: at most seven shapes per table to
    /// prepare, however many rows a batch has.
    static let sizes = [64, 32, 16, 8, 4, 2, 1]

    init(table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    mutating func add(_ db: any SQLConnection, _ values: [SQLValue]) throws {
        guard db.dialect == .postgres else {
            try db.execute(sql(rows: 1), values)
            return
        }
        rows.append(values)
        if rows.count == Self.sizes[0] { try flush(db) }
    }

    /// Writes what is buffered; call before the transaction reads these rows or commits.
    mutating func flush(_ db: any SQLConnection) throws {
        var start = 0
        for size in Self.sizes {
            while rows.count - start >= size {
                try db.execute(sql(rows: size), rows[start ..< start + size].flatMap { $0 })
                start += size
            }
        }
        rows.removeAll(keepingCapacity: true)
    }

    private func sql(rows count: Int) -> String {
        let marks = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: marks, count: count).joined(separator: ", ")
    }
}

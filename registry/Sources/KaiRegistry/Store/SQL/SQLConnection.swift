/// Which SQL a backend speaks, where the two differ.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// One database connection, inside a `StoreBackend` read or write. SQL is
/// written with `?` placeholders for both dialects; statements are
/// prepared once per connection and reused.
///
/// Thread rule: only inside the read/write closure that handed it out.
protocol SQLConnection {
    var dialect: SQLDialect { get }

    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int

    /// Runs a query; returns every row.
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLConnection {
    @discardableResult
    func execute(_ sql: String, _ arguments: (any SQLBindable)?...) throws -> Int {
        try execute(sql, sqlValues(arguments))
    }

    func rows(_ sql: String, _ arguments: (any SQLBindable)?...) throws -> [SQLRow] {
        try rows(sql, sqlValues(arguments))
    }

    /// The first row, or nil.
    func row(_ sql: String, _ arguments: (any SQLBindable)?...) throws -> SQLRow? {
        try rows(sql, sqlValues(arguments)).first
    }

    /// The first column of the first row, nil when there is no row or it is NULL.
    func scalar<T: SQLDecodable>(_ sql: String, _ arguments: (any SQLBindable)?..., as type: T.Type = T.self) throws -> T? {
        guard let row = try rows(sql, sqlValues(arguments)).first else { return nil }
        return try row.get(0, as: T?.self)
    }

    func scalar<T: SQLDecodable>(_ sql: String, _ arguments: [SQLValue], as type: T.Type = T.self) throws -> T? {
        guard let row = try rows(sql, arguments).first else { return nil }
        return try row.get(0, as: T?.self)
    }

    /// `JOIN`, spelled so SQLite keeps the left table outside (CROSS JOIN
    /// fixes its join order); PostgreSQL plans joins itself and has no
    /// CROSS JOIN ... ON.
    var orderedJoin: String { dialect == .sqlite ? "CROSS JOIN" : "JOIN" }
}

/// Where the store's tables live: SQLite (GRDB) or PostgreSQL (libpq).
///
/// Thread rule: any thread. `read` runs `body` on a connection of its own;
/// `write` runs it in a transaction that excludes every other writer of the
/// same registry (SQLite's write lock; a PostgreSQL advisory lock), so a
/// read-modify-write inside it sees no other writer's commit.
protocol StoreBackend: Sendable {
    var dialect: SQLDialect { get }
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T
}

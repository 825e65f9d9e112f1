import Foundation
import GRDB
import GRDBSQLite

/// The SQLite backend: GRDB's pool of one writer and several readers over a
/// WAL file. Statements go through each connection's statement cache.
struct SQLiteBackend: StoreBackend {
    let pool: DatabasePool
    var dialect: SQLDialect { .sqlite }

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteConnection(db: db)) }
    }

    /// An IMMEDIATE transaction: it takes SQLite's write lock at BEGIN, so
    /// a transaction that reads then writes never fails to upgrade its lock.
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(SQLiteConnection(db: db))
                return .commit
            }
            return result!
        }
    }
}

/// One GRDB connection seen through SQLConnection.
struct SQLiteConnection: SQLConnection {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let statement = try db.cachedStatement(sql: sql)
        try statement.execute(arguments: StatementArguments(arguments.map(Self.databaseValue)))
        return db.changesCount
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments.map(Self.databaseValue)))
        var rows: [SQLRow] = []
        // Names read after the first step: SQLite re-prepares a statement
        // whose schema changed (a migration by another connection), and
        // `SELECT *` may then have more columns than when it was prepared.
        // (GRDB caches a statement's names at first use, so they are read
        // from SQLite here.)
        var columns: SQLColumns?
        let raw = statement.sqliteStatement
        while try cursor.next() != nil {
            let count = sqlite3_column_count(raw)
            if columns == nil { columns = SQLColumns((0 ..< count).map { String(cString: sqlite3_column_name(raw, $0)) }) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for index in 0 ..< count { values.append(Self.sqlValue(DatabaseValue(sqliteStatement: raw, index: index))) }
            rows.append(SQLRow(columns: columns!, values: values))
        }
        return rows
    }

    static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .int(let v): v.databaseValue
        case .double(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .blob(let v): v.databaseValue
        }
    }

    static func sqlValue(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let v): .int(v)
        case .double(let v): .double(v)
        case .string(let v): .text(v)
        case .blob(let v): .blob(v)
        }
    }
}

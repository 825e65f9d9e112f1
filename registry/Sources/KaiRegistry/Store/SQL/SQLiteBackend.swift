import Foundation
import GRDB

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
        let columns = SQLColumns(statement.columnNames)
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments.map(Self.databaseValue)))
        var rows: [SQLRow] = []
        while let row = try cursor.next() {
            var values: [SQLValue] = []
            values.reserveCapacity(row.count)
            for value in row.databaseValues { values.append(Self.sqlValue(value)) }
            rows.append(SQLRow(columns: columns, values: values))
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

/// One result row: values by position, and by column name through the
/// statement's shared column list.
public struct SQLRow: Sendable {
    let columns: SQLColumns
    public let values: [SQLValue]

    public var count: Int { values.count }

    /// The value at `index`, as `T`; throws when it is NULL or of another type.
    public func get<T: SQLDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard let value = T.decode(values[index]) else { throw SQLDecodingError(column: columns.names[index], value: values[index]) }
        return value
    }

    /// The value at `index`, nil when NULL.
    public func get<T: SQLDecodable>(_ index: Int, as type: T?.Type = T?.self) throws -> T? {
        if values[index] == .null { return nil }
        return try get(index, as: T.self)
    }

    /// The named column's value; see `get(_:as:)` by index.
    public func get<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try get(columns.index(column), as: T.self)
    }

    public func get<T: SQLDecodable>(_ column: String, as type: T?.Type = T?.self) throws -> T? {
        try get(columns.index(column), as: T?.self)
    }
}

/// A statement's column names, shared by its rows.
final class SQLColumns: Sendable {
    let names: [String]
    private let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func index(_ name: String) throws -> Int {
        guard let index = positions[name] else { throw SQLDecodingError(column: name, value: nil) }
        return index
    }
}

/// A column the store expected is missing or holds another type: the
/// database was changed outside kai. Names the column, never its value.
struct SQLDecodingError: Error, CustomStringConvertible {
    let column: String
    let value: SQLValue?

    var description: String {
        guard let value else { return "the result has no column \(column)" }
        let kind = switch value {
        case .null: "NULL"
        case .int: "an integer"
        case .double: "a real"
        case .text: "text"
        case .blob: "a blob"
        }
        return "column \(column) holds \(kind), which kai did not expect; the database was changed outside kai"
    }
}

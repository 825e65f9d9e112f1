import Foundation

/// One SQL value as both backends hold it: SQLite's storage classes, to
/// which PostgreSQL's column types are mapped (see PostgresConnection).
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob(Data)
}

/// A Swift value the store binds to a statement parameter.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int32: SQLBindable { public var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .int(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .double(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Substring: SQLBindable { public var sqlValue: SQLValue { .text(String(self)) } }
/// Booleans are stored as 0 and 1 by both backends (same schema, same CHECKs).
extension Bool: SQLBindable { public var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension Data: SQLBindable { public var sqlValue: SQLValue { .blob(self) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }

/// Turns a list of optional bindables into values (nil → NULL).
func sqlValues(_ values: [(any SQLBindable)?]) -> [SQLValue] {
    values.map { $0?.sqlValue ?? .null }
}

/// A Swift value the store reads from a result column. Decoding is lenient
/// across the backends' types (PostgreSQL's SUM of integers is numeric,
/// its comparisons boolean), strict about NULL and unconvertible text.
public protocol SQLDecodable {
    static func decode(_ value: SQLValue) -> Self?
}

extension Int64: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .int(let v): v
        case .double(let v): Int64(exactly: v)
        case .text(let v): Int64(v) ?? Double(v).flatMap { Int64(exactly: $0) }
        default: nil
        }
    }
}
extension Int: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Int? { Int64.decode(value).flatMap { Int(exactly: $0) } }
}
extension Int32: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Int32? { Int64.decode(value).flatMap { Int32(exactly: $0) } }
}
extension Double: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .int(let v): Double(v)
        case .double(let v): v
        case .text(let v): Double(v)
        default: nil
        }
    }
}
extension Bool: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Bool? { Int64.decode(value).map { $0 != 0 } }
}
extension String: SQLDecodable {
    public static func decode(_ value: SQLValue) -> String? {
        switch value {
        case .text(let v): v
        case .int(let v): String(v)
        case .double(let v): String(v)
        case .blob(let v): String(data: v, encoding: .utf8)
        case .null: nil
        }
    }
}
extension Data: SQLDecodable {
    public static func decode(_ value: SQLValue) -> Data? {
        switch value {
        case .blob(let v): v
        case .text(let v): Data(v.utf8)
        default: nil
        }
    }
}

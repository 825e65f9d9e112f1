import CPostgres
import Foundation

/// A statement PostgreSQL refused, or a connection it dropped. Carries the
/// SQLSTATE and the primary message only: libpq's DETAIL lines quote row
/// values ("Key (id)=(...) already exists"), which stay out of error text.
struct PostgresError: Error, CustomStringConvertible {
    let sqlState: String
    let message: String

    var description: String { "\(message) (PostgreSQL \(sqlState))" }

    /// Serialization failure or deadlock: the transaction may be retried.
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// Class 08 (connection exception) and 57P (operator intervention).
    var isConnectionLost: Bool { sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") }
}

/// One libpq connection: statements prepared on first use and kept, `?`
/// placeholders numbered for PostgreSQL, values sent and read as text.
///
/// Thread rule: one thread at a time (PostgresBackend hands it out).
final class PostgresConnection: SQLConnection {
    private let connection: OpaquePointer
    private var prepared: [String: String] = [:]
    var dialect: SQLDialect { .postgres }
    /// Whether libpq says the connection is gone (the pool drops it then).
    var isBroken: Bool { PQstatus(connection) != CONNECTION_OK }

    /// Connects; throws libpq's message, which never holds the password.
    init(keywords: [(String, String)]) throws(PostgresConnectFailure) {
        let names = keywords.map { strdup($0.0) } + [nil]
        let values = keywords.map { strdup($0.1) } + [nil]
        defer { (names + values).forEach { free($0) } }
        let made = names.map { UnsafePointer($0) }.withUnsafeBufferPointer { n in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectdbParams(n.baseAddress, v.baseAddress, 0)
            }
        }
        guard let made else { throw PostgresConnectFailure(message: "out of memory", usedPassword: false) }
        guard PQstatus(made) == CONNECTION_OK else {
            let failure = PostgresConnectFailure(
                message: String(cString: PQerrorMessage(made)), usedPassword: PQconnectionUsedPassword(made) != 0)
            PQfinish(made)
            throw failure
        }
        connection = made
    }

    deinit { PQfinish(connection) }

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let result = try run(sql, arguments)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        defer { PQclear(result) }
        let columnCount = PQnfields(result), rowCount = PQntuples(result)
        let columns = SQLColumns((0..<columnCount).map { String(cString: PQfname(result, $0)) })
        let types = (0..<columnCount).map { PQftype(result, $0) }
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for c in 0..<columnCount {
                if PQgetisnull(result, r, c) != 0 {
                    values.append(.null)
                } else {
                    values.append(Self.value(PQgetvalue(result, r, c), length: Int(PQgetlength(result, r, c)), type: types[Int(c)]))
                }
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    /// Runs SQL without parameters through the simple protocol (several
    /// statements allowed): BEGIN, COMMIT, ROLLBACK, the schema.
    func simple(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result)
    }

    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer {
        let name = try statementName(sql)
        let texts: [UnsafeMutablePointer<CChar>?] = arguments.map { Self.text($0).map { strdup($0) } }
        defer { texts.forEach { free($0) } }
        let result = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecPrepared(connection, name, Int32(values.count), values.baseAddress, nil, nil, 0)
        }
        do {
            try check(result)
        } catch {
            PQclear(result)
            throw error
        }
        return result!
    }

    private func statementName(_ sql: String) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "kai\(prepared.count)"
        let result = PQprepare(connection, name, Self.numbered(sql), 0, nil)
        defer { PQclear(result) }
        try check(result)
        prepared[sql] = name
        return name
    }

    private func check(_ result: OpaquePointer?) throws {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK else { return }
        let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        let primary = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
        let fallback = String(cString: PQerrorMessage(connection)).split(separator: "\n").first.map(String.init)
        throw PostgresError(
            sqlState: state ?? (isBroken ? "08006" : "XX000"),
            message: primary ?? fallback ?? "the server did not answer")
    }

    /// `?` → `$1`, `$2`... outside quoted strings and identifiers.
    static func numbered(_ sql: String) -> String {
        var out = "", n = 0, quote: Character?
        out.reserveCapacity(sql.utf8.count + 8)
        for ch in sql {
            if let open = quote {
                if ch == open { quote = nil }
                out.append(ch)
            } else if ch == "'" || ch == "\"" {
                quote = ch
                out.append(ch)
            } else if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// A parameter as PostgreSQL's text input; nil for NULL.
    static func text(_ value: SQLValue) -> String? {
        switch value {
        case .null: nil
        case .int(let v): String(v)
        case .double(let v): v.isNaN ? "NaN" : v.isInfinite ? (v > 0 ? "Infinity" : "-Infinity") : "\(v)"
        case .text(let v): v
        case .blob(let v): "\\x" + v.map { String(format: "%02x", $0) }.joined()
        }
    }

    // Type OIDs (pg_type.h): what each result column is read as.
    private static let booleans: Set<Oid> = [16]
    private static let integers: Set<Oid> = [20, 21, 23, 26]
    private static let reals: Set<Oid> = [700, 701]
    private static let numeric: Oid = 1700
    private static let bytea: Oid = 17

    static func value(_ bytes: UnsafeMutablePointer<CChar>, length: Int, type: Oid) -> SQLValue {
        let text = String(cString: bytes)
        if booleans.contains(type) { return .int(text == "t" ? 1 : 0) }
        if integers.contains(type) { return Int64(text).map(SQLValue.int) ?? .text(text) }
        if reals.contains(type) { return Double(text).map(SQLValue.double) ?? .text(text) }
        if type == numeric { return Int64(text).map(SQLValue.int) ?? Double(text).map(SQLValue.double) ?? .text(text) }
        if type == bytea { return .blob(hexDecoded(text)) }
        return .text(text)
    }

    /// bytea's text output, `\x` then hex digits.
    static func hexDecoded(_ text: String) -> Data {
        var data = Data(capacity: max(0, (text.utf8.count - 2) / 2))
        var high: UInt8?
        for byte in text.utf8.dropFirst(2) {
            let digit: UInt8 = switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: byte &- UInt8(ascii: "A") &+ 10
            }
            if let h = high {
                data.append(h << 4 | digit)
                high = nil
            } else {
                high = digit
            }
        }
        return data
    }
}

/// libpq could not connect: its message (first line), and whether a
/// password was sent (so a refusal can be told from an unreachable server).
struct PostgresConnectFailure: Error {
    let message: String
    let usedPassword: Bool
}

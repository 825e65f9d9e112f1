import Foundation

/// The PostgreSQL backend: a small pool of libpq connections to one
/// registry shared by every host of a fleet.
///
/// Writes are serialized registry-wide, as SQLite's write lock serializes
/// them on one host: each write transaction first takes a transaction-level
/// advisory lock keyed by the schema, so the store's read-modify-write
/// transactions (score aggregates, breakers, votes, session sequence
/// numbers) behave exactly as on SQLite and lose no update. Readers never
/// wait for it. Recording is batched (one commit per batch), so one lock per
/// commit costs little. A transaction that still fails with a serialization
/// failure or deadlock is retried.
///
/// `@unchecked Sendable`: the idle list and count are guarded by `condition`.
final class PostgresBackend: StoreBackend, @unchecked Sendable {
    let url: PostgresURL
    private let keywords: [(String, String)]
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private let maxConnections: Int
    /// `SET lock_timeout` for every connection: how long a write waits for
    /// the registry's lock (the store's busy timeout, as on SQLite).
    private let lockTimeoutMilliseconds: Int
    static let lockClass: Int32 = 0x4B41  // "KA": the first key of the advisory lock
    static let attempts = 5

    var dialect: SQLDialect { .postgres }

    /// Connects once, so a bad URL, an unreachable server or a refused
    /// password fails here with its fix, not at the first call.
    init(url: PostgresURL, password: String?, lockTimeoutSeconds: Double = 5, maxConnections: Int = 8) throws(StoreError) {
        self.url = url
        keywords = url.keywords(password: password)
        self.maxConnections = max(1, maxConnections)
        lockTimeoutMilliseconds = max(1, Int((lockTimeoutSeconds * 1000).rounded()))
        let first: PostgresConnection
        do {
            first = try PostgresConnection(keywords: keywords)
        } catch {
            throw Self.connectError(error, url: url, passwordGiven: password != nil)
        }
        do {
            try first.simple("SET lock_timeout = \(lockTimeoutMilliseconds)")
        } catch {
            throw StoreError.wrapping(error, doing: "set up the connection to \(url.display)")
        }
        idle.append(first)
        open = 1
    }

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        do {
            let result = try body(connection)
            checkIn(connection)
            return result
        } catch {
            checkIn(connection)
            throw error
        }
    }

    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let connection = try checkOut()
            do {
                try connection.simple("BEGIN; SELECT pg_advisory_xact_lock(\(Self.lockClass), hashtext(current_schema()))")
                let result = try body(connection)
                try connection.simple("COMMIT")
                checkIn(connection)
                return result
            } catch {
                try? connection.simple("ROLLBACK")
                checkIn(connection)
                if let failure = error as? PostgresError, failure.isRetryable, attempt < Self.attempts { continue }
                throw error
            }
        }
    }

    /// Runs `body` on one connection outside any transaction the backend
    /// opens (the schema migration opens its own).
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkOut() throws -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && open >= maxConnections { condition.wait() }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        condition.unlock()
        do {
            let connection = try PostgresConnection(keywords: keywords)
            try? connection.simple("SET lock_timeout = \(lockTimeoutMilliseconds)")
            return connection
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw PostgresError(sqlState: "08001", message: Self.firstLine(error.message))
        }
    }

    /// Returns a connection to the pool; a broken one is closed instead.
    private func checkIn(_ connection: PostgresConnection) {
        condition.lock()
        if connection.isBroken { open -= 1 } else { idle.append(connection) }
        condition.signal()
        condition.unlock()
    }

    static func firstLine(_ message: String) -> String {
        message.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown error"
    }

    /// A failed first connection, told apart by its fix. libpq's messages
    /// never hold the password.
    static func connectError(_ failure: PostgresConnectFailure, url: PostgresURL, passwordGiven: Bool) -> StoreError {
        let line = firstLine(failure.message)
        let place = "\(url.host):\(url.port)"
        if line.contains("password authentication failed") {
            return StoreError(.cannotOpen, "registry: PostgreSQL at \(place) refused the password of user \"\(url.user)\"; set the right one in the secret the config's database_password_env names (default KAI_REGISTRY_PASSWORD)")
        }
        if line.contains("no password supplied") {
            return StoreError(.cannotOpen, "registry: PostgreSQL at \(place) wants a password for user \"\(url.user)\" and none was given; export the variable the config's database_password_env names (default KAI_REGISTRY_PASSWORD) or run `kai keys set KAI_REGISTRY_PASSWORD`")
        }
        if line.contains("database \"\(url.database)\" does not exist") {
            return StoreError(.cannotOpen, "registry: PostgreSQL at \(place) has no database \"\(url.database)\"; create it (createdb -h \(url.host) -p \(url.port) -U \(url.user) \(url.database)) or fix the URL")
        }
        return StoreError(.cannotOpen, "registry: cannot connect to PostgreSQL at \(place): \(line); check that the server is running and the URL's host and port")
    }
}

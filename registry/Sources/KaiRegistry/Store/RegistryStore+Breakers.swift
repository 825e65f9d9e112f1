import GRDB

/// The router's circuit breakers, one row per target, shared by every kai
/// process using this registry.
extension RegistryStore {
    /// Reads the target's breaker (a closed one if it has no row), lets
    /// `body` change it, and writes it back — all in one IMMEDIATE
    /// transaction, so two processes deciding at once (who takes the single
    /// half-open probe) see each other's writes in order. `body` must be
    /// quick and pure: it runs under SQLite's write lock.
    public func updateBreaker<T: Sendable>(
        target: String, now: Double, _ body: @Sendable (inout BreakerRecord) -> T
    ) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    var record = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM provider_breakers WHERE target = ?"), arguments: [target])
                        .map(BreakerRecord.init(row:)) ?? BreakerRecord(target: target, now: now)
                    let before = record
                    result = body(&record)
                    if record != before {
                        record.updatedAt = now
                        try record.save(db)
                    }
                    return .commit
                }
                return result!
            }
        } catch {
            throw wrapping(error, doing: "update the circuit breaker of '\(target)'")
        }
    }

    /// Every breaker the registry has a row for, by target.
    public func breakers() throws(StoreError) -> [String: BreakerRecord] {
        do {
            return try pool.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM provider_breakers")
                return Dictionary(uniqueKeysWithValues: rows.map { row in
                    let record = BreakerRecord(row: row)
                    return (record.target, record)
                })
            }
        } catch {
            throw wrapping(error, doing: "read the circuit breakers")
        }
    }
}

extension RegistryStore {
    /// One target's breaker, read without a write lock; a closed one when it has no row.
    public func breaker(target: String) throws(StoreError) -> BreakerRecord {
        do {
            // A cached statement: every routed call reads this once or more.
            return try pool.read { db in
                try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM provider_breakers WHERE target = ?"), arguments: [target])
                    .map(BreakerRecord.init(row:))
            } ?? BreakerRecord(target: target, now: 0)
        } catch {
            throw wrapping(error, doing: "read the circuit breaker of '\(target)'")
        }
    }
}

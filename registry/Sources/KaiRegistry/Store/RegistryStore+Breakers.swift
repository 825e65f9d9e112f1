import KaiCore
import Synchronization

/// The router's circuit breakers, one row per target, shared by every kai
/// process using this registry.
extension RegistryStore {
    /// Reads the target's breaker (a closed one if it has no row), lets
    /// `body` change it, and writes it back — all in one write
    /// transaction (under the registry's write lock), so two processes deciding at once (who takes the single
    /// half-open probe) see each other's writes in order. `body` must be
    /// quick and pure: it runs under the write lock (and may run again when
    /// PostgreSQL retries the transaction).
    public func updateBreaker<T: Sendable>(
        target: String, now: Double, _ body: @Sendable (inout BreakerRecord) -> T
    ) throws(StoreError) -> T {
        // Every store's breaker cache in this process reads afresh after it.
        defer { Self.breakersChanged() }
        do {
            return try backend.write { db in
                var record = try db.row("SELECT * FROM provider_breakers WHERE target = ?", target)
                    .map(BreakerRecord.init(row:)) ?? BreakerRecord(target: target, now: now)
                let before = record
                let result = body(&record)
                if record != before {
                    record.updatedAt = now
                    try record.save(db)
                }
                return result
            }
        } catch {
            throw wrapping(error, doing: "update the circuit breaker of '\(target)'")
        }
    }

    /// Every breaker the registry has a row for, by target.
    public func breakers() throws(StoreError) -> [String: BreakerRecord] {
        do {
            return try backend.read { db in
                let rows = try db.rows("SELECT * FROM provider_breakers")
                return Dictionary(uniqueKeysWithValues: try rows.map { row in
                    let record = try BreakerRecord(row: row)
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
            return try backend.read { db in
                try db.row("SELECT * FROM provider_breakers WHERE target = ?", target).map(BreakerRecord.init(row:))
            } ?? BreakerRecord(target: target, now: 0)
        } catch {
            throw wrapping(error, doing: "read the circuit breaker of '\(target)'")
        }
    }
}

/// What every routed call asks first: is the target's circuit closed? The
/// breakers are read in one query and kept for `breakerCacheSeconds`: a
/// pool read per provider call (~10% of an agent step's CPU) for a table
/// that changes only when a target fails. A breaker this process writes
/// (through any store) is read afresh by the next call; one another process
/// writes, within that time — a call or two more may reach a target another
/// process just found failing, as they could while its failures were being
/// counted. Only a closed circuit is decided from the cache: anything else
/// is decided in `updateBreaker`'s write transaction, from the row itself.
/// A failed read is never kept.
extension RegistryStore {
    static let breakerCacheSeconds = 0.5
    /// Bumped by every breaker write in this process.
    static let breakerGeneration = Atomic<Int>(0)

    /// The target's breaker as last read (at most `breakerCacheSeconds` ago,
    /// and after this process's last breaker write); a closed one if it has no row.
    public func routingBreaker(target: String) throws(StoreError) -> BreakerRecord {
        let now = MonotonicClock.now(), generation = Self.breakerGeneration.load(ordering: .acquiring)
        if let cache = breakerCache.withLock({ $0 }), cache.generation == generation,
           Double(now - cache.readAt) / 1e9 < Self.breakerCacheSeconds {
            return cache.records[target] ?? BreakerRecord(target: target, now: 0)
        }
        let records = try breakers()
        breakerCache.withLock { $0 = BreakerCache(records: records, generation: generation, readAt: now) }
        return records[target] ?? BreakerRecord(target: target, now: 0)
    }

    static func breakersChanged() {
        breakerGeneration.add(1, ordering: .releasing)
    }
}

/// The breakers as last read (see routingBreaker).
struct BreakerCache: Sendable {
    let records: [String: BreakerRecord]
    let generation: Int
    let readAt: Int64
}

import Foundation
import GRDB
import Synchronization
import KaiCore

/// Kai's registry store: plugins, their capabilities, measured performance,
/// the call log and the scan cache — in one SQLite WAL file shared by every
/// `kai` process of a host, or in one PostgreSQL database shared by a fleet
/// (`init(postgres:password:options:)`). Every query goes through
/// `StoreBackend`, so both hold the same tables and behave alike.
///
/// Thread rule: any thread. Writes are serialized per registry (SQLite's
/// write lock, waited for up to the busy timeout; a PostgreSQL advisory lock).
public final class RegistryStore: Sendable {
    public struct Options: Sendable {
        /// How long a write waits for another process's lock before failing
        /// (SQLite's busy timeout; PostgreSQL's lock_timeout).
        public var busyTimeoutSeconds: Double
        /// Keep call arguments and results in the call log. Off by default:
        /// payloads may hold secrets or personal data.
        public var payloadLogging: Bool
        public var scoreModel: ScoreModel
        /// Where failures of non-throwing entry points (`callFinished`,
        /// `saveScan`, `cachedScan`) go, so they are reported, never lost.
        public var reportError: @Sendable (StoreError) -> Void
        /// Queued calls are written when this many are waiting...
        public var batchSize: Int
        /// ...or this long after the first was queued (0: only on flush()).
        public var flushDelaySeconds: Double

        public init(
            busyTimeoutSeconds: Double = 5, payloadLogging: Bool = false, scoreModel: ScoreModel = .standard,
            reportError: @escaping @Sendable (StoreError) -> Void = RegistryStore.printToStandardError,
            batchSize: Int = 4096, flushDelaySeconds: Double = 0.25
        ) {
            self.batchSize = max(1, batchSize)
            self.flushDelaySeconds = flushDelaySeconds
            self.busyTimeoutSeconds = busyTimeoutSeconds
            self.payloadLogging = payloadLogging
            self.scoreModel = scoreModel
            self.reportError = reportError
        }
    }

    /// The SQLite file, or the PostgreSQL URL without secrets.
    public let path: String
    public let options: Options
    let backend: any StoreBackend
    /// The SQLite pool, for what only SQLite has (repair, checkpoints).
    /// Nil on PostgreSQL.
    let sqlitePool: DatabasePool?
    /// GRDB's pool of a SQLite store; SQLite-only code (Repair, tests) only.
    var pool: DatabasePool { sqlitePool! }
    /// Whether the registry lives in PostgreSQL.
    public var isPostgres: Bool { sqlitePool == nil }
    /// Calls queued by callFinished, written by flush().
    let pending = Mutex<[CallReport]>([])
    /// The scan cache, read in one query on first use (see cachedScan).
    let scanSnapshot = Mutex<[String: ScanCacheRecord]?>(nil)
    let flushing = Mutex<Void>(())
    /// Supervision's disable reasons, read at most every
    /// `statusCacheSeconds` (see disabledReason).
    let statusCache = Mutex<PluginStatusCache?>(nil)
    /// The router's breakers, read at most every `breakerCacheSeconds`
    /// (see routingBreaker).
    let breakerCache = Mutex<BreakerCache?>(nil)
    /// Calls dropped because their batch could not be written (see lostCalls).
    let lost = Mutex<LostCalls>(LostCalls())
    var model: ScoreModel { options.scoreModel }

    /// Opens (creating it and its parent directories if needed) and migrates
    /// the database at `path`.
    ///
    /// - Throws: `StoreError` `.newerSchema` when a newer Kai migrated the
    ///   file (checked read-only first, so nothing is written); `.cannotOpen`
    ///   or `.database` when SQLite cannot open or migrate it.
    public init(path: String, options: Options = Options()) throws(StoreError) {
        self.path = path
        self.options = options
        let fileName = (path as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.cannotOpen, "registry: cannot create the directory for \(path): \((error as NSError).localizedDescription); check its permissions or point --database elsewhere")
        }
        var config = Configuration()
        config.busyMode = .timeout(options.busyTimeoutSeconds)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // NORMAL is durable against process crashes (kill -9) in WAL mode;
            // only a power cut can lose the last commits, and it skips an
            // fsync per call.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // SQLite's 2 MB default cache thrashes on the million-row record
            // index; 32 MB plus memory-mapped reads keep hot pages resident.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        // Two kai processes opening a new database at once would both run
        // the migrations ("table already exists"). An exclusive flock on the
        // database's DIRECTORY for the length of open + migrate serializes
        // them. Never the database file itself: closing any descriptor of
        // that file drops every POSIX lock SQLite holds on it, which corrupts
        // the database.
        let directory = (path as NSString).deletingLastPathComponent
        let lock = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else {
            throw StoreError(.cannotOpen, "registry: cannot open the directory of \(path): \(String(cString: strerror(errno))); check its permissions or point --database elsewhere")
        }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        // Decided here, before SQLite: whether a read-only file opens at all
        // depends on whether its -shm file happens to exist, and a store
        // that opens but cannot write would run a call and then lose it.
        if let unwritable = Self.unwritable(path: path, directory: directory.isEmpty ? "." : directory) {
            throw unwritable.withOpenFix(path: path)
        }
        var info = stat()
        if stat(path, &info) == 0, info.st_size > 0 {
            try Self.refuseNewerSchema(path: path, fileName: fileName, busyTimeout: options.busyTimeoutSeconds)
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
            sqlitePool = pool
            backend = SQLiteBackend(pool: pool)
        } catch {
            let wrapped = StoreError.wrapping(error, doing: "open it", path: path)
            if wrapped.code == .damaged { throw wrapped }
            var failure = StoreError(.cannotOpen, "registry: cannot open \(path): \(wrapped.message)")
            failure.sqliteCode = wrapped.sqliteCode
            throw failure.withOpenFix(path: path)
        }
        do {
            // Fast path, every start but the first: already fully migrated.
            let migrator = StoreMigrations.migrator
            if try pool.read({ db in try migrator.appliedIdentifiers(db) == Set(migrator.migrations) }) { return }
            try pool.write { db in
                // Re-checked inside the write lock: another process may have
                // migrated the file since the read-only look.
                if let unknown = try Self.unknownMigration(db) {
                    throw StoreError.newerSchema(file: fileName, unknownMigration: unknown)
                }
            }
            try migrator.migrate(pool)
        } catch {
            throw wrapping(error, doing: "migrate \(path)").withOpenFix(path: path)
        }
    }

    /// Connects to the PostgreSQL registry at `url` and migrates its schema
    /// (see PostgresMigrations). `password`: the secret's value, if any; it
    /// reaches libpq only, never a message.
    ///
    /// - Throws: `.cannotOpen` naming the fix when the server is unreachable,
    ///   refuses the password or lacks the database; `.newerSchema` when a
    ///   newer Kai migrated it; `.database` when a migration fails.
    public init(postgres url: PostgresURL, password: String?, options: Options = Options()) throws(StoreError) {
        path = url.display
        self.options = options
        sqlitePool = nil
        let backend = try PostgresBackend(url: url, password: password, lockTimeoutSeconds: options.busyTimeoutSeconds)
        do {
            try PostgresMigrations.migrate(backend)
        } catch {
            throw StoreError.wrapping(error, doing: "migrate \(url.display)")
        }
        self.backend = backend
    }

    /// Why kai cannot write the database or create its -wal and -shm files
    /// (a read-only mount, or file modes that refuse this user), or nil.
    static func unwritable(path: String, directory: String) -> StoreError? {
        for target in [path, directory] where access(target, F_OK) == 0 {
            guard access(target, W_OK) != 0 else { continue }
            var error = StoreError(.cannotOpen, "registry: cannot write \(target): \(String(cString: strerror(errno)))")
            error.sqliteCode = 8  // SQLITE_READONLY: what SQLite would say, later
            return error
        }
        return nil
    }

    /// `$XDG_DATA_HOME/kai/registry.sqlite`, else `~/.local/share/kai/registry.sqlite`.
    /// A relative XDG_DATA_HOME is ignored, as the XDG spec requires.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return data + "/kai/registry.sqlite"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/share/kai/registry.sqlite"
    }

    public static let printToStandardError: @Sendable (StoreError) -> Void = { error in
        FileHandle.standardError.write(Data("kai: \(error.message)\n".utf8))
    }

    /// Wraps an error of this store's database, naming its file when SQLite
    /// found the file damaged.
    func wrapping(_ error: any Error, doing action: String) -> StoreError {
        StoreError.wrapping(error, doing: action, path: path)
    }

    /// Runs the non-throwing entry points' work, reporting instead of throwing.
    func reporting(_ action: String, _ work: () throws -> Void) {
        do { try work() } catch { options.reportError(wrapping(error, doing: action)) }
    }

    private static func refuseNewerSchema(path: String, fileName: String, busyTimeout: Double) throws(StoreError) {
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = .timeout(busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: readOnly)
            defer { try? queue.close() }
            if let unknown = try queue.read(unknownMigration) {
                throw StoreError.newerSchema(file: fileName, unknownMigration: unknown)
            }
        } catch {
            throw StoreError.wrapping(error, doing: "read \(path)", path: path).withOpenFix(path: path)
        }
    }

    /// The first applied migration this build does not know, if any.
    private static func unknownMigration(_ db: Database) throws -> String? {
        let known = Set(StoreMigrations.identifiers)
        return try StoreMigrations.migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted().first
    }
}

extension RegistryStore {
    /// Copies the write-ahead log into the database file and truncates it.
    /// SQLite does this incrementally on its own; call it after bulk imports,
    /// which otherwise leave a large log that slows every later write.
    ///
    /// On PostgreSQL (which checkpoints on its own) this refreshes the
    /// planner's statistics instead (ANALYZE): after a bulk import they are
    /// stale until autovacuum comes round, and discovery's plans with them.
    public func checkpoint() throws(StoreError) {
        guard let pool = sqlitePool else {
            do {
                try backend.read { db in _ = try db.execute("ANALYZE") }
            } catch {
                throw wrapping(error, doing: "analyze the registry's tables")
            }
            return
        }
        do {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            throw wrapping(error, doing: "checkpoint the write-ahead log")
        }
    }
}

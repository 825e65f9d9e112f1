import Foundation
import GRDB
import KaiCore
@testable import KaiRegistry
import KaiTestSupport
import Synchronization
import Testing

/// The backends the store suites run against: SQLite always, PostgreSQL
/// when the tests' own server could start (see `PostgresBackendAvailability`
/// for the skip message when it cannot).
enum StoreBackendKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var all: [StoreBackendKind] { PostgresServer.missing == nil ? [.sqlite, .postgres] : [.sqlite] }
    var testDescription: String { rawValue }
}

/// A fresh store per test (a SQLite file in a new directory, or a new
/// PostgreSQL database on the tests' server), plus builders for plugins and calls.
struct StoreFixture {
    let backend: StoreBackendKind
    let directory: String
    /// The SQLite file, or the PostgreSQL URL (no password).
    let path: String
    let store: RegistryStore
    let errors: ErrorLog

    /// `batchSize` 1 writes each call as it is reported, so tests can read
    /// the database directly right after `callFinished`.
    init(_ backend: StoreBackendKind = .sqlite, payloadLogging: Bool = false, busyTimeoutSeconds: Double = 5, batchSize: Int = 1) throws {
        self.backend = backend
        directory = Self.makeDirectory()
        let errors = ErrorLog()
        self.errors = errors
        let options = RegistryStore.Options(
            busyTimeoutSeconds: busyTimeoutSeconds, payloadLogging: payloadLogging,
            reportError: { errors.append($0) }, batchSize: batchSize)
        switch backend {
        case .sqlite:
            path = directory + "/registry.sqlite"
            store = try RegistryStore(path: path, options: options)
        case .postgres:
            let server = try PostgresServer.started()
            path = server.url(database: try server.createDatabase())
            store = try RegistryStore(postgres: PostgresURL(path), password: server.password, options: options)
        }
    }

    /// Another store on the same registry (another process would open one).
    func another(_ options: RegistryStore.Options = RegistryStore.Options()) throws -> RegistryStore {
        switch backend {
        case .sqlite: try RegistryStore(path: path, options: options)
        case .postgres: try RegistryStore(postgres: PostgresURL(path), password: PostgresServer.started().password, options: options)
        }
    }

    /// The first column of the first row of a query, on either backend.
    func scalar<T: SQLDecodable>(_ sql: String, as type: T.Type = T.self) throws -> T? {
        try store.backend.read { db in try db.scalar(sql, as: T.self) }
    }

    /// Every row of a query, on either backend.
    func rows(_ sql: String) throws -> [SQLRow] {
        try store.backend.read { db in try db.rows(sql) }
    }

    /// Runs a statement in a write transaction, on either backend.
    func execute(_ sql: String) throws {
        try store.backend.write { db in _ = try db.execute(sql) }
    }

    static func makeDirectory() -> String {
        var template = Array((NSTemporaryDirectory() + "kai-store-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Records a loaded plugin with `capabilities` (name, tags), all tools.
    func plugin(_ id: String, _ capabilities: [(String, [String])], kind: Capability.Kind = .tool) throws {
        let identity = FileIdentity(path: "/plugins/\(id).so", size: 1, mtimeNanoseconds: 1, inode: 1)
        try store.recordPlugin(PluginRow(id: id, identity: identity, manifestJSON: "{}", failureReason: nil, sha256: "00"))
        try store.syncCapabilities(
            pluginID: id, capabilities.map { CapabilityRow(kind: kind, name: $0.0, description: "d", tags: $0.1) })
    }

    /// Reports `count` calls of `plugin.tool`, the first `successes` of them ok.
    func calls(
        _ plugin: String, _ tool: String, count: Int, successes: Int? = nil, seconds: Double = 0.01,
        taskType: String? = nil, startedAt: Double = 1_000
    ) {
        for i in 0 ..< count {
            store.callFinished(report(
                plugin, tool, ok: i < (successes ?? count), seconds: seconds, taskType: taskType,
                startedAt: startedAt + Double(i)))
        }
    }

    /// SQLite-only checks (pragmas, GRDB's migration table).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try store.pool.read(body)
    }
}

func report(
    _ plugin: String, _ tool: String, ok: Bool = true, seconds: Double = 0.01, taskType: String? = nil,
    startedAt: Double = 1_000, kind: Capability.Kind = .tool
) -> CallReport {
    CallReport(
        tool: "\(plugin).\(tool)", plugin: plugin, capabilityKind: kind, startedAt: startedAt,
        durationNanoseconds: Int64(seconds * 1e9), code: ok ? .ok : .internal,
        errorKind: ok ? nil : .toolFailed, taskType: taskType, arguments: Array(#"{"x":1}"#.utf8),
        result: ok ? Array(#"{"y":2}"#.utf8) : [], depth: 0)
}

/// Collects what the store reported through `Options.reportError`.
final class ErrorLog: Sendable {
    private let errors = Mutex<[StoreError]>([])
    func append(_ error: StoreError) { errors.withLock { $0.append(error) } }
    var all: [StoreError] { errors.withLock { $0 } }
}

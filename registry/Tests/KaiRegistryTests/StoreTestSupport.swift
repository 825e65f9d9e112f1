import Foundation
import GRDB
import KaiCore
@testable import KaiRegistry
import Synchronization

/// A fresh directory and store per test, plus builders for plugins and calls.
struct StoreFixture {
    let directory: String
    let path: String
    let store: RegistryStore
    let errors: ErrorLog

    /// `batchSize` 1 writes each call as it is reported, so tests can read
    /// the database directly right after `callFinished`.
    init(payloadLogging: Bool = false, busyTimeoutSeconds: Double = 5, batchSize: Int = 1) throws {
        directory = Self.makeDirectory()
        path = directory + "/registry.sqlite"
        let errors = ErrorLog()
        self.errors = errors
        store = try RegistryStore(
            path: path,
            options: .init(
                busyTimeoutSeconds: busyTimeoutSeconds, payloadLogging: payloadLogging,
                reportError: { errors.append($0) }, batchSize: batchSize))
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

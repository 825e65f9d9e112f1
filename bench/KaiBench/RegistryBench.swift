import Foundation
import KaiCore
import KaiRegistry

/// `KaiBench registry [capabilities] [records] [postgres-url]`: the store's
/// two hot paths, on a fresh SQLite file, or on the (empty) PostgreSQL
/// database the URL names (password from KAI_REGISTRY_PASSWORD).
///
/// Builds a fresh store with `capabilities` (default 10,000) capabilities in
/// 100 plugins and `records` (default 1,000,000) performance records, then
/// times top-10 discovery over 2,000 queries with varied kind, tag (any/all)
/// and task-type filters, and 10,000 `callFinished` calls written in the
/// store's batches (amortized), then 1,000 with a flush after each (one
/// transaction per call, as a one-shot `kai tools call` pays).
func runRegistryBench(arguments: [String]) {
    let capabilities = arguments.count > 0 ? Int(arguments[0]) ?? -1 : 10_000
    let recordCount = arguments.count > 1 ? Int(arguments[1]) ?? -1 : 1_000_000
    guard capabilities >= 100, recordCount >= 0 else {
        Bench.fail("usage: KaiBench registry [capabilities >= 100] [records >= 0]", code: 64)
    }
    let directory = NSTemporaryDirectory() + "kai-registry-bench-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    do {
        let database = arguments.count > 2 ? arguments[2] : directory + "/registry.sqlite"
        let store = try RegistryStore.opening(database: database)
        var random = SplitMix(seed: 42)
        let setupStart = Bench.now()
        let ids = try RegistryBenchData.populate(store, capabilities: capabilities, random: &random)
        let populateNs = Bench.now() - setupStart
        let recordStart = Bench.now()
        try RegistryBenchData.record(store, ids: ids, count: recordCount, random: &random)
        let recordsNs = Bench.now() - recordStart
        try store.checkpoint()

        var discovery: [Double] = []
        for query in RegistryBenchData.queries(2_000, random: &random) {
            let start = Bench.now()
            let found = try store.discover(query)
            discovery.append(Double(Bench.now() - start))
            blackhole &+= found.count
        }

        func report(_ i: Int) -> CallReport {
            let plugin = "bench.p\(i % 100)"
            let c = (i / 100) % (capabilities / 100)  // an existing capability, with its real kind
            return CallReport(
                tool: "\(plugin).cap\(c)", plugin: plugin, capabilityKind: c % 10 == 9 ? .agent : .tool,
                startedAt: 1_700_000_000 + Double(i), durationNanoseconds: Int64(random.next() % 50_000_000),
                code: random.next() % 10 == 0 ? .internal : .ok, errorKind: nil,
                taskType: RegistryBenchData.taskTypes[i % RegistryBenchData.taskTypes.count],
                arguments: Array(#"{"q":"x"}"#.utf8), result: Array(#"{"ok":true}"#.utf8), depth: 0)
        }
        let calls = 10_000
        let callStart = Bench.now()
        for i in 0 ..< calls { store.callFinished(report(i)) }
        store.flush()
        let perCallNs = Double(Bench.now() - callStart) / Double(calls)
        let single = 1_000
        let singleStart = Bench.now()
        for i in 0 ..< single {
            store.callFinished(report(calls + i))
            store.flush()
        }
        let perSingleNs = Double(Bench.now() - singleStart) / Double(single)

        print("""
            {"benchmark": "registry", "backend": "\(store.isPostgres ? "postgres" : "sqlite")", "capabilities": \(capabilities), "records": \(recordCount), \
            "populate_ms": \(Bench.format(Double(populateNs) / 1e6)), \
            "bulk_record_ns_per_record": \(Bench.format(Double(recordsNs) / Double(max(recordCount, 1)))), \
            "discover_top10": \(Bench.summary(discovery)), \
            "call_finished_amortized_ns": \(Bench.format(perCallNs)), "calls": \(calls), \
            "call_finished_one_transaction_each_ns": \(Bench.format(perSingleNs))}
            """)
    } catch {
        Bench.fail("registry: \(error)")
    }
}

/// Synthetic plugins, capabilities, records and queries for `runRegistryBench`.
enum RegistryBenchData {
    static let tags = ["research", "coding", "data_analysis", "writing", "approval", "coordination"]
    static let taskTypes = ["coding", "research", "summarize", "translate", "plan", "review"]

    /// 100 plugins; capability i has 1-3 of `tags`; one in ten is an agent.
    static func populate(_ store: RegistryStore, capabilities: Int, random: inout SplitMix) throws -> [Int64] {
        let perPlugin = capabilities / 100
        var ids: [Int64] = []
        for p in 0 ..< 100 {
            let id = "bench.p\(p)"
            let identity = FileIdentity(path: "/bench/lib\(p).so", size: 1, mtimeNanoseconds: 1, inode: UInt64(p))
            try store.recordPlugin(PluginRow(id: id, identity: identity, manifestJSON: "{}", failureReason: nil, sha256: "0"))
            let rows = (0 ..< perPlugin).map { c in
                CapabilityRow(
                    kind: c % 10 == 9 ? .agent : .tool, name: "cap\(c)", description: "synthetic",
                    tags: (0 ..< 1 + Int(random.next() % 3)).map { _ in tags[Int(random.next() % 6)] })
            }
            try store.syncCapabilities(pluginID: id, rows)
            for row in rows {
                ids.append(try store.capabilityID(pluginID: id, kind: row.kind, name: row.name)!)
            }
        }
        return ids
    }

    /// `count` records over all capabilities, in batches of 100,000.
    static func record(_ store: RegistryStore, ids: [Int64], count: Int, random: inout SplitMix) throws {
        var done = 0
        while done < count {
            let batch = (0 ..< min(100_000, count - done)).map { i in
                let capability = ids[Int(random.next() % UInt64(ids.count))]
                return PerformanceRecord(
                    capabilityID: capability, taskType: taskTypes[Int(random.next() % 6)],
                    success: random.next() % UInt64(5 + capability % 20) != 0,
                    durationSeconds: Double(random.next() % 10_000) / 1000, quality: i % 4 == 0 ? 0.8 : nil,
                    recordedAt: 1_700_000_000 + Double(done + i))
            }
            try store.record(batch)
            done += batch.count
        }
    }

    /// Top-10 queries: a third by one tag, a third any-of-two, a third
    /// all-of-two; half with a task type, one in five for agents only.
    static func queries(_ count: Int, random: inout SplitMix) -> [DiscoveryQuery] {
        (0 ..< count).map { i in
            let first = tags[Int(random.next() % 6)]
            let second = tags[Int(random.next() % 6)]
            return DiscoveryQuery(
                kind: i % 5 == 0 ? .agent : nil,
                tags: i % 3 == 0 ? [first] : [first, second],
                tagMatch: i % 3 == 2 ? .all : .any,
                taskType: i % 2 == 0 ? taskTypes[Int(random.next() % 6)] : nil,
                limit: 10)
        }
    }
}

/// A small deterministic generator, so every run measures the same data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

import Foundation
import GRDB
import KaiCore
@testable import KaiRegistry
import Testing

/// The call log's provider columns (migration v3-call-log-provider-usage):
/// model, tokens in and out, cost and time to first token.
struct CallLogProviderUsageTests {
    @Test(arguments: StoreBackendKind.all) func logs_readBackTheProviderColumns(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.store.callFinished(report("dev.kai.local", "local", kind: .provider))
        try fixture.execute("""
            UPDATE call_log SET model = 'smollm2', input_tokens = 12, output_tokens = 40, cost_usd = 0.0012,
                ttft_ns = 45000000
            """)
        let row = try #require(try fixture.store.logs().first)
        #expect(row.kind == "provider")
        #expect(row.model == "smollm2")
        #expect(row.inputTokens == 12)
        #expect(row.outputTokens == 40)
        #expect(row.costUsd == 0.0012)
        #expect(row.ttftNs == 45_000_000)
    }

    @Test(arguments: StoreBackendKind.all) func callFinished_ofAProvider_recordsModelUsageAndTimeToFirstToken(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        let call = report("dev.kai.local", "local", kind: .provider)
        fixture.store.callFinished(CallReport(
            tool: call.tool, plugin: call.plugin, capabilityKind: .provider, startedAt: call.startedAt,
            durationNanoseconds: 820_000_000, code: .ok, errorKind: nil, taskType: nil, arguments: call.arguments,
            result: call.result, depth: 0, model: "smollm2",
            usage: ProviderUsage(inputTokens: 12, outputTokens: 40, costUSD: 0.00012), timeToFirstTokenNanoseconds: 45_000_000))
        let row = try #require(try fixture.store.logs().first)
        #expect(row.model == "smollm2" && row.inputTokens == 12 && row.outputTokens == 40)
        #expect(row.costUsd == 0.00012 && row.ttftNs == 45_000_000)
        let record = try #require(try fixture.rows("SELECT tokens_in, tokens_out, cost FROM performance_records").first)
        #expect(try record.get("tokens_in", as: Int64.self) == 12 && record.get("tokens_out", as: Int64.self) == 40)
        #expect(try record.get("cost", as: Double.self) == 0.00012)
    }

    @Test(arguments: StoreBackendKind.all) func toolCall_leavesTheProviderColumnsNull(_ backend: StoreBackendKind) throws {
        let fixture = try StoreFixture(backend)
        fixture.calls("p", "t", count: 1)
        let row = try #require(try fixture.store.logs().first)
        #expect(row.model == nil && row.inputTokens == nil && row.outputTokens == nil)
        #expect(row.costUsd == nil && row.ttftNs == nil)
        let columns = try #require(try fixture.rows("SELECT model, input_tokens, output_tokens, cost_usd, ttft_ns FROM call_log").first)
        #expect(columns.values.allSatisfy { $0 == .null })
    }

    @Test func migration_ofADatabaseWrittenBeforeIt_keepsItsRowsWithNullUsage() throws {
        let directory = StoreFixture.makeDirectory()
        let path = directory + "/registry.sqlite"
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreMigrations.migrator.migrate(queue, upTo: "v2-indexes")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO call_log (tool, plugin, kind, started_at, duration_ns, result_code, depth,
                        arguments_size, result_size) VALUES ('p.t', 'p', 'tool', 5, 7, 0, 0, 2, 3)
                    """)
            }
            try queue.close()
        }
        let store = try RegistryStore(path: path)
        let row = try #require(try store.logs().first)
        #expect(row.tool == "p.t" && row.durationNs == 7)
        #expect(row.model == nil && row.inputTokens == nil && row.costUsd == nil && row.ttftNs == nil)
    }
}

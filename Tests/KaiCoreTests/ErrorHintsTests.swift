import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// A provider's error details may carry, beside "message", the integers
/// "retry_after_s" and "http_status" (kai_provider.h): the host reads them
/// into CallError's typed accessors for the router, keeps them out of the
/// message, and ignores values that are not non-negative integers.
@Suite struct ErrorHintsTests {
    static func failure(model: String, isolation: PluginIsolation = .inprocess) throws -> CallError? {
        let path = try Fixtures.compile("retry_provider", source: Fixtures.repositoryRoot + "/Tests/Fixtures/retry_provider.c")
        let host = PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, settings: PluginSettings(isolation: isolation))]))
        defer { host.shutdown() }
        do {
            _ = try host.callProvider("busy/\(model)", request: Array(#"{"messages":[{"role":"user","content":"x"}]}"#.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [PluginIsolation.inprocess, .process])
    func retryAfterAndHTTPStatus_reachCallError_inProcessOrInAWorker(isolation: PluginIsolation) throws {
        let error = try #require(try Self.failure(model: "always-7", isolation: isolation))
        #expect(error.retryAfterSeconds == 7)
        #expect(error.httpStatus == 503)
        #expect(error.code == .unavailable)
        #expect(error.description == #"tool "test.retry.busy" failed (UNAVAILABLE): busy failed: HTTP 503; it asks to retry after 7 s (Retry-After)"#,
                "the hints are for kai; the message already words them")
    }

    @Test func hintsThatAreNotNonNegativeIntegers_areIgnored() throws {
        let error = try #require(try Self.failure(model: "bad-hints"))
        #expect(error.retryAfterSeconds == nil)
        #expect(error.httpStatus == nil)
    }

    @Test func errorsWithoutDetailsHints_haveNone() {
        #expect(CallError.cancelled(tool: "t").retryAfterSeconds == nil)
        #expect(CallError.toolFailed(tool: "t", code: .unavailable, details: "down").httpStatus == nil)
    }
}

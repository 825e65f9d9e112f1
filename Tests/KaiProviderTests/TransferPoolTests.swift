import KaiProviderKit
import Testing

/// A burst of parallel calls leaves its transfers (and their keep-alive
/// connections) to the next burst: 50 agent runs at once reuse them every
/// model turn instead of connecting anew; past the capacity they are freed.
@Suite struct TransferPoolTests {
    @Test func fiftyTransfersGivenBack_areAllKeptForReuse() throws {
        let pool = TransferPool()
        let taken = try (0..<50).map { _ in try #require(pool.take()) }
        for transfer in taken { pool.give(transfer) }
        #expect(pool.idleCount == 50)
        let again = try (0..<50).map { _ in try #require(pool.take()) }
        #expect(pool.idleCount == 0)
        #expect(Set(again.map(ObjectIdentifier.init)) == Set(taken.map(ObjectIdentifier.init)))
    }

    @Test func transfersPastTheCapacity_areFreed() throws {
        let pool = TransferPool()
        let taken = try (0..<(TransferPool.capacity + 5)).map { _ in try #require(pool.take()) }
        for transfer in taken { pool.give(transfer) }
        #expect(pool.idleCount == TransferPool.capacity)
    }
}

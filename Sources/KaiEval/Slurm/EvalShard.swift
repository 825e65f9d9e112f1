/// One of N contiguous slices of a samples file: what one Slurm array task
/// evaluates. Shards are cut by sample index, so every shard (and every
/// resubmission of it) covers the same samples.
public struct EvalShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count)
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (0 <= I < N), as `kai eval --shard` takes it.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              count >= 1, index >= 0, index < count else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The sample indices this shard owns out of `total`: sizes differ by at
    /// most one, the larger shards first.
    public func indices(of total: Int) -> Range<Int> {
        let base = total / count, extra = total % count
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// The samples of `all` this shard owns (by their index in the file).
    public func samples(of all: [EvalSample]) -> [EvalSample] {
        let owned = indices(of: all.count)
        return all.filter { owned.contains($0.index) }
    }
}

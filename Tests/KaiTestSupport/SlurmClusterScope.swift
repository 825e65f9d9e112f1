import Testing

/// One Slurm cluster for a whole (serialized) suite: started before its first
/// test and stopped after its last, instead of one per test (the cluster
/// takes most of each test's time to start). Tests get it with
/// `SharedSlurmCluster.cluster()` and must not rely on being its only user
/// (job ids go on, sacct lists earlier tests' jobs).
public struct SharedSlurmCluster: SuiteTrait, TestScoping {
    @TaskLocal static var current: SlurmCluster?

    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let cluster = try SlurmCluster()
        defer { cluster.stop() }
        try await Self.$current.withValue(cluster) { try await function() }
    }

    /// The suite's cluster.
    public static func cluster() throws -> SlurmCluster {
        guard let current else { throw SlurmClusterError("no shared Slurm cluster: mark the suite with .sharedSlurmCluster") }
        return current
    }
}

extension Trait where Self == SharedSlurmCluster {
    /// Starts one Slurm cluster for the suite's tests.
    public static var sharedSlurmCluster: Self { SharedSlurmCluster() }
}

/// Shared by a serialized suite's tests, one at a time.
extension SlurmCluster: @unchecked Sendable {}

import Foundation
import KaiSandbox
import KaiTestSupport
import Testing

/// Through the fork library a server sweeps dead launchers' cgroups on its
/// first run and then every 64th, not on every run: a sweep reads every
/// concurrent run's cgroup directory and /proc entry, work that grew with
/// the number of kai eval workers. The server is moved into a memory cgroup
/// of this test's own, so no other test's runs sweep there.
@Suite(.requiresCgroupV1, .requiresRoot) struct SandboxForkServerSweepTests {
    /// This process's v1 memory cgroup directory.
    static func ownMemoryCgroup() throws -> String {
        let table = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
        let line = try #require(table.split(separator: "\n").first { $0.split(separator: ":")[1].split(separator: ",").contains("memory") })
        let path = String(line.split(separator: ":", maxSplits: 2)[2])
        return "/sys/fs/cgroup/memory" + (path == "/" ? "" : path)
    }

    /// A run cgroup name whose launcher is gone: a process started and
    /// reaped here (if its pid is reused, the start time 1 names nobody).
    static func deadLaunchersName(_ number: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return "kai-\(process.processIdentifier)-1-\(number)"
    }

    @Test func firstRun_sweepsADeadLaunchersCgroup_theSecondLeavesOneForLater() throws {
        let parent = try Self.ownMemoryCgroup() + "/kai-sweep-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
        defer { rmdir(parent) }
        let server = try SandboxForkServer(
            command: ["/usr/bin/python3", "-I", "-S", "-c", SandboxForkServerTests.server, SandboxForkServer.defaultLibraryPath],
            environment: ["PATH": "/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8"])
        defer { server.stop() }
        try "\(server.pid)".write(toFile: parent + "/cgroup.procs", atomically: false, encoding: .utf8)

        let first = parent + "/" + (try Self.deadLaunchersName(0))
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: false)
        defer { rmdir(first) }
        let run = { try server.run(SandboxRequest(command: ["/usr/bin/python3"]), fields: ["code": .string("pass")]) }
        #expect(try run().status == .ok)
        #expect(!FileManager.default.fileExists(atPath: first), "the server's first run sweeps")

        let second = parent + "/" + (try Self.deadLaunchersName(1))
        try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: false)
        defer { rmdir(second) }
        #expect(try run().status == .ok)
        #expect(FileManager.default.fileExists(atPath: second), "the second run does not sweep")
        server.stop()  // out of the test's cgroup before it is removed
    }
}

import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 9, item 1: a plugin worker starts with only the descriptors the
/// host hands it (0: /dev/null, 1-2: its output pipes, 3-4: the protocol),
/// whatever the host process had open without O_CLOEXEC. Each test opens
/// one such descriptor in this process, then starts a worker and lists the
/// worker's /proc/self/fd through the probe plugin.
@Suite struct WorkerDescriptorTests {
    static let isolations: [PluginIsolation] = [.process, .sandbox]

    /// The worker's descriptors, "N -> target", after `open` ran here.
    private func workerDescriptors(_ isolation: PluginIsolation) throws -> [String] {
        let host = try Probe.host(isolation)
        return Probe.strings(try host.call("fds", "{}"), "fds")
    }

    private func expectOnlyOwnDescriptors(_ fds: [String], without leaked: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(fds.map { $0.prefix { $0 != " " } } == ["0", "1", "2", "3", "4"], "\(fds)", sourceLocation: sourceLocation)
        #expect(fds.first == "0 -> /dev/null", sourceLocation: sourceLocation)
        #expect(fds.dropFirst().allSatisfy { $0.contains(" -> pipe:[") }, "\(fds)", sourceLocation: sourceLocation)
        #expect(!fds.contains { $0.hasSuffix(" -> \(leaked)") }, "the worker inherited \(leaked): \(fds)", sourceLocation: sourceLocation)
    }

    /// Opens `path` here without O_CLOEXEC for the length of `body`.
    private func withInheritable(_ path: String, flags: Int32, _ body: () throws -> Void) throws {
        let fd = open(path, flags)
        try #require(fd >= 0, "open \(path): errno \(errno)")
        defer { close(fd) }
        try body()
    }

    @Test(arguments: isolations)
    func worker_doesNotInheritAnOpenDirectory(_ isolation: PluginIsolation) throws {
        if let missing = Probe.sandboxMissing(isolation) { try Test.cancel(Comment(rawValue: missing)) }
        try withInheritable("/", flags: O_RDONLY | O_DIRECTORY) {
            expectOnlyOwnDescriptors(try workerDescriptors(isolation), without: "/")
        }
    }

    @Test(arguments: isolations)
    func worker_doesNotInheritAnOpenFile(_ isolation: PluginIsolation) throws {
        if let missing = Probe.sandboxMissing(isolation) { try Test.cancel(Comment(rawValue: missing)) }
        let path = Fixtures.scratch + "/inherited-\(UInt32.random(in: 0...UInt32.max)).txt"
        try Data("host file".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try withInheritable(path, flags: O_RDWR) {
            expectOnlyOwnDescriptors(try workerDescriptors(isolation), without: path)
        }
    }

    @Test(arguments: isolations)
    func worker_doesNotInheritASocketToALoopbackServer(_ isolation: PluginIsolation) throws {
        if let missing = Probe.sandboxMissing(isolation) { try Test.cancel(Comment(rawValue: missing)) }
        let (server, client) = try Self.loopbackConnection()
        defer { close(server); close(client) }
        let fds = try workerDescriptors(isolation)
        expectOnlyOwnDescriptors(fds, without: "socket")
        #expect(!fds.contains { $0.contains("socket:[") }, "\(fds)")
    }

    @Test(arguments: isolations)
    func worker_doesNotInheritATerminal(_ isolation: PluginIsolation) throws {
        if let missing = Probe.sandboxMissing(isolation) { try Test.cancel(Comment(rawValue: missing)) }
        guard let terminal = Self.openPseudoTerminal() else {
            try Test.cancel(Comment(rawValue: "needs a pseudo-terminal, which this machine cannot allocate (posix_openpt: errno \(errno))"))
        }
        defer { close(terminal.master) }
        try withInheritable(terminal.name, flags: O_RDWR | O_NOCTTY) {
            let fds = try workerDescriptors(isolation)
            expectOnlyOwnDescriptors(fds, without: terminal.name)
            #expect(!fds.contains { $0.contains("/dev/pts/") || $0.contains("ptmx") }, "\(fds)")
        }
    }

    /// A pseudo-terminal's master (not O_CLOEXEC) and its slave's name.
    /// posix_openpt and friends are XSI, which Swift's Glibc module leaves
    /// out, so they are looked up by name.
    static func openPseudoTerminal() -> (master: Int32, name: String)? {
        typealias Open = @convention(c) (Int32) -> Int32
        typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        func function<T>(_ name: String, _: T.Type) -> T? {
            dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let openpt = function("posix_openpt", Open.self), let grant = function("grantpt", Open.self),
              let unlock = function("unlockpt", Open.self), let ptsname = function("ptsname", Name.self) else { return nil }
        let master = openpt(O_RDWR | O_NOCTTY)
        guard master >= 0 else { return nil }
        guard grant(master) == 0, unlock(master) == 0, let name = ptsname(master) else {
            close(master)
            return nil
        }
        return (master, String(cString: name))
    }

    /// A listening socket on 127.0.0.1 and a connected client, neither O_CLOEXEC.
    static func loopbackConnection() throws -> (server: Int32, client: Int32) {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let connected = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(server, $0, length) == 0 && listen(server, 8) == 0 && getsockname(server, $0, &length) == 0
                    && connect(client, $0, length) == 0
            }
        }
        try #require(server >= 0 && client >= 0 && connected, "loopback socket setup failed: errno \(errno)")
        return (server, client)
    }
}

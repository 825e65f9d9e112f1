import Foundation
import KaiCore
import KaiJSON
import KaiTestSupport
import Testing

/// isolation: sandbox — the worker in namespaces of its own: read-only root,
/// no network unless the manifest says "network": true, and still every
/// guarantee of isolation: process. The probe tool reports what it could
/// do; the same plugin under isolation: process shows the probe works.
@Suite struct WorkerSandboxTests {
    static func host(isolation: PluginIsolation, network: Bool) throws -> PluginHost {
        let name = "sandbox_probe" + (network ? "_network" : "")
        let path = try Fixtures.compile(name, flags: ["-DFIXTURE_SANDBOX_PROBE"] + (network ? ["-DFIXTURE_NETWORK"] : []))
        let settings = PluginSettings(config: .object([:]), isolation: isolation, worker: Workers.policy())
        return PluginHost.load(from: ListCatalog(sources: [PluginSource(path: path, settings: settings)]), scanning: .inProcess)
    }

    /// A TCP listener on the host's 127.0.0.1, and a file path in a host
    /// directory the test can write to.
    final class Target {
        let socket: Int32
        let port: Int
        let directory: String

        init() throws {
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
                }
            }
            socket = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            directory = Fixtures.buildDirectory + "/sandbox-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try #require(bound)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        func arguments(_ file: String) -> String { #"{"path": "\#(directory)/\#(file)", "port": \#(port)}"# }

        deinit {
            close(socket)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test(.requiresWritableBuildDirectory) func sandbox_withoutNetwork_hasNoNetworkAndAReadOnlyRoot() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let target = try Target()
        let host = try Self.host(isolation: .sandbox, network: false)
        let probe = try host.call("sandbox_probe", target.arguments("a"))
        #expect(probe == ["hostname": "kai-plugin", "write": "EROFS", "connect": "ENETUNREACH"])
        #expect(!FileManager.default.fileExists(atPath: target.directory + "/a"))
        #expect(host.plugins.first?.isolationState == "sandbox: ready")
    }

    @Test(.requiresWritableBuildDirectory) func sandbox_whenTheManifestAsksForNetwork_keepsTheHostsNetwork() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let target = try Target()
        let host = try Self.host(isolation: .sandbox, network: true)
        #expect(try host.call("sandbox_probe", target.arguments("b")) == ["hostname": "kai-plugin", "write": "EROFS", "connect": "CONNECTED"])
    }

    @Test(.requiresWritableBuildDirectory) func process_isolation_letsTheSameProbeWriteAndConnect() throws {
        let target = try Target()
        let host = try Self.host(isolation: .process, network: false)
        let probe = try host.call("sandbox_probe", target.arguments("c"))
        #expect(probe["write"] == "CREATED" && probe["connect"] == "CONNECTED", "\(probe)")
        #expect(FileManager.default.fileExists(atPath: target.directory + "/c"))
    }

    @Test func sandbox_crash_failsOneCall_andTheNextSucceeds() throws {
        if let missing = Probe.sandboxMissing() { try Test.cancel(Comment(rawValue: missing)) }
        let host = try Self.host(isolation: .sandbox, network: false)
        #expect(host.callError("crash_segv", "{}")?.description
            == "tool \"test.fixture.crash_segv\" failed: its worker process was killed by SIGSEGV (segmentation fault) during the call. "
            + "The host is unaffected; the next call starts a fresh worker.")
        #expect(try host.call("add", #"{"a": 1, "b": 2}"#) == ["sum": 3])
    }
}

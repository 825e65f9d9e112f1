import Foundation
import KaiTestSupport
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 19: TCP/UDP out, DNS, the host's loopback services, abstract unix
/// sockets, vsock and netlink reach nothing outside the sandbox.
@Suite(.requiresNamespaces) struct NetworkTests {
    /// A host listener on 127.0.0.1 and an abstract unix socket; both must
    /// see no connection attempt arrive.
    final class HostListeners {
        let tcp: Int32, abstract: Int32, port: Int, name: String

        init() throws {
            let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(tcp, $0, length) } }
            listen(tcp, 8)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(tcp, $0, &length) } }
            let name = "kai-host-abstract-\(UUID().uuidString.prefix(8))"
            let abstract = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var unixAddress = sockaddr_un()
            unixAddress.sun_family = sa_family_t(AF_UNIX)
            let bytes = [UInt8(0)] + Array(name.utf8)
            withUnsafeMutableBytes(of: &unixAddress.sun_path) { buffer in
                for (index, byte) in bytes.enumerated() { buffer[index] = byte }
            }
            let size = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
            let rc = withUnsafePointer(to: &unixAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(abstract, $0, size) } }
            (self.tcp, self.abstract, self.name, self.port) = (tcp, abstract, name, Int(UInt16(bigEndian: address.sin_port)))
            guard rc == 0, listen(abstract, 8) == 0, port > 0 else { throw SpawnError(description: "host listeners") }
        }

        /// Whether anyone connected (accept on the non-blocking sockets).
        var anyConnection: Bool { accept(tcp, nil, nil) >= 0 || accept(abstract, nil, nil) >= 0 }

        deinit { close(tcp); close(abstract) }
    }

    static let probes: [(String, String)] = [
        ("route_out", "ENETUNREACH"), ("udp_loopback", "ENETUNREACH"), ("host_loopback", "ENETUNREACH"),
        ("abstract", "ECONNREFUSED"), ("netlink", "lo"),
    ]

    @Test(arguments: probes)
    func probe_reachesNothingOutside(probe: String, expected: String) throws {
        let host = try HostListeners()
        let argument = probe == "host_loopback" || probe == "udp_loopback" ? "\(host.port)" : host.name
        let run = try Sandbox.run("net", [probe, argument])
        run.expectExited(0)
        #expect(run.report.facts[probe] == expected, "\(run.report)")
        #expect(!host.anyConnection)
        run.expectHostUnaffected()
    }

    @Test func dns_doesNotResolve() throws {
        let run = try Sandbox.run("net", ["dns", "-"], options: ["--time-limit-ms", "10000"])
        run.expectExited(0)
        #expect(run.report.facts["dns"] != "RESOLVED", "\(run.report)")
        #expect(run.report.wallMs < 10000, "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test func vsock_isUnreachable() throws {
        let run = try Sandbox.run("net", ["vsock", "-"])
        run.expectExited(0)
        // No vsock transport to the host: the socket or the connect fails.
        let result = run.report.facts["vsock"] ?? "-"
        #expect(["EAFNOSUPPORT", "ENODEV", "ECONNRESET", "ENETUNREACH", "EPERM", "ECONNREFUSED", "ETIMEDOUT"].contains(result), "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test func allowLoopback_givesTheSandboxItsOwnLoopbackOnly() throws {
        let host = try HostListeners()
        let own = try Sandbox.run("net", ["own_loopback", "-"], options: ["--allow-loopback"])
        own.expectExited(0)
        #expect(own.report.stdout.contains("own_loopback=CONNECTED"), "\(own.report)")
        #expect(own.report.protections["network"]?.stringValue == "loopback")
        let hostPort = try Sandbox.run("net", ["host_loopback", "\(host.port)"], options: ["--allow-loopback"])
        hostPort.expectExited(0)
        #expect(hostPort.report.facts["host_loopback"] == "ECONNREFUSED", "\(hostPort.report)")
        let abstract = try Sandbox.run("net", ["abstract", host.name], options: ["--allow-loopback"])
        abstract.expectExited(0)
        #expect(abstract.report.facts["abstract"] == "ECONNREFUSED", "\(abstract.report)")
        #expect(!host.anyConnection)
        own.expectHostUnaffected()
    }

    /// As root, runs reuse empty network namespaces (slots.c): sandboxes
    /// running at once must still never share one (their abstract unix
    /// sockets could meet), and a socket left by one run must be gone
    /// for the next.
    @Test func concurrentSandboxes_cannotReachEachOthersAbstractSockets() throws {
        let name = "kai-cross-\(UUID().uuidString.prefix(8))"
        let listener = Mutex<Sandbox.Run?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            listener.withLock { $0 = try? Sandbox.run("net", ["abstract_listen", name]) }
            finished.signal()
        }
        thread.start()
        let caller = try Sandbox.run("net", ["abstract_retry", name])
        finished.wait()
        let listen = try #require(listener.withLock { $0 })
        listen.expectExited(0)
        caller.expectExited(0)
        #expect(listen.report.facts["abstract_listen"] == "LISTENING", "\(listen.report)")
        #expect(listen.report.facts["abstract_accepted"] == "NO", "\(listen.report)")
        #expect(caller.report.facts["abstract_retry"] == "ECONNREFUSED", "\(caller.report)")
    }

    @Test func abstractSocketOfAFinishedRun_isGoneForTheNext() throws {
        let name = "kai-left-\(UUID().uuidString.prefix(8))-now"
        let first = try Sandbox.run("net", ["abstract_listen", name])
        first.expectExited(0)
        #expect(first.report.facts["abstract_listen"] == "LISTENING", "\(first.report)")
        let next = try Sandbox.run("net", ["abstract", name])
        next.expectExited(0)
        #expect(next.report.facts["abstract"] == "ECONNREFUSED", "\(next.report)")
    }

    /// A run's network namespace is never entered by a later run: counters
    /// one program raises (here Ip OutNoRoutes) are a channel to the next
    /// otherwise — the first version of the slots reused namespaces and had it.
    @Test func networkCountersOfAFinishedRun_areNotSeenByTheNext() throws {
        let poke = try Sandbox.run("net", ["snmp_poke", "-"])
        poke.expectExited(0)
        #expect(poke.report.facts["snmp_poke"] == "37", "\(poke.report)")
        #expect(poke.report.facts["snmp_after"] == "37", "the counter is readable: \(poke.report)")
        let read = try Sandbox.run("net", ["snmp_read", "-"])
        read.expectExited(0)
        #expect(read.report.facts["snmp_read"] == "0", "\(read.report)")
    }
}

import Foundation

/// The HTTP server's sockets, close-on-exec: an in-process plugin that
/// starts a program must not hand it the listening socket or a client's
/// connection. SwiftNIO opens both without O_CLOEXEC, so the listening
/// socket is made here (SOCK_CLOEXEC) and handed to NIO, and each accepted
/// one is marked as soon as NIO reports it.
enum ServerSockets {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A listening TCP socket on 127.0.0.1:`port`, close-on-exec.
    static func listen(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7f00_0001).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: message)
        }
        return fd
    }

    /// The local port of a socket (the kernel's pick for port 0).
    static func localPort(_ fd: Int32) -> Int {
        localAddress(fd, peer: false)?.port ?? 0
    }

    /// Marks close-on-exec the connection accepted on `port` from the
    /// loopback port `remote` (NIO does not say which descriptor it is).
    static func closeOnExec(acceptedOn port: Int, from remote: Int?) {
        guard let remote, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry) else { continue }
            var status = stat()
            guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else { continue }
            guard localAddress(fd, peer: false)?.port == port, localAddress(fd, peer: true)?.port == remote else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    private static func localAddress(_ fd: Int32, peer: Bool) -> (address: UInt32, port: Int)? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length) }
        }
        guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        return (UInt32(bigEndian: address.sin_addr.s_addr), Int(UInt16(bigEndian: address.sin_port)))
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Descriptors a careless caller leaves open when it starts kai — a
/// directory (`exec 8</`), a file, a TCP connection to a loopback server,
/// a terminal — for tests proving that none of them reaches sandboxed code
/// (issue 9, items 1 and 2a). They are close-on-exec here (other tests spawn
/// concurrently) and handed to kai by `posix_spawn`'s dup2, which clears
/// close-on-exec: kai starts with them open, as from a shell.
public final class InheritedDescriptors {
    public enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case directory, file, socket, tty
        public var description: String { rawValue }
        /// The descriptor number kai gets it on.
        public var number: Int32 {
            switch self {
            case .directory: 8
            case .file: 9
            case .socket: 7
            case .tty: 10
            }
        }
    }

    /// A world-writable host directory holding `hostFile` (world-readable,
    /// containing `secret`), so that a leaked descriptor, not permissions,
    /// decides whether the program can read or write them.
    public let directory: String
    public let hostFile: String
    public let secret = "KAI-HOST-SECRET-" + UUID().uuidString.prefix(8)
    /// Ours → the number kai gets it on.
    public private(set) var handed: [(ours: Int32, theirs: Int32)] = []
    private var listener: Int32 = -1
    private var accepted: Int32 = -1
    /// The pty's two ends when `.tty` was asked for; the slave is also kai's
    /// stdin and controlling terminal.
    public private(set) var ptyMaster: Int32 = -1
    public private(set) var ptySlave: Int32 = -1
    public private(set) var ptyName = ""
    private var slaveAttributes = termios()
    private var slaveSize = winsize()

    /// Opens the descriptors for `kinds`. Throws `Unavailable` when the
    /// machine has no pseudo-terminals (`.tty`) so the test can skip.
    public init(_ kinds: [Kind]) throws {
        directory = Fixtures.scratch + "/inherited-\(UUID().uuidString.prefix(8))"
        hostFile = directory + "/host.txt"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(Fixtures.scratch, 0o755)
        chmod(directory, 0o777)
        try Data(secret.utf8).write(to: URL(fileURLWithPath: hostFile))
        chmod(hostFile, 0o666)
        for kind in kinds {
            switch kind {
            case .directory: try hand(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), as: kind, "open /")
            case .file: try hand(open(hostFile, O_RDWR | O_CLOEXEC), as: kind, "open \(hostFile)")
            case .socket: try hand(connectLoopback(), as: kind, "socket")
            case .tty: try hand(openTerminal(), as: kind, "pty")
            }
        }
    }

    /// Keeps a copy of `fd` at 64 or above, clear of the numbers kai gets
    /// them on, so the spawn's dup2s cannot overwrite one another.
    private func hand(_ fd: Int32, as kind: Kind, _ what: String) throws {
        let high = fcntl(try Self.check(fd, what), F_DUPFD_CLOEXEC, 64)
        guard high >= 0 else { throw FixtureError(message: "F_DUPFD_CLOEXEC: \(String(cString: strerror(errno)))") }
        if fd != ptySlave { close(fd) }
        handed.append((high, kind.number))
    }

    deinit {
        for fd in handed.map(\.ours) + [listener, accepted, ptyMaster, ptySlave] where fd >= 0 { close(fd) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether this machine can make a pseudo-terminal (the tty cases skip
    /// without one).
    public static let terminalsAvailable: Bool = {
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { return false }
        close(master); close(slave)
        return true
    }()

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    private static func check(_ fd: Int32, _ what: String) throws -> Int32 {
        guard fd >= 0 else { throw FixtureError(message: "\(what): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// A client socket connected to a listener on 127.0.0.1 that this test
    /// owns; `socketReceived` tells whether anything arrived through it.
    private func connectLoopback() throws -> Int32 {
        listener = try Self.check(socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0), "socket")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        guard bound, listen(listener, 4) == 0 else { throw FixtureError(message: "bind/listen on 127.0.0.1: \(String(cString: strerror(errno)))") }
        let client = try Self.check(socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0), "socket")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) == 0 }
        }
        guard connected else { throw FixtureError(message: "connect to 127.0.0.1: \(String(cString: strerror(errno)))") }
        accepted = try Self.check(accept(listener, nil, nil), "accept")
        _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
        return client
    }

    /// Bytes that reached the loopback server through the inherited
    /// connection (read without waiting: call after kai has exited).
    public var socketReceived: [UInt8] {
        guard accepted >= 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(accepted, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return count > 0 ? Array(buffer[0..<count]) : []
    }

    /// A pty (openpty: posix_openpt, grantpt, unlockpt) in raw mode (so that one injected byte is readable at once),
    /// with a known window size; returns the slave.
    private func openTerminal() throws -> Int32 {
        guard openpty(&ptyMaster, &ptySlave, nil, nil, nil) == 0, let name = ttyname(ptySlave) else {
            throw Unavailable(description: "no pseudo-terminal on this machine (openpty: \(String(cString: strerror(errno))))")
        }
        ptyName = String(cString: name)
        _ = fcntl(ptyMaster, F_SETFD, FD_CLOEXEC)
        _ = fcntl(ptySlave, F_SETFD, FD_CLOEXEC)
        var attributes = termios()
        tcgetattr(ptySlave, &attributes)
        cfmakeraw(&attributes)
        tcsetattr(ptySlave, TCSANOW, &attributes)
        var size = winsize(ws_row: 42, ws_col: 99, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(ptySlave, UInt(TIOCSWINSZ), &size)
        tcgetattr(ptySlave, &slaveAttributes)
        _ = ioctl(ptySlave, UInt(TIOCGWINSZ), &slaveSize)
        return ptySlave
    }

    /// What changed on the terminal since it was opened: keystrokes pushed
    /// into its input queue, its modes, its window size ([] if nothing).
    public var terminalChanges: [String] {
        guard ptySlave >= 0 else { return [] }
        var changes: [String] = []
        var pending: Int32 = 0
        if ioctl(ptySlave, UInt(FIONREAD), &pending) == 0, pending > 0 { changes.append("\(pending) bytes injected into its input") }
        var now = termios()
        tcgetattr(ptySlave, &now)
        if now.c_lflag != slaveAttributes.c_lflag || now.c_iflag != slaveAttributes.c_iflag || now.c_oflag != slaveAttributes.c_oflag {
            changes.append("modes changed")
        }
        var size = winsize()
        _ = ioctl(ptySlave, UInt(TIOCGWINSZ), &size)
        if size.ws_row != slaveSize.ws_row || size.ws_col != slaveSize.ws_col { changes.append("window size changed") }
        return changes
    }

    /// Files the program managed to create in `directory`.
    public var planted: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0 != "host.txt" }
    }

    /// Whether the host file still holds exactly the secret.
    public var hostFileIntact: Bool {
        (try? String(contentsOfFile: hostFile, encoding: .utf8)) == secret
    }

    /// Python (3, stdlib only) defining `kai_probe()`: a list of facts about
    /// the descriptors the program has and what it could do through them —
    /// `fdN=TARGET` for each, and `read_leak`, `write_leak`, `socket_leak`,
    /// `tty`, `tiocsti`, `tcsetattr`, `winsize` for each that let it reach
    /// the host; then `devtty=` (opening /dev/tty: OPENED or the errno
    /// name) and `ctty=` (tty_nr from /proc/self/stat, 0 for none).
    /// Never blocks: every open is non-blocking.
    public var probeSource: String {
        """
        import errno, fcntl, os, stat, struct, termios
        def kai_probe():
            # reversed: a program file holding this source must not hold the secret
            secret, host_file, host_dir = \(Self.pythonString(String(secret.reversed())))[::-1], \(Self.pythonString(hostFile)), \(Self.pythonString(directory))
            facts = []
            def readable(path):
                try:
                    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
                except OSError:
                    return False
                try:
                    return secret.encode() in os.read(fd, 4096)
                except OSError:
                    return False
                finally:
                    os.close(fd)
            for name in sorted(os.listdir('/proc/self/fd'), key=int):
                fd = int(name)
                try:
                    facts.append('fd%d=%s' % (fd, os.readlink('/proc/self/fd/' + name)))
                except OSError:
                    continue
                if readable('/proc/self/fd/%d' % fd) or readable('/proc/self/fd/%d%s' % (fd, host_file)):
                    facts.append('read_leak=fd%d' % fd)
                try:
                    os.close(os.open('/proc/self/fd/%d%s/planted-%d' % (fd, host_dir, fd), os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK, 0o644))
                    facts.append('write_leak=fd%d' % fd)
                except OSError:
                    pass
                try:
                    if stat.S_ISSOCK(os.fstat(fd).st_mode) and os.write(fd, b'PWNED') > 0:
                        facts.append('socket_leak=fd%d' % fd)
                except OSError:
                    pass
                if os.isatty(fd):
                    facts.append('tty=fd%d' % fd)
                    attempts = [('tiocsti', lambda: fcntl.ioctl(fd, termios.TIOCSTI, b'x')),
                                ('tcsetattr', lambda: termios.tcsetattr(fd, termios.TCSANOW,
                                    [a | termios.ECHO | termios.ICANON if i == 3 else a for i, a in enumerate(termios.tcgetattr(fd))])),
                                ('winsize', lambda: fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 1, 1, 0, 0)))]
                    for what, attempt in attempts:
                        try:
                            attempt()
                            facts.append('%s=fd%d' % (what, fd))
                        except (OSError, termios.error):
                            pass
            try:
                os.close(os.open('/dev/tty', os.O_RDWR | os.O_NONBLOCK))
                facts.append('devtty=OPENED')
            except OSError as e:
                facts.append('devtty=' + errno.errorcode.get(e.errno, str(e.errno)))
            with open('/proc/self/stat') as f:
                facts.append('ctty=' + f.read().rsplit(')', 1)[1].split()[4])
            return facts
        """
    }

    private static func pythonString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// Parses the probe's facts (one `name=value` per element).
    public static func facts<S: StringProtocol>(_ lines: [S]) -> [(name: String, value: String)] {
        lines.compactMap { line in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    /// The facts that show a descriptor of the caller's reaching the
    /// program, as readable text ([] when none did).
    public static func leaks(_ facts: [(name: String, value: String)]) -> [String] {
        let bad: Set = ["read_leak", "write_leak", "socket_leak", "tty", "tiocsti", "tcsetattr", "winsize"]
        return facts.filter { bad.contains($0.name) || ($0.name == "devtty" && $0.value == "OPENED") || ($0.name == "ctty" && $0.value != "0") }
            .map { "\($0.name)=\($0.value)" }
    }
}

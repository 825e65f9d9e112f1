import Foundation

/// A real PostgreSQL server for the tests, one per test process: initdb'd
/// in a temporary directory on first use, listening on 127.0.0.1 at a free
/// port with password (SCRAM) authentication, stopped when the process
/// exits. Each test takes a database of its own (`createDatabase`).
///
/// PostgreSQL refuses to run as root: as root, the server runs as the
/// `postgres` user (`runuser`), which owns its directory.
public final class PostgresServer: Sendable {
    public let host = "127.0.0.1"
    public let port: Int
    public let user = "kai"
    /// A fresh random password, the server's only way in over TCP.
    public let password: String
    public let directory: String
    let binaries: String

    /// The server, started on first use; nil (see `startFailure`) when it cannot run.
    public static var shared: PostgresServer? { try? state.get() }
    /// The server, started on first use; throws why it could not start.
    public static func started() throws -> PostgresServer {
        switch state {
        case .success(let server): return server
        case .failure(let why): throw FixtureError(message: why.message)
        }
    }

    /// Why the server could not start, once a test asked for it; nil when it runs.
    public static var startFailure: String? {
        if case .failure(let why) = state { return why.message }
        return nil
    }
    /// Why there can be no server (no binaries, no user to run them as),
    /// for `.enabled(if:)` comments; nil when one can start. Starts nothing:
    /// traits are evaluated while tests are discovered, when many fixtures
    /// spawn processes at once, and the server starts on first use instead.
    public static let missing: String? = {
        guard findBinaries() != nil else {
            return "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin; install Debian's postgresql (make deps installs it)"
        }
        if geteuid() == 0, getpwnam("postgres") == nil || !FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") {
            return "running as root, PostgreSQL needs an unprivileged 'postgres' user and runuser to run as; install Debian's postgresql"
        }
        return nil
    }()
    /// Started once (a static let initializes once, thread-safely).
    private static let state: Result<PostgresServer, PostgresUnavailable> = launch()

    /// `postgres://kai@127.0.0.1:PORT/DATABASE` (no password: tests pass it as a secret).
    public func url(database: String) -> String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// Creates an empty database with a unique name and returns the name.
    public func createDatabase() throws -> String {
        let name = "kai_\(getpid())_\(Self.counter.next())"
        let outcome = try Subprocess.run(
            binaries + "/createdb", ["-h", host, "-p", String(port), "-U", user, name],
            environment: ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"])
        guard outcome.status == 0 else { throw FixtureError(message: "createdb failed: \(outcome.stderr)") }
        return name
    }

    /// Runs SQL with psql on `database`; returns its unaligned, tuples-only output.
    public func query(_ database: String, _ sql: String) throws -> String {
        let outcome = try Subprocess.run(
            "/usr/bin/psql", ["-h", host, "-p", String(port), "-U", user, "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            environment: ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"])
        guard outcome.status == 0 else { throw FixtureError(message: "psql failed: \(outcome.stderr)") }
        return outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private init(port: Int, password: String, directory: String, binaries: String) {
        self.port = port
        self.password = password
        self.directory = directory
        self.binaries = binaries
    }

    private static let counter = Counter()

    private static func launch() -> Result<PostgresServer, PostgresUnavailable> {
        guard let binaries = findBinaries() else {
            return .failure(PostgresUnavailable(message: "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin; install Debian's postgresql (make deps installs it)"))
        }
        var runAs: [String] = []
        if geteuid() == 0 {
            guard getpwnam("postgres") != nil, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
                return .failure(PostgresUnavailable(message: "running as root, PostgreSQL needs an unprivileged 'postgres' user and runuser to run as; install Debian's postgresql"))
            }
            runAs = ["/usr/sbin/runuser", "-u", "postgres", "--"]
        }
        do {
            let directory = Fixtures.scratch + "/postgres-\(getpid())"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let password = (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 36) }.joined()
            try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/pw"))
            if let postgres = getpwnam("postgres"), geteuid() == 0 {
                for path in [directory, directory + "/pw"] { chown(path, postgres.pointee.pw_uid, postgres.pointee.pw_gid) }
            }
            chmod(directory, 0o700)
            try run(runAs + [binaries + "/initdb", "-D", directory + "/data", "-U", "kai", "-A", "scram-sha-256",
                             "--pwfile=" + directory + "/pw", "-E", "UTF8", "--no-sync"])
            let port = try freePort()
            // fsync off: a test server's data need not survive a power cut.
            try run(runAs + [binaries + "/pg_ctl", "-D", directory + "/data", "-l", directory + "/log", "-w", "-o",
                             "-k \(directory) -h 127.0.0.1 -p \(port) -c fsync=off -c max_connections=200", "start"])
            let server = PostgresServer(port: port, password: password, directory: directory, binaries: binaries)
            stopCommand.value = runAs + [binaries + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "stop"]
            serverDirectory.value = [directory]
            atexit { PostgresServer.stop() }
            return .success(server)
        } catch {
            return .failure(PostgresUnavailable(message: "PostgreSQL could not be started: \(error)"))
        }
    }

    private static let stopCommand = OnceBox2()
    private static let serverDirectory = OnceBox2()

    /// Stops the server (at exit).
    static func stop() {
        guard let command = stopCommand.value else { return }
        try? run(command)
        if let directory = serverDirectory.value?.first { try? FileManager.default.removeItem(atPath: directory) }
    }

    private static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb"),
               FileManager.default.isExecutableFile(atPath: bin + "/pg_ctl") { return bin }
        }
        return nil
    }

    /// Runs a command with its output in a file, not a pipe, and waits
    /// with waitpid: the server pg_ctl starts inherits its descriptors (a
    /// pipe would never close), and Foundation's Process missed the exit
    /// of `runuser` whose grandchild daemonized.
    private static func run(_ command: [String]) throws {
        let output = NSTemporaryDirectory() + "kai-pg-\(getpid())-\(counter.next()).out"
        defer { unlink(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw FixtureError(message: "cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            throw FixtureError(message: "\(command.joined(separator: " ")) failed (status \(status)): \(text)")
        }
    }

    /// A port the kernel just handed out on 127.0.0.1.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError(message: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw FixtureError(message: "bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the tests have no PostgreSQL server.
public struct PostgresUnavailable: Error, Sendable {
    public let message: String
}

/// `@unchecked Sendable`: guarded by its lock.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// `@unchecked Sendable`: guarded by its lock.
private final class OnceBox2: @unchecked Sendable {
    private var stored: [String]?
    private let lock = NSLock()
    var value: [String]? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

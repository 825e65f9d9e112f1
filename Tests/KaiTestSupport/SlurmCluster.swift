import Foundation

/// A single-node Slurm cluster of the test's own: munged with its own key
/// and socket, MariaDB and slurmdbd (sacct reads job accounting from
/// slurmdbd only; slurm 22.05's sacct cannot read jobcomp/filetxt), slurmctld
/// and slurmd, all in the foreground as children of the test process, on
/// free ports, with every file in one temporary directory. `stop()` ends
/// them in reverse order.
public final class SlurmCluster {
    /// The programs the cluster needs (Debian: slurm-wlm, slurmdbd, munge, mariadb-server).
    static let programs = ["munged", "mungekey", "mariadb-install-db", "mariadbd", "mariadb", "slurmdbd", "slurmctld", "slurmd",
                           "sbatch", "sacct", "sacctmgr", "scontrol", "sinfo", "scancel"]

    /// Why the cluster cannot start here (nil when it can): tests skip with it.
    public static let missing: String? = {
        guard geteuid() == 0 else { return "needs root (slurmd runs jobs as their user; munged and slurmdbd run as root here)" }
        let absent = programs.filter { path(of: $0) == nil }
        return absent.isEmpty ? nil
            : "needs the Slurm daemons and clients, munge and MariaDB (apt-get install slurm-wlm slurmdbd munge mariadb-server); missing: "
                + absent.joined(separator: ", ")
    }()

    public let directory: String
    /// SLURM_CONF for every client command and kai.
    public var configPath: String { directory + "/slurm.conf" }
    public var environment: [String: String] { ["SLURM_CONF": configPath, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"] }
    private var daemons: [SlurmDaemon] = []

    /// Starts the cluster and waits (with deadlines, by asking each daemon)
    /// until it runs jobs. Throws with the daemons' logs named when it does not.
    public init() throws {
        var template = Array("/tmp/kai-slurm-XXXXXX".utf8CString)  // short: socket paths have a 108-byte limit
        guard mkdtemp(&template) != nil else { throw SlurmClusterError("mkdtemp failed: \(String(cString: strerror(errno)))") }
        directory = String(cString: template)
        do {
            try start()
        } catch {
            stop()
            throw error
        }
    }

    private func start() throws {
        let ports = try FreePorts.take(4)
        let (ctld, slurmd, dbd, db) = (ports[0], ports[1], ports[2], ports[3])
        for sub in ["munge", "state", "spool", "db"] {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        try check("mungekey", ["--create", "--keyfile=\(directory)/munge/munge.key"])
        try launch("munged", ["-F", "--force", "--socket=\(munge)", "--key-file=\(directory)/munge/munge.key",
                              "--pid-file=\(directory)/munge/pid", "--seed-file=\(directory)/munge/seed", "--log-file=\(directory)/munge/log"])
        try waitUntil("munged to create its socket") { FileManager.default.fileExists(atPath: self.munge) }
        try check("mariadb-install-db", ["--no-defaults", "--datadir=\(directory)/db/data", "--user=root",
                                         "--auth-root-authentication-method=normal", "--skip-test-db"])
        try launch("mariadbd", ["--no-defaults", "--datadir=\(directory)/db/data", "--user=root", "--socket=\(directory)/db/sock",
                                "--port=\(db)", "--bind-address=127.0.0.1", "--pid-file=\(directory)/db/pid", "--skip-log-bin",
                                "--innodb-buffer-pool-size=16M", "--innodb-lock-wait-timeout=900"])
        try waitUntil("MariaDB to accept connections") {
            self.succeeds("mariadb", ["--no-defaults", "-S", "\(self.directory)/db/sock", "-u", "root", "-e", "select 1"])
        }
        try SlurmConfig(directory: directory, munge: munge, ctld: ctld, slurmd: slurmd, dbd: dbd, db: db).write()
        try launch("slurmdbd", ["-D"])
        try waitUntil("slurmdbd to answer sacctmgr") { self.succeeds("sacctmgr", ["-n", "list", "cluster"]) }
        try launch("slurmctld", ["-D", "-i"])
        try launch("slurmd", ["-D", "-N", "localhost"])
        try waitUntil("slurmctld to answer scontrol ping") { self.output("scontrol", ["ping"]).contains("is UP") }
        try waitUntil("the node to be idle in sinfo") { self.output("sinfo", ["-h", "-o", "%T"]).hasPrefix("idle") }
    }

    var munge: String { directory + "/munge/sock" }

    /// Cancels what is left of the test's jobs, then ends the daemons in
    /// reverse start order (SIGTERM, then SIGKILL after a deadline).
    public func stop() {
        if daemons.contains(where: { $0.name == "slurmctld" && $0.isRunning }) {
            _ = succeeds("scancel", ["--user=root", "--full"])
        }
        for daemon in daemons.reversed() { daemon.stop() }
        daemons = []
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    /// Stops one daemon (by program name, e.g. "slurmdbd") until `start(daemon:)`.
    public func stop(daemon name: String) {
        daemons.first { $0.name == name }?.stop()
    }

    /// Starts a daemon `stop(daemon:)` stopped, as it was started before.
    public func start(daemon name: String) throws {
        guard let index = daemons.firstIndex(where: { $0.name == name }) else { throw SlurmClusterError("no daemon \(name)") }
        let old = daemons[index]
        daemons[index] = try SlurmDaemon(old.path, old.arguments, environment: environment, log: "\(directory)/\(name).log")
    }

    /// A client command's stdout ("" when it fails).
    public func output(_ command: String, _ arguments: [String]) -> String {
        guard let path = Self.path(of: command),
              let outcome = try? Subprocess.run(path, arguments, environment: environment), outcome.status == 0 else { return "" }
        return outcome.stdout
    }

    public func succeeds(_ command: String, _ arguments: [String]) -> Bool {
        guard let path = Self.path(of: command) else { return false }
        return (try? Subprocess.run(path, arguments, environment: environment))?.status == 0
    }

    private func check(_ command: String, _ arguments: [String]) throws {
        let outcome = try Subprocess.run(Self.path(of: command)!, arguments, environment: environment)
        guard outcome.status == 0 else { throw SlurmClusterError("\(command) failed: \(outcome.stderr)") }
    }

    /// Starts a daemon in the foreground, its output in <directory>/<name>.log.
    private func launch(_ command: String, _ arguments: [String]) throws {
        daemons.append(try SlurmDaemon(Self.path(of: command)!, arguments, environment: environment, log: "\(directory)/\(command).log"))
    }

    /// Polls `ready` until it holds, failing after a deadline with the logs.
    /// Public for what reaches the cluster's accounting late: slurmdbd takes
    /// job records from slurmctld asynchronously, so `sacct` may not list a
    /// finished array's tasks yet.
    public func waitUntil(_ what: String, deadline seconds: Double = 60, _ ready: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !ready() {
            if let dead = daemons.first(where: { !$0.isRunning }) {
                throw SlurmClusterError("waiting for \(what): \(dead.name) exited; see \(directory)/*.log")
            }
            guard Date() < deadline else { throw SlurmClusterError("\(what) did not happen within \(Int(seconds)) s; see \(directory)/*.log") }
            usleep(50_000)
        }
    }

    static func path(of command: String) -> String? {
        ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

public struct SlurmClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

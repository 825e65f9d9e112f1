import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Issue 9, item 6 (a): a call whose record cannot be written (disk full,
/// read-only database, lock held past the busy timeout) never exits 0
/// silently: its result still reaches stdout, and kai says what was lost
/// and how to fix it, with exit 75 (EX_TEMPFAIL).
@Suite(.serialized) struct RecordingFailureTests {
    typealias Workspace = RegistryCLITests.Workspace

    @Test(.enabled(if: PrivateMount.available, PrivateMount.missing))
    func toolsCall_whenTheDiskIsFull_printsTheResultAndExits75NamingTheLostRecord() throws {
        let workspace = try Workspace("full-disk")
        let mountPoint = workspace.directory + "/full"
        let database = mountPoint + "/registry.sqlite"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let call = PrivateMount.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#, "--database", database], workspace)
        // A 1 MiB tmpfs: the first call creates the database. A reader then
        // holds a snapshot open, so the shared-memory and log files stay
        // allocated and the log cannot restart over old pages (how much room
        // kai's open needs no longer depends on what the first call left).
        // A file fills the disk but for 20 KiB: room to open, not to log the
        // call's pages.
        let ready = workspace.directory + "/ready"
        let outcome = try PrivateMount.run("""
            mount -t tmpfs -o size=1m tmpfs \(mountPoint) || exit 90
            \(call) > /dev/null || exit 91
            mkfifo \(ready) || exit 92
            python3 -c '\(Self.snapshotHolder)' \(database) > \(ready) 2> /dev/null & holder=$!
            read line < \(ready)
            head -c 2000000 /dev/zero > \(mountPoint)/fill 2> /dev/null
            truncate -s -20k \(mountPoint)/fill || exit 93
            \(call)
            status=$?
            kill $holder
            exit $status
            """)
        #expect(outcome.stdout == #"{"sum":3}"# + "\n", "the result still reaches stdout")
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(outcome.stderr == """
            kai: error: the call of test.fixture.add ran, but its record could not be written to the registry and is lost: \
            registry: could not record a call of 'test.fixture.add': database or disk is full (SQLite code 13). \
            Free space on the file system holding \(database), then retry.\n
            """)
    }

    /// Opens the database, holds a read transaction and says so; killed by the script.
    static let snapshotHolder = """
        import sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute("BEGIN")
        db.execute("SELECT count(*) FROM sqlite_master").fetchall()
        print("held", flush=True)
        time.sleep(120)
        """

    @Test(.enabled(if: PrivateMount.available, PrivateMount.missing))
    func toolsCall_onAReadOnlyDatabase_refusesBeforeCallingAndExits74() throws {
        let workspace = try Workspace("read-only")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
        // Root ignores file modes: a read-only bind mount is what stops it.
        let outcome = try PrivateMount.run("""
            mount -o bind,ro \(workspace.directory) \(workspace.directory) || exit 90
            \(PrivateMount.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#], workspace))
            """)
        #expect(outcome.status == 74, "\(outcome.stderr)")
        #expect(outcome.stdout == "", "nothing ran, so nothing was lost")
        #expect(outcome.stderr == """
            kai: error: registry: cannot write \(workspace.database): Read-only file system; \
            kai must be able to write \(workspace.database) and create files in \(workspace.directory): \
            check that they are writable (not on a read-only mount) or give --database another file\n
            """)
    }

    @Test(.timeLimit(.minutes(1)))
    func toolsCall_whenAnotherProcessHoldsTheLockPastTheBusyTimeout_exits75NamingTheLostRecord() throws {
        let workspace = try Workspace("locked")
        #expect(try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#]).status == 0)
        // The holder first commits a write, so the write-ahead log is not
        // empty and kai opens the file without writing; it then waits its
        // 5 s busy timeout to record the call, and gives up.
        let holder = try LockHolder(workspace.database)
        let outcome = try workspace.kai(["tools", "call", "add", "--args", #"{"a": 1, "b": 2}"#])
        holder.release()
        #expect(outcome.stdout == #"{"sum":3}"# + "\n", "the result still reaches stdout")
        #expect(outcome.status == 75, "\(outcome.stderr)")
        #expect(outcome.stderr == """
            kai: error: the call of test.fixture.add ran, but its record could not be written to the registry and is lost: \
            registry: could not record a call of 'test.fixture.add': database is locked (SQLite code 5). \
            Another process held the registry's write lock past the busy timeout: find it with `fuser \(workspace.database)`, \
            let it finish, then retry.\n
            """)
        let logs = try JSONParser.parse(try workspace.kai(["logs", "--json"]).stdout).arrayValue ?? []
        #expect(logs.count == 1, "the lost call is not in the log")
    }
}

/// Holds SQLite's write lock on a database (BEGIN EXCLUSIVE, from python3's
/// sqlite3) until `release()`, after committing one write so the write-ahead
/// log stays non-empty while it is connected.
struct LockHolder {
    let process: Process
    let input: Pipe

    init(_ path: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("UPDATE plugins SET last_seen = last_seen + 1")  # a real change: a no-op writes no frame
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            sys.stdin.read()
            db.execute("COMMIT")
            """, path]
        let output = Pipe()
        input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        let line = String(decoding: output.fileHandleForReading.readData(ofLength: 6), as: UTF8.self)
        guard line == "locked" else { throw FixtureError(message: "the lock holder did not take the lock: \(line)") }
    }

    func release() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// Runs a shell script as root in a mount namespace of its own (`unshare
/// -m`), so the tmpfs and read-only mounts it makes vanish with it.
enum PrivateMount {
    static let missing: Comment = "needs root and `unshare -m` (a private mount namespace) to mount a tmpfs or a read-only bind mount"

    static let available: Bool = {
        guard getuid() == 0, let outcome = try? run("mount -t tmpfs -o size=64k tmpfs /mnt") else { return false }
        return outcome.status == 0
    }()

    /// `kai ARGS --config … --no-bundled-plugins`, quoted for sh.
    static func kai(_ arguments: [String], _ workspace: RegistryCLITests.Workspace) -> String {
        ([KaiProcess.executable] + arguments + ["--config", workspace.config, "--no-bundled-plugins"])
            .map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
    }

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ script: String) throws -> Outcome {
        let outcome = try Subprocess.run("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", script],
                                         environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": KaiProcess.home])
        return Outcome(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr)
    }
}

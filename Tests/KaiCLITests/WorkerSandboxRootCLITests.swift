import Foundation
import KaiJSON
import KaiTestSupport
import Testing

/// Review items 2 and 14: an `isolation: sandbox` worker has a root of its
/// own, so it reaches nothing of the user who runs kai — not a 0600 file,
/// not a Unix socket, not /root or /home — whatever that user's uid; and
/// where no /proc of its own can be mounted it fails saying so.
@Suite struct WorkerSandboxRootCLITests {
    typealias ProbeWorkspace = WorkerIsolationCLITests.ProbeWorkspace

    /// A directory outside everything the worker is given (not under the
    /// plugin's directory), holding a file and a listening Unix socket,
    /// all owned by `owner` with `mode` (0700 dir, `fileMode` file and socket).
    final class Belongings {
        let directory: String
        let socket: Int32

        init(owner: uid_t, directoryMode: Int, fileMode: Int) throws {
            directory = "/tmp/kai-belongings-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            try "the user's key\n".write(toFile: directory + "/key", atomically: false, encoding: .utf8)
            socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = directory + "/agent.sock"
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                _ = path.withCString { strncpy(raw.baseAddress!.assumingMemoryBound(to: CChar.self), $0, raw.count - 1) }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 && listen(socket, 8) == 0
                }
            }
            try #require(bound, "cannot listen on \(path): errno \(errno)")
            for (item, mode) in [(directory, directoryMode), (directory + "/key", fileMode), (path, fileMode)] {
                try #require(chown(item, owner, gid_t(owner)) == 0 && chmod(item, mode_t(mode)) == 0, "chown/chmod \(item)")
            }
        }

        var arguments: String { #"{"file": "\#(directory)/key", "socket": "\#(directory)/agent.sock", "dir": "\#(directory)"}"# }

        deinit {
            close(socket)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// `kai` run as nobody (setpriv), as WorkerIsolationCLITests does.
    static func kaiAsNobody(_ arguments: [String], in directory: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", KaiProcess.executable] + arguments,
                in: directory)
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let outcome = try Subprocess.run(executable, arguments,
                                         environment: directory.map { ["PATH": "/usr/bin:/bin", "HOME": $0] }, directory: directory)
        return (outcome.status, outcome.stdout, outcome.stderr)
    }

    static func needsSandboxAsRoot() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            try Test.cancel("needs root and /usr/bin/setpriv to run kai as nobody")
        }
        if let missing = SandboxProbe.missing() { try Test.cancel(Comment(rawValue: missing)) }
    }

    @Test func sandboxWorker_ofAnUnprivilegedKai_cannotOpenTheUsersFileNorConnectToItsSocket() throws {
        try Self.needsSandboxAsRoot()
        let belongings = try Belongings(owner: 65534, directoryMode: 0o700, fileMode: 0o600)
        // The same plugin under isolation: process reaches both: the probe works.
        let open = try ProbeWorkspace("reach-nobody-process", isolation: "process")
        let control = try Self.kaiAsNobody(open.arguments("test.probe.reach") + ["--args", belongings.arguments], in: open.directory)
        try #require(control.status == 0, "\(control.stderr)")
        #expect(try JSONParser.parse(control.stdout) == ["file": "READ", "socket": "CONNECTED", "dir": "LISTED"])
        let sandboxed = try ProbeWorkspace("reach-nobody-sandbox", isolation: "sandbox")
        let outcome = try Self.kaiAsNobody(sandboxed.arguments("test.probe.reach") + ["--args", belongings.arguments], in: sandboxed.directory)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        #expect(try JSONParser.parse(outcome.stdout) == ["file": "ENOENT", "socket": "ENOENT", "dir": "ENOENT"])
    }

    @Test func sandboxWorker_ofRootKai_seesNothingOfRootHomeOrTheHostsTmp() throws {
        try Self.needsSandboxAsRoot()
        // World-readable, so only the worker's own root can hide them.
        let belongings = try Belongings(owner: 0, directoryMode: 0o755, fileMode: 0o666)
        let workspace = try ProbeWorkspace("reach-root", isolation: "sandbox")
        for dir in [belongings.directory, "/root", "/home", "/run", "/var"] {
            let arguments = #"{"file": "\#(belongings.directory)/key", "socket": "\#(belongings.directory)/agent.sock", "dir": "\#(dir)"}"#
            let outcome = try KaiProcess.run(workspace.arguments("test.probe.reach") + ["--args", arguments])
            try #require(outcome.status == 0, "\(outcome.stderr)")
            #expect(try JSONParser.parse(outcome.stdout) == ["file": "ENOENT", "socket": "ENOENT", "dir": "ENOENT"], "\(dir)")
        }
    }

    /// Item 14: a container whose /proc has masked parts (here: a file of
    /// it covered by a bind mount, as Docker does) refuses a fresh /proc in
    /// a user namespace. The sandboxed scan of the plugin fails at once,
    /// saying why and what to do (and is not cached: it is retried once the
    /// machine is fixed); so would a call.
    @Test func sandboxWorker_whereProcIsMasked_failsSayingWhyAndWhatToDo() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            try Test.cancel("needs root and /usr/bin/unshare to mask /proc in a mount namespace of the test's own")
        }
        if let missing = SandboxProbe.missing() { try Test.cancel(Comment(rawValue: missing)) }
        let workspace = try ProbeWorkspace("masked-proc", isolation: "sandbox")
        let masked = ["--mount", "--propagation", "private", "/bin/sh", "-c", #"mount --bind /dev/null /proc/uptime && exec "$@""#, "sh",
                      KaiProcess.executable]
        let reason = "isolation sandbox: cannot mount a /proc of its own: Operation not permitted. This machine's /proc "
            + "has parts hidden by other mounts (container runtimes such as Docker and Podman mask it by default); run the container "
            + "with --security-opt systempaths=unconfined, or use isolation: process on this machine."
        let list = try Self.run("/usr/bin/unshare", masked + ["plugins", "list", "--config", workspace.config, "--no-bundled-plugins"])
        #expect(list.stdout.hasSuffix("\nfailed: \(workspace.probe): \(reason)\n"), "\(list.stdout)\n\(list.stderr)")
        // Unmasked, the same file loads and runs: nothing was cached.
        let outcome = try KaiProcess.run(workspace.arguments("test.probe.identity"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // Now known to the scan cache, the file loads under the mask too; the
        // call's worker fails at once, with the same reason.
        let call = try Self.run("/usr/bin/unshare", masked + workspace.arguments("test.probe.identity"))
        #expect(call.status == 69)
        #expect(call.stdout == "")
        #expect(call.stderr.split(separator: "\n").last.map(String.init)
            == "kai: error: tool \"test.probe.identity\" is unavailable: \(workspace.probe): \(reason)", "\(call.stderr)")
    }
}

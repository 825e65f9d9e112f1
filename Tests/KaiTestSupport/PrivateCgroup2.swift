import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real, pure cgroup v2 machine for one shell script, on a machine that
/// binds its memory and pids controllers to cgroup v1.
///
/// The script runs as root in a private mount namespace where a cgroup2 file
/// system is mounted over /sys/fs/cgroup — the launcher's sign of a pure v2
/// machine. It is the same hierarchy the host has at /sys/fs/cgroup/unified,
/// whose root offers a controller v1 does not use (hugetlb). The script's
/// shell sits in a fresh cgroup `$T` (/sys/fs/cgroup/kai-test-…), standing
/// for the cgroup an operator started kai in (a systemd unit with
/// `Delegate=yes`), with hugetlb enabled in the root's `subtree_control` as
/// the init system would.
///
/// Everything made is removed afterwards, whatever the script did: `$T`'s
/// processes are killed (cgroup.kill), its cgroups removed deepest first,
/// and the root's `subtree_control` put back. That runs from outside the
/// namespace, through the host's own mount of the same hierarchy.
public enum PrivateCgroup2 {
    /// What the script did, and what it left in `$T`.
    public struct Outcome: Sendable, CustomStringConvertible {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// `$T`'s name under the hierarchy's root, e.g. "kai-test-4242-9f3a1c".
        public let cgroup: String
        /// `$OUT`: a directory the script may write files into (reports).
        public let files: String
        /// The cgroups under `$T` when the script ended (paths relative to
        /// `$T`, parents first), before cleanup removed them.
        public let leftovers: [String]
        /// What cleanup could not do; empty when it put everything back.
        public let cleanupProblems: [String]

        /// `key=value` lines the script printed.
        public var facts: [String: String] {
            var result: [String: String] = [:]
            for line in stdout.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                result[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return result
        }

        /// The text of a file the script wrote into `$OUT`.
        public func file(_ name: String) -> String? {
            try? String(contentsOfFile: files + "/" + name, encoding: .utf8)
        }

        public var description: String {
            "exit=\(status) T=\(cgroup) leftovers=\(leftovers) cleanup=\(cleanupProblems)\n"
                + "stdout: \(stdout.suffix(2000))\nstderr: \(stderr.suffix(3000))"
        }
    }

    /// The launcher the scripts get as $KAI_SANDBOX: from $KAI_SANDBOX_BIN
    /// when set (as the attack suite's Sandbox.binDirectory), else the build's.
    public static let launcher = (ProcessInfo.processInfo.environment["KAI_SANDBOX_BIN"] ?? Fixtures.buildDirectory) + "/kai-sandbox"
    static let controller = "hugetlb"
    static let unshare = "/usr/bin/unshare"
    static let lockPath = "/tmp/kai-private-cgroup2.lock"

    /// Runs `script` with /bin/sh as described above. Its environment:
    /// `T` (its cgroup), `KAI_SANDBOX` (the launcher), `OUT`, a PATH, and
    /// `environment`. `hugetlbInRoot` false leaves the controller off in the
    /// root's subtree_control instead (a parent that gives none). A script
    /// still running after `limitSeconds` is killed (exit 124).
    public static func run(_ script: String, hugetlbInRoot: Bool = true, environment: [String: String] = [:],
                           limitSeconds: Int = 120) throws -> Outcome {
        guard let mount = hostMount else { throw FixtureError(message: unavailable ?? "no cgroup2 hierarchy") }
        // One at a time, across suites and test processes: every run sets
        // the root's subtree_control. flock, released when the fd closes.
        let lock = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw FixtureError(message: "open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw FixtureError(message: "flock \(lockPath): \(String(cString: strerror(errno)))") }
        }
        let name = "kai-test-\(getpid())-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let outside = mount + "/" + name
        let out = Fixtures.scratch + "/" + name
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let scriptPath = out + "/script.sh"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)

        // The root's subtree_control as the test needs it, put back after.
        let rootWasOn = enabled(in: mount)
        func setRoot(_ on: Bool) -> String? {
            enabled(in: mount) == on ? nil : writeControl(mount + "/cgroup.subtree_control", (on ? "+" : "-") + controller)
        }
        if let problem = setRoot(hugetlbInRoot) { throw FixtureError(message: "cannot set up the root's subtree_control: \(problem)") }
        var problems: [String] = []
        defer { _ = setRoot(rootWasOn) } // the paths that throw; idempotent
        guard mkdir(outside, 0o755) == 0 else { throw FixtureError(message: "mkdir \(outside): \(String(cString: strerror(errno)))") }

        // The namespace's shell mounts the hierarchy, moves itself into $T
        // and runs the script there (under timeout, a hang guard). Then it
        // steps out to the root and kills whatever the script left in $T:
        // a background process still holding stdout would otherwise keep
        // the read below, and so the cleanup after it, waiting.
        let wrapper = """
            mount -t cgroup2 none /sys/fs/cgroup || { echo "PrivateCgroup2: cannot mount cgroup2 on /sys/fs/cgroup" >&2; exit 90; }
            echo $$ > "$T/cgroup.procs" || { echo "PrivateCgroup2: cannot move the shell into $T" >&2; exit 91; }
            /usr/bin/timeout -k 5 \(limitSeconds) /bin/sh "$OUT/script.sh"
            status=$?
            echo $$ > /sys/fs/cgroup/cgroup.procs && echo 1 > "$T/cgroup.kill"
            exit $status
            """
        var env = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
                   "T": "/sys/fs/cgroup/" + name, "KAI_SANDBOX": launcher, "OUT": out]
        env.merge(environment) { _, given in given }
        let result: Subprocess.Outcome
        do {
            result = try Subprocess.run(unshare, ["-m", "--propagation", "private", "/bin/sh", "-c", wrapper], environment: env)
        } catch {
            _ = removeTree(outside)
            throw error
        }
        let leftovers = children(of: outside)
        problems += removeTree(outside)
        if let problem = setRoot(rootWasOn) { problems.append("cannot restore the root's subtree_control: \(problem)") }
        return Outcome(status: result.status, stdout: result.stdout, stderr: result.stderr, cgroup: name, files: out,
                       leftovers: leftovers, cleanupProblems: problems)
    }

    // MARK: - Cleanup, from outside the namespace

    /// Kills everything in `dir`'s subtree, waits for it to empty, and
    /// removes its cgroups deepest first. Returns what failed.
    static func removeTree(_ dir: String) -> [String] {
        var problems: [String] = []
        if let problem = writeControl(dir + "/cgroup.kill", "1") { problems.append(problem) }
        let emptied = waitUntil(seconds: 10) {
            (try? String(contentsOfFile: dir + "/cgroup.events", encoding: .utf8))?.contains("populated 0") ?? true
        }
        if !emptied { problems.append("\(dir) still populated 10 s after cgroup.kill") }
        for child in children(of: dir).reversed() where rmdir(dir + "/" + child) != 0 {
            problems.append("rmdir \(dir)/\(child): \(String(cString: strerror(errno)))")
        }
        if rmdir(dir) != 0 { problems.append("rmdir \(dir): \(String(cString: strerror(errno)))") }
        return problems
    }

    /// The cgroups below `dir`, relative to it, each parent before its children.
    static func children(of dir: String, prefix: String = "") -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/" + prefix)) ?? []).sorted()
        return names.flatMap { name -> [String] in
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + relative, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
            return [relative] + children(of: dir, prefix: relative)
        }
    }

    /// One write(2) of `text`, as cgroup files need; nil when it worked.
    static func writeControl(_ path: String, _ text: String) -> String? {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return "open \(path): \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        let written = text.withCString { write(fd, $0, strlen($0)) }
        return written < 0 ? "write \"\(text)\" to \(path): \(String(cString: strerror(errno)))" : nil
    }

    static func enabled(in dir: String) -> Bool {
        let text = (try? String(contentsOfFile: dir + "/cgroup.subtree_control", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).contains { $0 == controller }
    }

    // MARK: - What the machine allows

    /// The host's own mount of the v2 hierarchy: /sys/fs/cgroup on a pure
    /// v2 machine, /sys/fs/cgroup/unified on a hybrid one.
    public static let hostMount: String? = {
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let cgroup2 = Set(mounts.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[2] == "cgroup2" ? String(fields[1]) : nil
        })
        return ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"].first(where: cgroup2.contains)
    }()

    /// Why these tests cannot run here, or nil when they can.
    public static let unavailable: String? = {
        guard geteuid() == 0 else { return "needs root (it mounts cgroup2 in a private mount namespace and makes cgroups)" }
        guard FileManager.default.isExecutableFile(atPath: unshare) else { return "needs \(unshare) (util-linux)" }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/timeout") else { return "needs /usr/bin/timeout (coreutils)" }
        guard let mount = hostMount else { return "needs a cgroup2 hierarchy (none at /sys/fs/cgroup or /sys/fs/cgroup/unified)" }
        let offered = (try? String(contentsOfFile: mount + "/cgroup.controllers", encoding: .utf8)) ?? ""
        guard offered.split(whereSeparator: \.isWhitespace).contains(where: { $0 == controller }) else {
            return "needs a controller free of cgroup v1 (\(controller)) in the v2 root's cgroup.controllers "
                + "(\(mount)/cgroup.controllers lists: \"\(offered.trimmingCharacters(in: .whitespacesAndNewlines))\")"
        }
        guard let tried = try? Subprocess.run(unshare, ["-m", "--propagation", "private", "/bin/sh", "-c",
                                                        "mount -t cgroup2 none /sys/fs/cgroup"]),
              tried.status == 0 else {
            return "needs a cgroup2 file system mountable in a private mount namespace (unshare -m; mount -t cgroup2 failed)"
        }
        return nil
    }()
}

extension Trait where Self == ConditionTrait {
    /// For tests that drive the launcher on a real pure cgroup v2 hierarchy
    /// (PrivateCgroup2). Runs take turns (a lock), since they share the
    /// root's subtree_control; a `.serialized` suite keeps them in order.
    public static var requiresPrivateCgroup2: Self {
        .enabled(if: PrivateCgroup2.unavailable == nil, Comment(rawValue: PrivateCgroup2.unavailable ?? ""))
    }
}

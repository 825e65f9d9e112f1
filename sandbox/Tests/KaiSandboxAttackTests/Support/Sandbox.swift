import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Drives the real `kai-sandbox` launcher: stages an attack program into a
/// files directory, runs it with a unique marker as its last argument, parses
/// the report and checks that nothing carrying the marker outlived the run.
enum Sandbox {
    static let attacksDirectory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("attacks").path
    }()

    /// The directory holding `kai-sandbox`: $KAI_SANDBOX_BIN, else the
    /// nearest ancestor of this test executable that has it.
    static let binDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["KAI_SANDBOX_BIN"] { return dir }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/"
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("kai-sandbox").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    static var launcher: String { binDirectory + "/kai-sandbox" }

    /// Scratch space for compiled attacks and staged file trees; world-readable
    /// so the launcher can copy from it when it runs as nobody.
    static let scratch: String = {
        // Earlier test processes' scratch dirs, once their process is gone.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix("kai-attacks-") {
            if let pid = pid_t(name.dropFirst("kai-attacks-".count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: "/tmp/" + name)
            }
        }
        let path = "/tmp/kai-attacks-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path + "/bin", withIntermediateDirectories: true)
        chmod(path, 0o755); chmod(path + "/bin", 0o755)
        return path
    }()

    /// A host secret in every launcher's environment; no report may contain it.
    static let hostSecret = "KAI_HOST_SECRET_" + UUID().uuidString.prefix(8)

    static func newMarker() -> String { "kaiattack-" + UUID().uuidString.prefix(12).lowercased() }

    private static let compiled = Mutex<[String: String]>([:])

    /// Compiles attacks/NAME.c once per test process; returns the binary's path.
    static func compile(_ name: String) throws -> String {
        if let path = compiled.withLock({ $0[name] }) { return path }
        // Parameterized tests compile the same attack concurrently: build to a
        // private name and rename, so nobody stages a half-written binary.
        let output = "\(scratch)/bin/\(name)"
        let partial = "\(output).\(UUID().uuidString.prefix(8))"
        let result = try Spawn.run(["/usr/bin/cc", "-std=gnu11", "-O0", "-Wall", "-o", partial,
                                    "\(attacksDirectory)/\(name).c", "-lpthread"],
                                   environment: ["PATH": "/usr/bin:/bin"])
        guard result.exitStatus == 0 else {
            throw SpawnError(description: "cc \(name).c failed: \(result.stderrText)")
        }
        guard rename(partial, output) == 0 else { throw SpawnError(description: "rename \(partial): errno \(errno)") }
        compiled.withLock { $0[name] = output }
        return output
    }

    /// A fresh world-readable directory holding copies of `files` (attack
    /// sources or compiled binaries), for `--files`.
    static func stage(_ files: [String]) throws -> String {
        let dir = "\(scratch)/stage-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o755)
        for file in files {
            let target = dir + "/" + URL(fileURLWithPath: file).lastPathComponent
            try FileManager.default.copyItem(atPath: file, toPath: target)
            chmod(target, 0o755)
        }
        return dir
    }

    /// The command line running `attack` inside the sandbox (from /work):
    /// python and shell files under Debian's interpreters, C compiled here.
    static func command(for attack: String) throws -> (staged: [String], argv: [String]) {
        if attack.hasSuffix(".py") {
            return (["\(attacksDirectory)/\(attack)"], ["/usr/bin/python3", "/work/\(attack)"])
        }
        if attack.hasSuffix(".sh") {
            return (["\(attacksDirectory)/\(attack)"], ["/bin/sh", "/work/\(attack)"])
        }
        let binary = try compile(attack)
        return ([binary], ["/work/\(attack)"])
    }

    struct Run {
        let report: Report
        let launcher: Spawned
        let marker: String
        /// Processes still carrying the marker after the bounded wait.
        let survivors: [pid_t]
        /// The launcher's cgroup directories still present after it exited.
        let leftoverCgroups: [String]
    }

    /// Runs `attack ARGS… MARKER` under the launcher with `options`;
    /// `extraFiles` are staged into /work beside it.
    static func run(_ attack: String, _ arguments: [String] = [], options: [String] = [],
                    marker: String = newMarker(), stdinPath: String = "/dev/null", newSession: Bool = false,
                    prefix: [String] = [], extraFiles: [String] = []) throws -> Run {
        let (staged, argv) = try command(for: attack)
        let dir = try stage(staged + extraFiles)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let full = prefix + [launcher, "--files", dir] + options + ["--"] + argv + arguments + [marker]
        let spawned = try Spawn.run(full, environment: hostEnvironment, stdinPath: stdinPath, newSession: newSession)
        let report: Report
        do {
            report = try Report(parsing: spawned.stdoutText)
        } catch {
            throw SpawnError(description: "launcher exit \(spawned.exitStatus.map(String.init) ?? "signal"), "
                             + "no report: \(error)\nstdout: \(spawned.stdoutText.prefix(800))\nstderr: \(spawned.stderrText.prefix(800))")
        }
        return Run(report: report, launcher: spawned, marker: marker, survivors: Processes.waitForNone(marker),
                   leftoverCgroups: Processes.cgroupDirectories(ofLauncher: spawned.pid))
    }

    static var hostEnvironment: [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": "/root", hostSecret: hostSecret, "KAI_HOST_TOKEN": hostSecret]
    }
}

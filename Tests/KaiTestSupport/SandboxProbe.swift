import Foundation

/// Whether this machine can run `isolation: sandbox` workers (and the
/// sandbox launcher): user namespaces, and a fresh /proc in a new pid
/// namespace — which the kernel refuses where the host's /proc has parts
/// masked by other mounts (Docker and Podman by default). Tests of the
/// sandbox print the reason and skip.
public enum SandboxProbe {
    /// Why the sandbox cannot run here, or nil.
    public static func missing() -> String? { cached }

    private static let cached: String? = {
        let limit = (try? String(contentsOfFile: "/proc/sys/user/max_user_namespaces", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if limit == "0" { return "needs user namespaces, which are disabled here (user.max_user_namespaces = 0)" }
        if getuid() != 0, (try? String(contentsOfFile: "/proc/sys/kernel/unprivileged_userns_clone", encoding: .utf8))?
            .hasPrefix("0") == true {
            return "needs unprivileged user namespaces, which are disabled here (kernel.unprivileged_userns_clone = 0)"
        }
        return freshProcMissing()
    }()

    /// Mounts a /proc in new user, mount and pid namespaces with
    /// unshare(1), as the worker's init does. Nil when it works or when
    /// unshare is not installed (then the tests themselves tell).
    private static func freshProcMissing() -> String? {
        let unshare = "/usr/bin/unshare"
        guard FileManager.default.isExecutableFile(atPath: unshare) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: unshare)
        process.arguments = ["--user", "--map-root-user", "--pid", "--fork", "--mount", "--mount-proc", "/bin/true"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return nil }
        return "needs a fresh /proc in a pid namespace of its own, which this machine refuses (its /proc has parts masked "
            + "by other mounts, as in Docker or Podman containers; see README, \"On other machines\")"
    }
}

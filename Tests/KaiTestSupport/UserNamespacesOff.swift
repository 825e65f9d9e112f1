import Foundation
import Testing

/// Machines that refuse the sandbox its user namespace, made for real
/// without touching the host: a user namespace of the test's own
/// (unshare(1), mapped as its root) — with `user.max_user_namespaces` set to
/// 0 inside it (a limit that holds only there), or as it is: a root that
/// cannot map the private uid a root launcher gives each sandbox, as in a
/// rootless container. kai and kai-sandbox run there see what they would on
/// such a machine.
public enum UserNamespacesOff {
    /// Runs `command` (absolute path first) there, with a minimal
    /// environment; a hang guard stops it after 60 s (status 124).
    public static func run(_ command: [String], limitToZero: Bool = true) throws -> Subprocess.Outcome {
        let unshare = "/usr/bin/unshare"
        guard FileManager.default.isExecutableFile(atPath: unshare), FileManager.default.isExecutableFile(atPath: "/usr/bin/timeout") else {
            try Test.cancel("needs /usr/bin/unshare and /usr/bin/timeout to run kai in a user namespace of the test's own")
        }
        let script = (limitToZero ? "echo 0 > /proc/sys/user/max_user_namespaces && " : "") + "exec /usr/bin/timeout 60 \"$@\""
        return try Subprocess.run(unshare, ["--user", "--map-root-user", "/bin/sh", "-c", script, "sh"] + command,
                                  environment: ["PATH": "/usr/bin:/bin", "HOME": KaiProcess.home])
    }

    /// What `/proc/sys/<path>` holds here, as the probe prints it ("absent" when there is no such file).
    public static func knob(_ path: String) -> String {
        (try? String(contentsOfFile: "/proc/sys/" + path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "absent"
    }
}

import Foundation
import Testing

/// A machine that refuses user namespaces, made for real without touching
/// the host: a user namespace of the test's own (unshare(1), mapped as its
/// root) whose `user.max_user_namespaces` is set to 0 — a limit that holds
/// only inside it. kai and kai-sandbox run there see what they would on a
/// host with the sysctl at 0.
public enum UserNamespacesOff {
    /// Runs `command` (absolute path first) there, with a minimal environment.
    public static func run(_ command: [String]) throws -> Subprocess.Outcome {
        let unshare = "/usr/bin/unshare"
        guard FileManager.default.isExecutableFile(atPath: unshare) else {
            try Test.cancel("needs /usr/bin/unshare to make a user namespace whose user.max_user_namespaces is 0")
        }
        let script = "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\""
        return try Subprocess.run(unshare, ["--user", "--map-root-user", "/bin/sh", "-c", script, "sh"] + command,
                                  environment: ["PATH": "/usr/bin:/bin", "HOME": KaiProcess.home])
    }

    /// What `/proc/sys/<path>` holds here, as the probe prints it ("absent" when there is no such file).
    public static func knob(_ path: String) -> String {
        (try? String(contentsOfFile: "/proc/sys/" + path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "absent"
    }
}

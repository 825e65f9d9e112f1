import Foundation

/// Keeps stdin for kai when it carries a protocol (kai mcp serve): moves it
/// to a private close-on-exec descriptor and points fd 0 at /dev/null, so
/// no plugin and no child process can read (and steal) the client's bytes.
enum StdinClaim {
    /// The private descriptor to read from (0 itself if it cannot be moved).
    static func claim() -> Int32 {
        let privateFD = fcntl(0, F_DUPFD_CLOEXEC, 3)
        guard privateFD >= 0 else { return 0 }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { return privateFD }
        defer { close(null) }
        guard dup2(null, 0) >= 0 else { return privateFD }
        return privateFD
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a bare command name (`python3`) the way the sandboxed program's
/// own `execvp` would: in the sandbox's PATH, inside the sandbox's file
/// system — not the host's PATH, which may point at shims (pyenv, asdf) in
/// directories the sandbox does not have.
public enum SandboxSearchPath {
    /// The PATH the launcher gives every program (launcher.c, CONTRACT.md).
    public static let directories = ["/usr/local/bin", "/usr/bin", "/bin"]
    /// Host trees bound into the sandbox at the same place (mounts.c); a
    /// symlink must end up in one of them (or a `--bind`) to work inside.
    public static let visibleRoots = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc/alternatives"]

    /// The absolute path of `name` inside the sandbox, or nil if no
    /// directory of the PATH has it as a file the sandbox's user may run.
    public static func resolve(_ name: String, binds: [String] = []) -> String? {
        directories.map { $0 + "/" + name }.first { isExecutable($0, binds: binds) }
    }

    /// Whether `path` (absolute, outside /work) is, inside the sandbox, a
    /// file the sandbox's user may run: it and every symlink on the way
    /// resolve within the trees the sandbox sees.
    public static func isExecutable(_ path: String, binds: [String] = []) -> Bool {
        guard let target = realPath(path) else { return false }
        let roots = visibleRoots + binds
        guard roots.contains(where: { target == $0 || target.hasPrefix($0 + "/") }) else { return false }
        var info = stat()
        // The sandbox's uid owns no host file: only the "other" bits count.
        return stat(target, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_mode & S_IXOTH != 0
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

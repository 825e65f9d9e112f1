#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file's contents all at once: readers see the old file or the
/// new one, never a partial write, even if kai is killed mid-write.
enum AtomicFile {
    /// Writes `text` to a temporary file beside `path`, flushes it to disk and
    /// renames it over `path`. Keeps an existing file's permission bits and
    /// edits the target of a symlink rather than replacing the link.
    /// `mode`, when given, is the new file's mode whatever the old one's
    /// (a private file, e.g. the keys file: 0600 from its first byte).
    static func write(_ text: String, to path: String, mode forcedMode: mode_t? = nil) throws(ConfigError) {
        let target = resolvedTarget(path)
        var mode: mode_t = 0o644
        var status = stat()
        if stat(target, &status) == 0 { mode = status.st_mode & 0o7777 }
        if let forcedMode { mode = forcedMode }
        let temporary = target + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, forcedMode ?? mode)
        guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file in its directory: \(errorText())") }
        // A temporary left by a killed run keeps its old mode through O_TRUNC.
        if let forcedMode, fchmod(descriptor, forcedMode) != 0 {
            let reason = errorText()
            close(descriptor)
            unlink(temporary)
            throw failure(path, "cannot set the mode of \(temporary): \(reason)")
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { writeBytes(descriptor, $0.baseAddress, $0.count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else {
                let reason = errorText()
                close(descriptor)
                unlink(temporary)
                throw failure(path, "cannot write \(temporary): \(reason)")
            }
            written += result
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            let reason = errorText()
            unlink(temporary)
            throw failure(path, "cannot flush \(temporary): \(reason)")
        }
        guard rename(temporary, target) == 0 else {
            let reason = errorText()
            unlink(temporary)
            throw failure(path, "cannot replace the file: \(reason)")
        }
    }

    private static func resolvedTarget(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    private static func failure(_ path: String, _ problem: String) -> ConfigError {
        ConfigError(.writeFailed, file: path, at: nil, "\(problem). Check that the file's directory is writable (and not on a read-only mount).")
    }
}

/// The C `write(2)`, named apart from `AtomicFile.write`.
private func writeBytes(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

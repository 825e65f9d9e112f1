import Foundation

/// The file a sample's program is written to for the sandbox to read as its
/// stdin: one per fork server, made once in the runner's own directory
/// (0700, on tmpfs where there is one: `baseDirectory`) and rewritten in
/// place for each sample.
///
/// Why not a new file per sample (as before): creating, renaming and
/// removing a file each change its directory, and the kernel does each
/// under that directory's lock; with every worker's files in the one /tmp,
/// every worker queued on that lock three times a sample (bench/RESULTS.md,
/// "kai eval at many workers"). Rewriting a file already made changes no
/// directory. The launcher opens the path afresh for each run (offset 0),
/// after the write; the sandbox that read the previous program is gone by
/// then (its pid namespace died with the run), and the file is truncated
/// before each write, so nothing of one program outlives its run there.
///
/// Without root the sandbox runs as kai's own uid on the host, so a sample
/// owns this file: it can chmod it through its stdin or reopen
/// /proc/self/fd/0 for writing. `write` undoes the one (mode, identity) and
/// `clear` bounds the other (host memory on tmpfs). Handing the sandbox a
/// sealed memfd instead would take both away; the launcher's --stdin takes
/// only a path today, so that is left for later.
///
/// Not thread-safe: used only by whoever holds its server (see
/// ForkServerSampleRunner); `@unchecked Sendable` so the pool can hand it
/// from thread to thread with the server.
final class ProgramFile: @unchecked Sendable {
    let path: String
    private var descriptor: Int32
    /// The file this object made (st_dev, st_ino): `write` checks the path
    /// still names it.
    private var identity: (dev_t, ino_t)

    /// Creates `directory`/program-`number`.py (it must not exist yet).
    init(directory: String, number: Int) throws(ProgramFileError) {
        path = directory + "/program-\(number).py"
        (descriptor, identity) = try Self.create(path)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    private static func create(_ path: String) throws(ProgramFileError) -> (Int32, (dev_t, ino_t)) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ProgramFileError(path: path, call: "open", errno: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = ProgramFileError(path: path, call: "fstat", errno: errno)
            close(descriptor)
            unlink(path)
            throw error
        }
        return (descriptor, (info.st_dev, info.st_ino))
    }

    /// Replaces the file's content with `program`, first making sure the
    /// path is still this file, mode 0600. Why: without root the sandbox
    /// runs as kai's own uid on the host, so a hostile sample owns the file
    /// it reads as stdin and can fchmod(0, 0) it (every later launcher open
    /// would fail "Permission denied"); and a file removed from under us
    /// (or replaced) would leave the worker a dead path for the rest of the
    /// run. The mode is restored through kai's own descriptor; a missing or
    /// different file is made afresh.
    func write(_ program: String) throws(ProgramFileError) {
        var named = stat()
        let found = lstat(path, &named) == 0
        if !found || named.st_dev != identity.0 || named.st_ino != identity.1 {
            close(descriptor)
            descriptor = -1
            if found { unlink(path) }  // what is there is not ours: ours is gone
            (descriptor, identity) = try Self.create(path)
        } else if named.st_mode & 0o7777 != 0o600 {
            guard fchmod(descriptor, 0o600) == 0 else { throw ProgramFileError(path: path, call: "fchmod", errno: errno) }
        }
        guard ftruncate(descriptor, 0) == 0 else { throw ProgramFileError(path: path, call: "ftruncate", errno: errno) }
        let bytes = Array(program.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ProgramFileError(path: path, call: "pwrite", errno: errno)
            }
            offset += count
        }
    }

    /// Empties the file once its sample has run: whatever a hostile sample
    /// appended to it (it can reopen its stdin for writing when it runs as
    /// kai's uid) holds host memory on tmpfs no longer than its own run.
    func clear() {
        _ = ftruncate(descriptor, 0)
    }

    /// $TMPDIR when the user set it; else /dev/shm (Linux's tmpfs for
    /// shared memory) when writable; else the temporary directory. Why
    /// tmpfs: on a disk file
    /// system such as ext4 (/tmp on some machines) cutting a file to zero
    /// for the next program goes through the journal and the file
    /// system's orphan list, which every worker shares; on tmpfs it is a
    /// change in memory.
    static func baseDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let chosen = environment["TMPDIR"], !chosen.isEmpty { return NSTemporaryDirectory() }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           access("/dev/shm", W_OK | X_OK) == 0 {
            return "/dev/shm/"
        }
        return NSTemporaryDirectory()
    }
}

/// A program file could not be made or written.
struct ProgramFileError: Error, CustomStringConvertible {
    let path: String
    let call: String
    let errno: Int32

    var description: String {
        "Kai could not write the program to \(path) (\(call): \(String(cString: strerror(errno)))); check that the temporary directory is writable"
    }
}

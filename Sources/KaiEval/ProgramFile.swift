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
/// Not thread-safe: used only by whoever holds its server (see
/// ForkServerSampleRunner); `@unchecked Sendable` so the pool can hand it
/// from thread to thread with the server.
final class ProgramFile: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    /// Creates `directory`/program-`number`.py (it must not exist yet).
    init(directory: String, number: Int) throws(ProgramFileError) {
        path = directory + "/program-\(number).py"
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ProgramFileError(path: path, call: "open", errno: errno) }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// Replaces the file's content with `program`.
    func write(_ program: String) throws(ProgramFileError) {
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

    /// A private directory for a runner's program files (mkdtemp, 0700),
    /// named after this process, after removing those of kai processes
    /// that are gone (a killed run cannot remove its own).
    static func makeDirectory() throws(ProgramFileError) -> String {
        let parent = baseDirectory()
        removeDirectoriesOfDeadProcesses(in: parent)
        var template = Array((parent + "kai-eval-\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ProgramFileError(path: parent, call: "mkdtemp", errno: errno)
        }
        return String(cString: made)
    }

    /// Removes `parent`/kai-eval-<pid>-* whose process no longer exists,
    /// and the program files in them; directories of live processes (or
    /// of another user: unremovable) stay.
    static func removeDirectoriesOfDeadProcesses(in parent: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix("kai-eval-") {
            let fields = name.dropFirst("kai-eval-".count).split(separator: "-")
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            let directory = parent + name
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasPrefix("program-") {
                unlink(directory + "/" + file)
            }
            rmdir(directory)
        }
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

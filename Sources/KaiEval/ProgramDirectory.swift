import Foundation

/// A runner's private directory for its program files (mkdtemp, 0700, in
/// `ProgramFile.baseDirectory()`), named kai-eval-<pid>-XXXXXX, with a
/// `lock` file inside that the owner holds an flock on for the directory's
/// whole life.
///
/// Why a lock and not the pid in the name: a kai in another pid namespace
/// (a container sharing /dev/shm, `unshare -p`, Slurm tasks sharing
/// $TMPDIR) has pids this process cannot see, so kill(pid, 0) says ESRCH
/// for a live run and its directory was removed under it. An flock is on
/// the file itself, whoever holds it and wherever: the sweep removes a
/// directory only when it can take the lock itself (LOCK_EX|LOCK_NB), so
/// only when its owner is gone. The lock's descriptor is O_CLOEXEC: the
/// launcher and the fork servers are exec'd (and given only 0-2), so no
/// sandbox holds it or can keep a dead run's directory alive.
final class ProgramDirectory: Sendable {
    let path: String
    private let lock: Int32

    static let lockName = "lock"

    /// Makes the directory in `parent` (ending in "/"), after removing the
    /// directories there whose owners are gone (a killed run cannot remove
    /// its own).
    init(parent: String = ProgramFile.baseDirectory()) throws(ProgramFileError) {
        ProgramDirectory.removeAbandoned(in: parent)
        var template = Array((parent + "kai-eval-\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ProgramFileError(path: parent, call: "mkdtemp", errno: errno)
        }
        path = String(cString: made)
        let lockPath = path + "/" + Self.lockName
        lock = open(lockPath, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            let error = ProgramFileError(path: lockPath, call: lock < 0 ? "open" : "flock", errno: errno)
            if lock >= 0 { close(lock) }
            unlink(lockPath)
            rmdir(path)
            throw error
        }
    }

    deinit {
        unlink(path + "/" + Self.lockName)
        rmdir(path)  // fails, harmlessly, while a program file is still in use
        close(lock)
    }

    /// Removes `parent`/kai-eval-* whose owner is gone: a directory (not a
    /// symlink) of this user, mode 0700, whose lock this process can take.
    /// Everything is reached through descriptors (openat with O_NOFOLLOW,
    /// unlinkat): the parent is shared (/dev/shm, /tmp), and a root kai that
    /// followed another user's symlink kai-eval-1-x -> /victim would delete
    /// /victim's files. A directory without a lock file (being made right
    /// now, or left by a kai before locks) stays.
    static func removeAbandoned(in parent: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        let parentFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else { return }
        defer { close(parentFD) }
        for name in names where name.hasPrefix("kai-eval-") {
            removeIfAbandoned(name, parentFD: parentFD)
        }
    }

    private static func removeIfAbandoned(_ name: String, parentFD: Int32) {
        let directory = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else { return }
        defer { close(directory) }
        var info = stat()
        guard fstat(directory, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o7777 == 0o700 else { return }
        let lock = openat(directory, lockName, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard lock >= 0 else { return }
        defer { close(lock) }
        var lockInfo = stat()
        guard fstat(lock, &lockInfo) == 0, lockInfo.st_mode & S_IFMT == S_IFREG, flock(lock, LOCK_EX | LOCK_NB) == 0 else { return }
        for entry in entries(of: directory) { unlinkat(directory, entry, 0) }
        unlinkat(parentFD, name, AT_REMOVEDIR)
    }

    /// The names in the directory open as `directory` (but . and ..).
    private static func entries(of directory: Int32) -> [String] {
        let copy = dup(directory)
        guard copy >= 0 else { return [] }
        guard let stream = fdopendir(copy) else { close(copy); return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

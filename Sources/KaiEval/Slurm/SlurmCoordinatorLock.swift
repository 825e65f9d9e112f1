import Foundation

/// The run directory's `coordinator.lock`, flocked (exclusive, non-blocking)
/// by the one `kai eval --slurm` that runs the evaluation, from before it
/// reads run.json until it has recorded the results: a second coordinator,
/// or a --resume while the first still runs, is refused instead of
/// submitting the shards again and recording them twice. The kernel drops
/// the lock when the holder dies, so a killed coordinator never leaves a
/// stale one.
public final class SlurmCoordinatorLock: Sendable {
    let descriptor: Int32

    init(directory: SlurmRunDirectory) throws(SlurmError) {
        let path = directory.coordinatorLockPath
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .runDirectory(path: path, "cannot be opened: \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EINTR else {
                close(fd)
                if code == EWOULDBLOCK { throw .coordinatorRunning(directory: directory.path) }
                throw .runDirectory(path: path, "cannot be locked: \(String(cString: strerror(code)))")
            }
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }
}

import Foundation
import KaiTestSupport
import Testing
@testable import KaiEval

/// The sweep of abandoned program directories and the program file's
/// self-repair, on a temporary parent (never the real /dev/shm): a
/// directory goes only when its owner's lock is free, whatever its name's
/// pid says, and the sweep never follows a link out of the parent.
@Suite struct ProgramDirectoryTests {
    /// A fresh parent directory ending in "/"; removed by the caller.
    static func parent() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kai-sweep-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path + "/"
    }

    /// The pid of a process that has exited: to this process, its pid is dead.
    static func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    /// Makes `parent`/`name` as a runner does (0700, a lock file, a program
    /// file); returns the lock's descriptor, locked when `held`.
    static func plant(_ parent: String, _ name: String, held: Bool) throws -> Int32 {
        let directory = parent + name
        #expect(mkdir(directory, 0o700) == 0)
        FileManager.default.createFile(atPath: directory + "/program-0.py", contents: Data("pass\n".utf8))
        let lock = open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        #expect(lock >= 0)
        if held { #expect(flock(lock, LOCK_EX) == 0) }
        return lock
    }

    @Test func aDirectoryWhoseLockIsHeld_stays_evenWhenItsPidLooksDead() throws {
        // A kai in another pid namespace (a container sharing /dev/shm): its
        // pid is not ours to see, but it holds its lock.
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let name = "kai-eval-\(try Self.deadPid())-Live12"
        let lock = try Self.plant(parent, name, held: true)
        ProgramDirectory.removeAbandoned(in: parent)
        #expect(FileManager.default.fileExists(atPath: parent + name + "/program-0.py"), "a live run's program files are its own")
        close(lock)
        ProgramDirectory.removeAbandoned(in: parent)
        #expect(!FileManager.default.fileExists(atPath: parent + name), "once its owner is gone, the next sweep removes it")
    }

    @Test func aDirectoryOfThisLiveProcess_withAFreeLock_isRemoved() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let name = "kai-eval-\(getpid())-Gone12"
        close(try Self.plant(parent, name, held: false))
        ProgramDirectory.removeAbandoned(in: parent)
        #expect(!FileManager.default.fileExists(atPath: parent + name))
    }

    @Test func aRunnersOwnDirectory_survivesASweep_andGoesWithIt() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        var directory: ProgramDirectory? = try ProgramDirectory(parent: parent)
        let path = directory!.path
        ProgramDirectory.removeAbandoned(in: parent)
        #expect(FileManager.default.fileExists(atPath: path + "/lock"))
        directory = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func theSweep_neverFollowsASymlink_norTouchesADirectoryNotItsOwn() throws {
        let parent = try Self.parent()
        let victim = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent); try? FileManager.default.removeItem(atPath: victim) }
        // Another user's link to a directory root's kai must not empty.
        FileManager.default.createFile(atPath: victim + "program-0.py", contents: Data("precious\n".utf8))
        FileManager.default.createFile(atPath: victim + "lock", contents: Data())
        #expect(chmod(victim, 0o700) == 0)
        #expect(symlink(victim, parent + "kai-eval-4000000-aaaaaa") == 0)
        // A directory of the right name but not mode 0700, and one without a lock.
        close(try Self.plant(parent, "kai-eval-4000001-bbbbbb", held: false))
        #expect(chmod(parent + "kai-eval-4000001-bbbbbb", 0o755) == 0)
        #expect(mkdir(parent + "kai-eval-4000002-cccccc", 0o700) == 0)

        ProgramDirectory.removeAbandoned(in: parent)

        #expect(FileManager.default.fileExists(atPath: victim + "program-0.py"), "the link's target keeps its files")
        #expect(FileManager.default.fileExists(atPath: victim + "lock"))
        #expect(FileManager.default.fileExists(atPath: parent + "kai-eval-4000001-bbbbbb/program-0.py"))
        #expect(FileManager.default.fileExists(atPath: parent + "kai-eval-4000002-cccccc"))
    }

    @Test func aProgramFileChmoddedToNothing_isWritableAgain_mode0600() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let file = try ProgramFile(directory: String(parent.dropLast()), number: 0)
        #expect(chmod(file.path, 0) == 0)  // what a hostile sample running as kai's uid does to its stdin
        try file.write("pass\n")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "pass\n")
    }

    @Test func aProgramFileRemovedOrReplaced_isMadeAfresh_atItsPath() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let file = try ProgramFile(directory: String(parent.dropLast()), number: 0)
        #expect(unlink(file.path) == 0)
        try file.write("first\n")
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "first\n")
        #expect(unlink(file.path) == 0)
        FileManager.default.createFile(atPath: file.path, contents: Data("someone else's\n".utf8))
        try file.write("second\n")
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "second\n")
    }

    @Test func clear_emptiesTheFile_evenOfWhatAnotherDescriptorAppended() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let file = try ProgramFile(directory: String(parent.dropLast()), number: 0)
        try file.write("pass\n")
        let handle = try #require(FileHandle(forWritingAtPath: file.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0x41, count: 1 << 20))  // a sample filling host tmpfs
        try handle.close()
        file.clear()
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int == 0)
    }

    @Test func aPoolWhoseDirectoryWasRemoved_makesANewOne_insteadOfFailing() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let pool = ProgramFilePool(parent: parent)
        let first = try pool.take()
        let old = try #require(pool.directory)
        try FileManager.default.removeItem(atPath: old)
        _ = first
        let second = try pool.take()
        try second.write("pass\n")
        #expect(pool.directory != old)
        #expect(try String(contentsOfFile: second.path, encoding: .utf8) == "pass\n")
    }
}

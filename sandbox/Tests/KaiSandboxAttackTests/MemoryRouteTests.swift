import KaiTestSupport
import Foundation
import Testing

/// Issue 9, item 7a: memory a program holds outside its own address space
/// — tmpfs pages in /tmp, /work and /dev/shm, a memfd, socket buffers — is
/// charged to the run's memory cgroup, and hitting the limit that way is
/// `memory_limit`, whichever process the OOM killer picks. Killing the
/// program frees none of it, so with 24 MB of --files (held in init's
/// memory) init is the largest process and the victim: the report used to
/// be sandbox_error "the sandbox's init ended without a result".
@Suite(.requiresNamespaces, .requiresSandboxCgroups) struct MemoryRouteTests {
    /// 24 MiB of --files: init holds a copy, the program (a small C
    /// binary) does not.
    static let ballast: String = {
        let path = Sandbox.scratch + "/ballast.bin"
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x6b, count: 24 << 20))
            chmod(path, 0o644)
        }
        return path
    }()

    @Test(arguments: ["tmp", "work", "shm", "memfd", "socket"])
    func memoryHeldOutsideTheProcess_overTheLimit_isMemoryLimit(route: String) throws {
        let run = try Sandbox.run("fill_memory", [route, "256"],
                                  options: ["--memory-mb", "64", "--workdir-mb", "512", "--open-files", "4096"],
                                  extraFiles: [Self.ballast])
        #expect(run.report.status == "memory_limit", "\(run.report)")
        #expect(run.report.error == nil, "\(run.report)")
        #expect(run.report.exitCode == nil && run.report.signalName == "SIGKILL", "\(run.report)")
        #expect(!run.report.stdout.contains("held="), "the program held 256 MB: \(run.report)")
        run.expectHostUnaffected()
    }
}

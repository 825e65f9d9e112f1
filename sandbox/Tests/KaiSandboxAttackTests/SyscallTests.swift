import Foundation
import KaiTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attacks 12, 21, 22, 23: the seccomp policy kills the program at the first
/// forbidden syscall and names it; terminals and setuid binaries give nothing.
@Suite(.requiresNamespaces) struct SyscallTests {
    static let denied = [
        "ptrace", "process_vm_readv", "process_vm_writev",                         // 21
        "unshare", "setns", "clone", "mount", "umount2", "pivot_root", "chroot",   // 22
        "keyctl", "add_key", "bpf", "perf_event_open", "io_uring_setup",
        "kexec_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    ]

    @Test(arguments: denied)
    func forbiddenSyscall_killsTheProgram_andIsNamedInTheReport(syscall: String) throws {
        let run = try Sandbox.run("syscall_probe", [syscall, "\(getpid())"])
        run.expectSeccompKill(syscall)
        #expect(run.report.protections["seccomp"]?.boolValue == true)
        run.expectHostUnaffected()
    }

    @Test(arguments: [("int80", "i386"), ("x32", "x32")])
    func nonNativeSyscallABI_isBlocked(mode: String, abi: String) throws {  // 23
        let run = try Sandbox.run("int80", [mode])
        #expect(run.report.status == "signaled", "\(run.report)")
        #expect(run.report.seccompDenied?.hasPrefix(abi) == true, "\(run.report)")
        #expect(!run.report.stdout.contains("survived"), "\(run.report)")
        run.expectHostUnaffected()
    }

    @Test func setuidBinaries_grantNothing() throws {  // 22
        let run = try Sandbox.run("setuid_probe")
        run.expectExited(0)
        let facts = run.report.facts
        #expect(facts["no_new_privs"] == "1", "\(run.report)")
        #expect(facts["su_exit"] != "0", "\(run.report)")
        #expect(facts["uid_map"]?.split(separator: ":").dropFirst().first != "0", "mapped to host root: \(run.report)")
        #expect(run.report.protections["uid"]?.intValue == 65534)
        run.expectHostUnaffected()
    }

    /// The launcher gets a real controlling terminal (a pty, as when a user
    /// runs kai in a shell); the program must find no terminal and inject
    /// nothing into the host's input queue.
    @Test func tiocstiAndDevTty_areRefused_withAControllingTerminalOnTheHost() throws {  // 12
        var master: Int32 = -1, slave: Int32 = -1
        #expect(openpty(&master, &slave, nil, nil, nil) == 0)
        defer { close(master); close(slave) }
        let slaveName = String(cString: ttyname(slave))
        let run = try Sandbox.run("tty", stdinPath: slaveName, newSession: true)
        run.expectExited(0)
        let facts = run.report.facts
        #expect(["ENXIO", "ENOENT", "EACCES", "EPERM"].contains(facts["open_dev_tty"] ?? "-"), "\(run.report)")
        #expect(!run.report.stdout.contains("INJECTED") && !run.report.stdout.contains("OPENED"), "\(run.report)")
        #expect(!run.report.stdout.contains("isatty"), "\(run.report)")
        // Nothing was pushed into the terminal's input queue.
        _ = fcntl(slave, F_SETFL, fcntl(slave, F_GETFL) | O_NONBLOCK)
        var byte: UInt8 = 0
        #expect(read(slave, &byte, 1) < 0, "keystrokes reached the host terminal")
        run.expectHostUnaffected()
    }
}

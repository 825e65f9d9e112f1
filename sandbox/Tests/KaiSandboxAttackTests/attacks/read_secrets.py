# Attack 18: read host secrets: /etc/shadow, ~/.ssh, /proc/1/environ, the
# host's files, the environment, and any file descriptor leaked to us.
import errno
import os
import sys

canary = sys.argv[1]
print("env=" + ",".join(sorted(os.environ)))
for path in ["/etc/shadow", "/root/.ssh/id_rsa", os.path.expanduser("~/.ssh/id_rsa"), "/proc/1/environ",
             "/proc/self/environ", canary, "/work/main/Package.swift", "/etc/ssh/ssh_host_rsa_key"]:
    try:
        with open(path, "rb") as handle:
            content = handle.read(4096)
        print(f"{path}=READ:{content[:200]!r}")
    except OSError as error:
        print(f"{path}={errno.errorcode[error.errno]}")
print("fds=" + ",".join(sorted(os.listdir("/proc/self/fd"), key=int)))

# Attack 17: write to /usr, /etc, /, /bin, /lib, ../.., /proc/sys, /sys, /dev.
import errno
import os
import sys

marker = sys.argv[-1]
targets = ["/usr", "/etc", "/", "/bin", "/lib", "/work/../..", "/work/../../..", "/dev", "/proc", "/sys"]
escaped = []
for directory in targets:
    path = os.path.normpath(f"{directory}/{marker}")
    try:
        with open(path, "w") as handle:
            handle.write("escaped")
        escaped.append(path)
        print(f"{directory}=WROTE")
    except OSError as error:
        print(f"{directory}={errno.errorcode[error.errno]}")
for path in ["/proc/sys/kernel/hostname", "/proc/sysrq-trigger", "/etc/passwd", "/usr/bin/python3"]:
    try:
        with open(path, "a") as handle:
            handle.write("x")
        escaped.append(path)
        print(f"{path}=WROTE")
    except OSError as error:
        print(f"{path}={errno.errorcode[error.errno]}")
print(f"escaped={len(escaped)}")

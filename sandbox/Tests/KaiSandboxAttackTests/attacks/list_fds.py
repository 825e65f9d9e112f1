# Lists the descriptors the program starts with, one "fd=N" line each
# ("fd=N=TARGET"); listdir's own descriptor is closed before readlink.
import os

for name in sorted(os.listdir("/proc/self/fd"), key=int):
    try:
        print("fd=%s=%s" % (name, os.readlink("/proc/self/fd/" + name)))
    except OSError:
        pass

# Attack 6: fill /dev/shm (POSIX shared memory lives there): 1 GiB in files of
# 32 MiB each (under the file-size limit), until something stops it.
import errno
import os
import sys

marker = sys.argv[-1]
chunk = b"s" * (8 << 20)
written = 0
try:
    for index in range(32):
        fd = os.open(f"/dev/shm/{marker}-{index}", os.O_CREAT | os.O_WRONLY, 0o600)
        if index == 0:
            print("shm_open=ok", flush=True)
        for _ in range(4):
            written += os.write(fd, chunk)
        os.close(fd)
except OSError as error:
    print(f"shm_write={errno.errorcode[error.errno]}")
    print(f"written_mib={written >> 20}")
    sys.exit(0)
print("shm_write=ok")
print(f"written_mib={written >> 20}")

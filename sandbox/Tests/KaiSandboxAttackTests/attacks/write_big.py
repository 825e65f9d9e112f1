# Attack 13: write 10 GB. "file" writes one file at the given directory;
# "many" writes file after file, each under the size limit, until the disk is full.
import os
import sys

mode, directory = sys.argv[1], sys.argv[2]
chunk = b"z" * (1 << 20)
if mode == "file":
    with open(f"{directory}/big.bin", "wb") as handle:
        for _ in range(10240):
            handle.write(chunk)
else:
    index = 0
    try:
        while True:
            with open(f"{directory}/part{index}.bin", "wb") as handle:
                for _ in range(3):
                    handle.write(chunk)
            index += 1
    except OSError as error:
        print(f"stopped_after_mib={index * 3} error={error.strerror}")
        raise

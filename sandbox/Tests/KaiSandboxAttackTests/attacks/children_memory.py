# Attack 5: four children, each 96 MiB (under a 256 MiB cap), together 384 MiB.
import os
import time

children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        hold = [bytearray(b"c") * (8 << 20) for _ in range(12)]
        time.sleep(30)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
print("all_children_done")

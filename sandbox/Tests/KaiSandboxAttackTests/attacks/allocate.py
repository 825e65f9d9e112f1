# Attack 4: allocate 2 GiB, touching every page, in 8 MiB pieces.
import sys

chunks = []
for index in range(256):
    chunks.append(bytearray(b"x") * (8 << 20))
    if index % 16 == 0:
        print(f"allocated_mib={(index + 1) * 8}", flush=True)
print("allocated=2GiB")

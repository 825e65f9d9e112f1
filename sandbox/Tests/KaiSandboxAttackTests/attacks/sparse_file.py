# Attack 16: a 1 TiB sparse file where the runner collects output.
import os

with open("/work/huge.bin", "wb") as handle:
    handle.write(b"head")
    handle.truncate(1 << 40)
print(f"size={os.stat('/work/huge.bin').st_size}")

# Attack 2: block on stdin (must be empty, not a pipe left open), then sleep forever.
import sys
import time

data = sys.stdin.buffer.read()
print(f"stdin_bytes={len(data)}", flush=True)
while True:
    time.sleep(3600)

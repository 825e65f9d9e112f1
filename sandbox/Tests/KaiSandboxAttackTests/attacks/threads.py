# Attack 8: start 10,000 threads (small stacks, so memory is not what stops them).
import threading
import time

threading.stack_size(64 * 1024)
stop = threading.Event()
started = 0
try:
    for _ in range(10000):
        threading.Thread(target=stop.wait, daemon=True).start()
        started += 1
except RuntimeError as error:
    print(f"error={error}")
print(f"started={started}", flush=True)
stop.set()

# Attack 30: a long sleeper with children, for killing the host mid-run.
import os
import time

for _ in range(2):
    if os.fork() == 0:
        break
print("sleeping", flush=True)
time.sleep(120)

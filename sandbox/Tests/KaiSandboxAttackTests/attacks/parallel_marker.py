# 16 sandboxes at once: each writes its own marker to /work and /tmp, waits,
# then reports every marker file it can see and what its own files hold.
import os
import sys
import time

marker = sys.argv[-1]
for directory in ("/work", "/tmp"):
    with open(f"{directory}/{marker}.txt", "w") as handle:
        handle.write(marker)
time.sleep(0.5)
for directory in ("/work", "/tmp"):
    seen = sorted(name for name in os.listdir(directory) if name.startswith("kaiattack-"))
    print(f"{directory}_seen={','.join(seen)}")
    with open(f"{directory}/{marker}.txt") as handle:
        print(f"{directory}_content={handle.read()}")

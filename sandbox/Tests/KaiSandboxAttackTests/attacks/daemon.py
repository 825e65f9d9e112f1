# Attack 9: double fork + setsid; the daemon writes files a second later and
# lingers. The parent exits at once.
import os
import sys
import time

marker = sys.argv[-1]
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(1.0)
        for directory in ("/work", "/tmp"):
            with open(f"{directory}/{marker}.daemon", "w") as handle:
                handle.write("daemon was here")
        time.sleep(120)
        os._exit(0)
    os._exit(0)
time.sleep(0.1)
print("parent=exiting")

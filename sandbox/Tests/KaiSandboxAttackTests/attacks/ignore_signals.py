# Attack 3: ignore every catchable signal (SIGALRM, SIGTERM, SIGXCPU...) and
# swallow every exception, then burn CPU ("busy") or sleep ("sleep").
import signal
import sys
import time

for number in signal.valid_signals():
    try:
        signal.signal(number, signal.SIG_IGN)
    except (OSError, ValueError, RuntimeError):
        pass
signal.alarm(1)
mode = sys.argv[1]
print("signals=ignored", flush=True)
while True:
    try:
        while True:
            if mode == "sleep":
                time.sleep(0.05)
    except BaseException:
        pass

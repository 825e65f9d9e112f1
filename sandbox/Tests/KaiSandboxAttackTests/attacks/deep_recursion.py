# Attack 26 (Python): recursion with the interpreter's guard removed.
import sys

sys.setrecursionlimit(1 << 30)

def dive(depth):
    return dive(depth + 1) + 1

dive(0)

# Forks forever (around any Python-level guard): the process limit holds.
import posix
while True:
    posix.fork()

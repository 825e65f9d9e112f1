#!/usr/bin/env python3
"""Runs a command on a fresh pseudo-terminal (its controlling terminal, so
/dev/tty is the pty) and answers what it asks, for Kai's approval-prompt tests.

    python3 pty_session.py '[["EXPECTED TEXT", "ANSWER"], ...]' -- PROGRAM ARGS...

Each ANSWER (plus a newline) is typed only once EXPECTED TEXT has appeared in
the output after the previous match: the test waits on the program's own
words, never on time. Everything the program wrote to the terminal (stdout
and stderr together, with the terminal's echo of the answers) is copied to
this script's stdout; its exit status is the program's (128 + N for a signal).
A program that outlives 300 s is killed (exit 124).
"""
import json
import os
import pty
import select
import signal
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.stderr.write(__doc__)
        return 64
    answers = json.loads(sys.argv[1])
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[3], sys.argv[3:])
    output = b""
    matched = 0  # output before this offset has been matched already
    deadline = time.monotonic() + 300
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(output)
            return 124
        ready, _, _ = select.select([master], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the program and every holder of the pty are gone
            break
        if not chunk:
            break
        output += chunk
        while answers:
            expected = answers[0][0].encode()
            found = output.find(expected, matched)
            if found < 0:
                break
            matched = found + len(expected)
            os.write(master, answers.pop(0)[1].encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(output)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())

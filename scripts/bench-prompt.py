#!/usr/bin/env python3
"""bench-prompt.py — how soon lkdb's prompt answers a gdb-bound command on
a dump, as a person sees it in a terminal, against crash on the same dump.

For each delay D (seconds between the prompt showing and the command being
typed), N runs of: start `lkdb VMLINUX VMCORE` in a pseudo-terminal, wait
for "lkdb> ", wait D, type "p jiffies" and Enter, time until gdb's answer
("$1 = ...") shows; then quit.  crash (`crash -s VMLINUX VMCORE`, also in a
pseudo-terminal) is timed from its start to the same answer, since its
prompt comes only once it has loaded everything.  Medians are printed, with
the issue's target (prompt to answer <= 0.5 s at any delay) and the ratio
of lkdb's start-to-answer (delay 0) to crash's.

  bench-prompt.py VMLINUX VMCORE [--runs N] [--delays 0,0.5,2] [--lkdb PATH]
                  [--no-crash]
"""
import argparse
import os
import pty
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time


class Term:
    def __init__(self, argv, env=None):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(argv[0], argv, env or os.environ)
        self.buf = b''

    def wait_for(self, pattern, timeout):
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return time.monotonic()
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError('no %r within %s s; last: %r' %
                                   (pattern, timeout, self.buf[-300:]))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    data = b''
                if not data:
                    raise EOFError('ended; last: %r' % self.buf[-300:])
                self.buf += data

    def send(self, text):
        os.write(self.fd, text.encode())

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


ANSWER = rb'\$[0-9]+ = [0-9]+'


def lkdb_run(lkdb, vmlinux, vmcore, delay):
    env = dict(os.environ, PAGER='cat')
    start = time.monotonic()
    t = Term([lkdb, vmlinux, vmcore], env)
    try:
        prompt = t.wait_for(rb'lkdb> ', 120)
        time.sleep(delay)
        sent = time.monotonic()
        t.send('p jiffies\r')
        answer = t.wait_for(ANSWER, 120)
        t.send('quit\r')
        return prompt - start, answer - sent, answer - start
    finally:
        t.close()


def crash_run(vmlinux, vmcore):
    start = time.monotonic()
    t = Term(['crash', '-s', vmlinux, vmcore])
    try:
        t.send('p jiffies\n')
        answer = t.wait_for(ANSWER, 300)
        t.send('q\n')
        return answer - start
    finally:
        t.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('vmlinux')
    ap.add_argument('vmcore')
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--delays', default='0,0.5,2')
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--lkdb', default=os.environ.get(
        'LKDB', os.path.join(here, '..', 'build', 'frontend', 'lkdb')))
    ap.add_argument('--no-crash', action='store_true')
    a = ap.parse_args()
    if not a.no_crash and not shutil.which('crash'):
        sys.exit('bench-prompt.py: crash not found (apt-get install crash), '
                 'or give --no-crash')
    delays = [float(d) for d in a.delays.split(',')]
    # One run first to fill lkdb's caches (index, types): warm figures.
    lkdb_run(a.lkdb, a.vmlinux, a.vmcore, 0)
    print('%-28s %10s %10s %10s' % ('lkdb, delay after prompt', 'start->prompt',
                                   'prompt->answer', 'start->answer'))
    worst = 0.0
    start_to_answer0 = None
    for d in delays:
        rows = [lkdb_run(a.lkdb, a.vmlinux, a.vmcore, d)
                for _ in range(a.runs)]
        med = [statistics.median(r[i] for r in rows) for i in range(3)]
        worst = max(worst, max(r[1] for r in rows))
        if d == delays[0]:
            start_to_answer0 = med[2]
        print('%-28s %9.3fs %9.3fs %9.3fs' % ('%.1f s' % d, *med))
    print('slowest prompt->answer of all runs: %.3f s (target <= 0.5 s: %s)' %
          (worst, 'met' if worst <= 0.5 else 'NOT met'))
    if not a.no_crash:
        runs = [crash_run(a.vmlinux, a.vmcore) for _ in range(max(1, a.runs // 2))]
        c = statistics.median(runs)
        print('crash -s, start->answer: %.3f s; lkdb start->answer %.3f s = %.3f of crash'
              % (c, start_to_answer0, start_to_answer0 / c))


if __name__ == '__main__':
    sys.exit(main())

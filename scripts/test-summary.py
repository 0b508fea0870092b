#!/usr/bin/env python3
"""test-summary.py — the last line of scripts/test.sh: "N passed, N failed".

Counts every TAP subtest of the given meson runs and TAP files; a test that
is not TAP counts once.  A whole-test skip (meson's SKIP, or a TAP plan
"1..0") counts as one skip, never as a pass.  These count as failures:
  - a "not ok" subtest, and a subtest missing below the TAP plan;
  - a TAP test with subtests but no plan, or one that said "Bail out!";
  - a test meson did not report as passed (crash, timeout) with no "not ok";
  - a test that `meson test --list` lists but the log lacks (it never ran);
  - a suite that lists no tests at all;
  - a meson run that exited non-zero with no failure in its log, or whose
    log is missing.

  test-summary.py [--tap NAME=FILE]... [--run LOG STATUS SUITE=LIST...]...

LOG is meson's testlog.json, STATUS the exit status of that `meson test`,
and each LIST holds the output of `meson test --list --suite SUITE` (an
empty file: the suite has no tests).  Prints "FAILED: ..." lines, then the
summary; exits 1 if anything failed.
"""
import argparse
import json
import re
import sys


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def add(self, name, ok, bad, skip, why=''):
        self.passed += ok
        self.failed += bad
        self.skipped += skip
        if bad:
            self.failures.append(name + (' (%s)' % why if why else ''))


def parse_tap(text):
    """(ok, not ok, skipped, plan or None, plan is a skip, bailed out)"""
    ok = bad = skip = 0
    plan = None
    plan_skip = bailed = False
    for line in text.splitlines():
        if re.match(r'not ok\b', line):
            bad += 1
        elif re.match(r'ok\b', line):
            if re.search(r'#\s*SKIP\b', line, re.I):
                skip += 1
            else:
                ok += 1
        elif re.match(r'Bail out!', line):
            bailed = True
        else:
            m = re.match(r'1\.\.(\d+)\s*(#\s*SKIP\b)?', line, re.I)
            if m and plan is None:
                plan = int(m.group(1))
                plan_skip = bool(m.group(2))
    return ok, bad, skip, plan, plan_skip, bailed


def count_test(tally, name, result, stdout):
    """One test: meson's result (OK, SKIP, FAIL, ...) and its output."""
    ok, bad, skip, plan, plan_skip, bailed = parse_tap(stdout)
    good = result in ('OK', 'EXPECTEDFAIL') and not bailed
    ran = ok + bad + skip
    why = ''
    if ran == 0 and not plan:
        # Not TAP, or TAP with no subtests at all.
        if bailed:
            bad, why = 1, 'bailed out'
        elif result == 'SKIP' or (plan == 0 and (good or plan_skip)):
            skip = 1
        elif good:
            ok = 1
        else:
            bad, why = 1, result
    else:
        if plan is None:
            bad += 1
            why = 'no TAP plan: it stopped early'
        elif ran < plan:
            bad += plan - ran
            why = '%d of %d planned subtests missing' % (plan - ran, plan)
        if bailed:
            why = 'bailed out' + ('; ' + why if why else '')
        if not good and result != 'SKIP' and bad == 0:
            bad = 1     # crashed or timed out after its oks
            why = why or result
    tally.add(name, ok, bad, skip, why)


def count_run(tally, log, status, lists):
    try:
        with open(log) as f:
            tests = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        tally.add(log, 0, 1, 0, 'no test log: %s' % e)
        tests = []      # and every listed test fails as not run
    failed_before = tally.failed
    seen = set()
    for t in tests:
        seen.add(t['name'])
        count_test(tally, t['name'], t.get('result', ''),
                   t.get('stdout') or '')
    for spec in lists:
        suite, _, path = spec.partition('=')
        try:
            with open(path) as f:
                expected = [line.strip() for line in f if ' / ' in line]
        except OSError as e:
            tally.add('suite ' + suite, 0, 1, 0, 'no test list: %s' % e)
            continue
        if not expected:
            tally.add('suite ' + suite, 0, 1, 0, 'it has no tests')
        for name in expected:
            if name not in seen:
                tally.add(name, 0, 1, 0, 'listed but not in %s' % log)
    if status != 0 and tally.failed == failed_before:
        tally.add('meson test', 0, 1, 0,
                  'exited %d, yet %s shows no failure' % (status, log))


def main():
    ap = argparse.ArgumentParser(description='Summarise test results.')
    ap.add_argument('--tap', action='append', default=[],
                    metavar='NAME=FILE', help='a TAP file, counted as a test')
    ap.add_argument('--run', action='append', default=[], nargs='+',
                    metavar='ARG', help='LOG STATUS SUITE=LIST...')
    args = ap.parse_args()
    tally = Tally()
    for spec in args.tap:
        name, _, path = spec.partition('=')
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            tally.add(name, 0, 1, 0, 'no TAP file: %s' % e)
            continue
        count_test(tally, name, 'OK', text)
    for run in args.run:
        if len(run) < 3 or not run[1].lstrip('-').isdigit() or \
                any('=' not in s for s in run[2:]):
            ap.error('--run needs LOG STATUS SUITE=LIST..., got %s' %
                     ' '.join(run))
        count_run(tally, run[0], int(run[1]), run[2:])
    for name in tally.failures:
        print('FAILED: ' + name)
    print('%d passed, %d failed' % (tally.passed, tally.failed) +
          (', %d skipped' % tally.skipped if tally.skipped else ''))
    return 1 if tally.failed else 0


if __name__ == '__main__':
    sys.exit(main())

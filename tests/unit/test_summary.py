#!/usr/bin/env python3
"""scripts/test-summary.py over fake meson logs: skips are skips; crashed,
missing and short tests, empty suites and a failing `meson test` fail.

  test_summary.py PATH/TO/test-summary.py
"""
import json
import os
import subprocess
import sys
import tempfile

SUMMARY = sys.argv[1]
n = 0
failed = 0


def ok(good, name):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if good else 'not ok', n, name))
    if not good:
        failed += 1


class Run:
    """One fake `meson test` run: its testlog.json and test lists."""

    def __init__(self, tmp, tag):
        self.dir = os.path.join(tmp, tag)
        os.mkdir(self.dir)
        self.log = os.path.join(self.dir, 'testlog.json')
        self.tests = []
        self.lists = {}

    def test(self, name, result, stdout='', listed=True, suite='unit',
             logged=True):
        full = 'lkdb:%s / %s' % (suite, name)
        if logged:
            self.tests.append({'name': full, 'result': result,
                               'stdout': stdout})
        self.lists.setdefault(suite, [])
        if listed:
            self.lists[suite].append(full)
        return self

    def suite(self, suite):
        self.lists.setdefault(suite, [])
        return self

    def args(self, status=0, write_log=True):
        if write_log:
            with open(self.log, 'w') as f:
                for t in self.tests:
                    f.write(json.dumps(t) + '\n')
        specs = []
        for suite, names in self.lists.items():
            path = os.path.join(self.dir, suite + '.list')
            with open(path, 'w') as f:
                f.write(''.join(name + '\n' for name in names))
            specs.append('%s=%s' % (suite, path))
        return ['--run', self.log, str(status)] + specs


def summary(*args):
    p = subprocess.run([sys.executable, SUMMARY] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    lines = p.stdout.splitlines()
    return p.returncode, (lines[-1] if lines else ''), p.stdout + p.stderr


def expect(name, args, last, status):
    rc, got, out = summary(*args)
    good = got == last and rc == status
    ok(good, name)
    if not good:
        print('# wanted "%s" exit %d, got exit %d:' % (last, status, rc))
        for line in out.splitlines():
            print('#   ' + line)


PASS3 = 'ok 1 - a\nok 2 - b\nok 3 - c\n1..3\n'

with tempfile.TemporaryDirectory() as tmp:
    def run(tag):
        return Run(tmp, tag)

    expect('all passing TAP and a non-TAP test',
           run('pass').test('t', 'OK', PASS3)
           .test('fuzz', 'OK', suite='fuzz').args(),
           '4 passed, 0 failed', 0)
    expect('a whole-test skip plan (1..0, SKIP) is one skip, not a pass',
           run('skip').test('t', 'OK', PASS3)
           .test('s', 'SKIP', '1..0 # SKIP no gdb\n').args(),
           '3 passed, 0 failed, 1 skipped', 0)
    expect('a bare 1..0 plan is a skip too',
           run('skip0').test('s', 'OK', '1..0\n').args(),
           '0 passed, 0 failed, 1 skipped', 0)
    expect('a non-TAP test that meson skipped is a skip',
           run('skipexit').test('f', 'SKIP', suite='fuzz').args(),
           '0 passed, 0 failed, 1 skipped', 0)
    expect('subtest skips are counted as skips',
           run('subskip').test('t', 'OK',
                               'ok 1 - a\nok 2 - b # SKIP none\n1..2\n')
           .args(),
           '1 passed, 0 failed, 1 skipped', 0)
    expect('a not ok subtest fails',
           run('notok').test('t', 'FAIL',
                             'ok 1 - a\nnot ok 2 - b\n1..2\n').args(1),
           '1 passed, 1 failed', 1)
    expect('a crash after two oks, no plan: one failure',
           run('crash').test('t', 'ERROR', 'ok 1 - a\nok 2 - b\n').args(1),
           '2 passed, 1 failed', 1)
    expect('a crash with the plan first: each missing subtest fails',
           run('crashplan').test('t', 'ERROR', '1..5\nok 1 - a\n').args(1),
           '1 passed, 4 failed', 1)
    expect('a short TAP plan fails the missing subtests even if meson said OK',
           run('short').test('t', 'OK', 'ok 1 - a\n1..3\n').args(),
           '1 passed, 2 failed', 1)
    expect('Bail out! fails the test',
           run('bail').test('t', 'ERROR',
                            'ok 1 - a\nBail out! guest did not boot\n')
           .args(1),
           '1 passed, 1 failed', 1)
    expect('Bail out! before any subtest fails the test',
           run('bail0').test('t', 'ERROR', 'Bail out! no fixture\n').args(1),
           '0 passed, 1 failed', 1)
    expect('a timed-out non-TAP test fails',
           run('timeout').test('f', 'TIMEOUT', suite='fuzz').args(1),
           '0 passed, 1 failed', 1)
    expect('a listed test missing from the log fails',
           run('missing').test('t', 'OK', PASS3)
           .test('gone', 'OK', PASS3, logged=False).args(1),
           '3 passed, 1 failed', 1)
    expect('a suite with no tests fails',
           run('empty').test('t', 'OK', PASS3).suite('integration').args(),
           '3 passed, 1 failed', 1)
    expect('meson exiting non-zero with a clean log fails',
           run('status').test('t', 'OK', PASS3).args(1),
           '3 passed, 1 failed', 1)
    expect('a missing testlog.json fails (and its listed tests)',
           run('nolog').test('t', 'OK', PASS3).args(write_log=False),
           '0 passed, 2 failed', 1)

    tap = os.path.join(tmp, 'libfuzzer.tap')
    with open(tap, 'w') as f:
        f.write('1..2\nok - fuzz-a\nok - fuzz-b\n')
    expect('a TAP file with its plan met',
           ['--tap', 'libfuzzer=' + tap] + run('tap').test('t', 'OK', PASS3)
           .args(),
           '5 passed, 0 failed', 0)
    with open(tap, 'w') as f:
        f.write('1..2\nok - fuzz-a\n')
    expect('a TAP file short of its plan fails',
           ['--tap', 'libfuzzer=' + tap], '1 passed, 1 failed', 1)
    expect('two runs add up',
           run('one').test('t', 'OK', PASS3).args() +
           run('two').test('t', 'SKIP', '1..0 # SKIP x\n').args(),
           '3 passed, 0 failed, 1 skipped', 0)
    rc, _, out = summary(*run('names').test('t', 'OK', 'ok 1\n1..2\n')
                         .test('gone', 'OK', logged=False).args(1))
    ok(rc == 1 and 'FAILED: lkdb:unit / t' in out and
       'FAILED: lkdb:unit / gone (listed but not in' in out,
       'FAILED lines name the short and the missing test')

print('1..%d' % n)
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Compare lkdb decode --json with addr2line -i, frame by frame.

decode_check.py LOG JSON VMLINUX [MODULE.ko...]

The frames are found in LOG with a regular expression of this script's
own; each one's address is computed from nm's symbol value (+ offset, - 1
for a return address), and addr2line -i gives the ground truth: the same
number of source lines, each with the same line number, each lkdb file a
path suffix of addr2line's.  Prints TAP-free diagnostics ('# ' lines) and
'checked N' on success; exits 1 on a mismatch.
"""
import json
import os
import re
import subprocess
import sys

FRAME = re.compile(r'(RIP: [0-9a-f]{4}:)?([^\s+\[\]]+)\+0x([0-9a-f]+)/0x([0-9a-f]+)'
                   r'(?: \[(\w+)\])?\s*$')


def symbols(obj, names):
    found = {}
    out = subprocess.run(['nm', obj], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'tTwW' and parts[2] in names:
            found.setdefault(parts[2], []).append(int(parts[0], 16))
    return found


def addr2line(obj, addrs):
    if not addrs:
        return {}
    out = subprocess.run(['addr2line', '-i', '-a', '-e', obj] +
                         ['0x%x' % a for a in addrs],
                         capture_output=True, text=True, check=True).stdout
    result, current = {}, None
    for line in out.splitlines():
        if line.startswith('0x'):
            current = int(line, 16)
            result[current] = []
        else:
            result[current].append(re.sub(r' \(discriminator \d+\)$', '', line))
    return result


def suffix_ok(ours, theirs):
    theirs = os.path.normpath(theirs)
    return theirs == ours or theirs.endswith('/' + ours)


def main():
    log, js, vmlinux = sys.argv[1:4]
    modules = {os.path.basename(m).split('.')[0].replace('-', '_'): m
               for m in sys.argv[4:]}
    lines = open(log, errors='replace').read().splitlines()
    decoded = [json.loads(l) for l in open(js)]
    if len(decoded) != len(lines):
        print('# %d JSON objects for %d lines' % (len(decoded), len(lines)))
        return 1
    frames = []
    for i, line in enumerate(lines):
        m = FRAME.search(line)
        if not m:
            continue
        exact, func, off, size, mod = m.groups()
        obj = vmlinux if not mod else modules.get(mod)
        if obj:
            frames.append((i, func, int(off, 16), bool(exact), obj))
    by_obj = {}
    for f in frames:
        by_obj.setdefault(f[4], set()).add(f[1])
    syms = {obj: symbols(obj, names) for obj, names in by_obj.items()}
    wanted, checked, bad = {}, 0, 0
    for i, func, off, exact, obj in frames:
        values = syms[obj].get(func, [])
        if len(values) != 1:
            print('# line %d: %s has %d definitions in %s: skipped'
                  % (i + 1, func, len(values), obj))
            continue
        addr = values[0] + off - (0 if exact or not off else 1)
        wanted.setdefault(obj, []).append((i, addr))
    for obj, items in wanted.items():
        truth = addr2line(obj, sorted({a for _, a in items}))
        for i, addr in items:
            theirs = truth.get(addr, [])
            ours = ['%s:%s' % (s['file'], s['line'] or '?')
                    for s in decoded[i].get('source', [])]
            ok = len(ours) == len(theirs) and all(
                o.rsplit(':', 1)[1] == t.rsplit(':', 1)[1] and
                suffix_ok(o.rsplit(':', 1)[0], t.rsplit(':', 1)[0])
                for o, t in zip(ours, theirs))
            checked += 1
            if not ok:
                bad += 1
                print('# line %d: lkdb %s, addr2line 0x%x %s'
                      % (i + 1, ours, addr, theirs))
    print('# %d frames checked against addr2line -i, %d differ'
          % (checked, bad))
    print('checked %d' % checked)
    return 1 if bad or not checked else 0


sys.exit(main())

#!/usr/bin/env bash
# vm on the shared dump (ELF and flattened) and the live shared guest,
# against the guest's own /proc/PID/maps of a sleeper: the same VMAs in
# the same order, their permissions from vm_flags, and the file paths.
# (crash 8.0.2 cannot list the VMAs of a 6.1 kernel: they are in a maple
# tree.)  --json has the text's content; bad arguments give one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
read -r upid _ < <(sed -n 's/^user-page //p' "$d/guest-proc")
sed -n 's/^maps //p' "$d/guest-proc" >"$TMP/maps"
diag "$TMP/maps"

# compare MAPS OUT: VMAs of vm's text against /proc/PID/maps lines
compare() {
    python3 - "$1" "$2" <<'PY'
import re, sys
maps = [l.split() for l in open(sys.argv[1]).read().splitlines() if l.strip()]
out = open(sys.argv[2]).read().splitlines()
rows = [l.split(None, 4) for l in out if re.match(r'^[0-9a-f]{16} +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+', l)]
bad = []
if len(rows) != len(maps):
    bad.append('%d VMAs, maps has %d' % (len(rows), len(maps)))
for m, r in zip(maps, rows):
    start, end = (int(x, 16) for x in m[0].split('-'))
    flags = int(r[3], 16)
    perms = ('r' if flags & 1 else '-') + ('w' if flags & 2 else '-') + \
            ('x' if flags & 4 else '-') + ('s' if flags & 8 else 'p')
    path = m[5] if len(m) > 5 and m[5].startswith('/') else ''
    file = r[4].strip() if len(r) > 4 else ''
    if (int(r[1], 16), int(r[2], 16), perms, file) != (start, end, m[1], path):
        bad.append('%s %s %s vs %s' % (m[0], m[1], path, r[1:]))
print('# ' + '; '.join(bad[:4]) if bad else '# all %d VMAs match' % len(rows))
sys.exit(1 if bad else 0)
PY
}

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c "vm $upid" >"$TMP/$f.out" 2>"$TMP/$f.err"
    status=$?
    diag "$TMP/$f.out" "$TMP/$f.err"
    check "dump ($f): vm $upid exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/$f.err"
    check "dump ($f): vm $upid has crash's header lines" \
        bash -c "grep -qE '^PID: $upid +TASK: [0-9a-f]{16}  CPU: ' '$TMP/$f.out' &&
                 grep -qx '       MM               PGD          RSS    TOTAL_VM' '$TMP/$f.out' &&
                 grep -qx '      VMA              START             END        FLAGS FILE' '$TMP/$f.out'"
    check "dump ($f): vm $upid's VMAs are /proc/$upid/maps': ranges, permissions, files" \
        compare "$TMP/maps" "$TMP/$f.out"
done
D=$d/vmcore.elf

"$LKDB" -q "$V" "$D" -c "vm $upid" -c "vm --json $upid 2" >"$TMP/json.out" 2>&1
check "--json: the text's VMAs; a kernel thread has mm null and no VMAs" \
    python3 - "$TMP/json.out" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
j = json.loads(t[t.index('[{'):])
text = t[:t.index('[{')]
rows = [l.split(None, 4) for l in text.splitlines() if re.match(r'^[0-9a-f]{16} +[0-9a-f]+ +[0-9a-f]+ +[0-9a-f]+', l)]
v = j[0]['vmas']
ok = len(v) == len(rows) and all(
    ('%016x' % int(x['vma'], 16), '%x' % int(x['start'], 16), '%x' % int(x['end'], 16), '%x' % int(x['flags'], 16), x['file'] or '') ==
    (r[0], r[1], r[2], r[3], r[4].strip() if len(r) > 4 else '') for x, r in zip(v, rows)) and \
    j[1]['mm'] is None and j[1]['vmas'] == [] and \
    all(j[1][k] is None for k in ('pgd', 'rss_bytes', 'total_vm_bytes'))
sys.exit(0 if ok else 1)
PY

# vm -p: each VMA's pages.  The sleeper's first page is where the guest's
# /proc/PID/pagemap said (its PFN); every VMA has a line per page; a page
# that is not present is its file's page (at the VMA's file offset) or not
# mapped; --json has the same pages.
read -r _ uaddr pagemap < <(sed -n 's/^user-page //p' "$d/guest-proc")
pfn=$(printf '%x' $((0x$pagemap & ((1 << 55) - 1))))
"$LKDB" -q "$V" "$D" -c "vm -p $upid" -c "vm -p --json $upid" >"$TMP/p.out" 2>&1
echo "# first page $uaddr: pagemap PFN $pfn"
check "vm -p: the first page's PHYSICAL is pagemap's PFN $pfn, in crash's columns" \
    grep -qE "^$(printf '%-16x' $((0x$uaddr)))  +${pfn}000\$" "$TMP/p.out"
check "vm -p: each VMA under its header, one line per page; absent pages FILE or (not mapped); --json the same" \
    python3 - "$TMP/p.out" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
text, j = t[:t.index('[{')], json.loads(t[t.index('[{'):])
vmas, bad = [], []
for l in text.splitlines():
    m = re.match(r'^([0-9a-f]{16}) +([0-9a-f]+) +([0-9a-f]+) +[0-9a-f]+ ?(.*)$', l)
    if m:
        vmas.append((int(m.group(2), 16), int(m.group(3), 16), m.group(4), []))
    elif vmas and re.match(r'^[0-9a-f]+ ', l):
        vmas[-1][3].append(l)
for start, end, path, pages in vmas:
    if len(pages) != (end - start) // 4096:
        bad.append('%x: %d pages for %d' % (start, len(pages), (end - start) // 4096))
    for i, l in enumerate(pages):
        va, rest = l.split(None, 1)
        if int(va, 16) != start + 4096 * i:
            bad.append('%s out of order' % va)
        if not (re.match(r'^[0-9a-f]+$', rest) or rest == '(not mapped)' and not path or
                path and rest.startswith('FILE: %s  OFFSET: ' % path)):
            bad.append(l)
jv = j[0]['vmas']
jpages = [(int(p['virtual'], 16), p['physical']) for v in jv for p in v['pages']]
tpages = []
for start, end, path, pages in vmas:
    for l in pages:
        va, rest = l.split(None, 1)
        tpages.append((int(va, 16), '0x' + rest if re.match(r'^[0-9a-f]+$', rest) else None))
if jpages != tpages:
    bad.append('json differs')
print('# %d VMAs, %d pages, %d present; %s' % (len(vmas), len(tpages), sum(1 for p in tpages if p[1]), bad[:3]))
sys.exit(0 if vmas and not bad else 1)
PY

# The context task by default: on a dump, the one that panicked (sh).
"$LKDB" -q "$V" "$D" -c vm >"$TMP/ctx.out" 2>&1
check "vm with no argument is the panicking task's (sh), mapping /bin/busybox" \
    bash -c "grep -qE '^PID: .*COMMAND: \"sh\"' '$TMP/ctx.out' && grep -qE ' /bin/busybox\$' '$TMP/ctx.out'"

# Live: a sleeper's maps now, then lkdb attaches.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
lpid=$("$GUEST_SH" run "$g" 'pidof sleep | cut -d" " -f1' | tr -d '\r')
"$GUEST_SH" run "$g" "cat /proc/$lpid/maps" | tr -d '\r' >"$TMP/lmaps"
"$LKDB" -q -r ":$port" "$V" -c "vm $lpid" >"$TMP/live.out" 2>"$TMP/live.err"
diag "$TMP/live.out" "$TMP/live.err"
check "live: vm $lpid's VMAs are its /proc/$lpid/maps'" compare "$TMP/lmaps" "$TMP/live.out"

one_line_errors "$V" "$D" -- 'vm 99999' 'vm -x' 'vm zz' 'vm 1 -p'
done_testing

#!/usr/bin/env bash
# kmem -i and kmem -s against the guest's own /proc/meminfo and
# /proc/slabinfo.  kmem -i: on the shared dump (read
# just before the panic; ELF and flattened) and on the live shared guest
# (read just before lkdb attaches and stops it).  MemTotal, SwapTotal,
# CommitLimit and Hugetlb must be equal; the counters that move (free,
# cached, slab, committed) within a small margin.  --json has the text's
# figures; crash 8.0.2 on the same dump prints the same layout and the
# same figures, except SLAB and COMMITTED, where crash is wrong (it reads
# only the reclaimable slab counter and only vm_committed_as.count: the
# guest's own Slab and Committed_AS are lkdb's).  kmem -s: each cache's
# allocated and total objects and slabs as /proc/slabinfo (read last before
# the panic; caches its own reading used may differ by a slab or two),
# and crash's OBJSIZE, TOTAL, SLABS, SSIZE and order of caches exactly.
# kmem -S: each cache's nodes hold /proc/slabinfo's slabs, each listed
# slab's objects add up, --json has the text's, and crash's kmem -S is the
# same bytes (every cache, every object).
# Bad options: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1

# rows FILE: "ITEM PAGES" per kmem -i row (ITEM with _ for spaces)
rows() {
    sed -nE 's/^ *([A-Z][A-Z ]*[A-Z]) +([0-9]+) .*/\1 \2/p' "$1" |
        awk '{ p = $NF; $NF = ""; sub(/ $/, ""); gsub(/ /, "_"); print $0, p }'
}
# pages FILE ITEM
pages() { rows "$1" | awk -v k="$2" '$1 == k { print $2 }'; }
# kb FILE KEY: a /proc/meminfo value in kB (or count) from guest text
kb() { awk -v k="$2:" '$1 == k { print $2 }' "$1"; }
# near A B MARGIN
near() { [[ -n $1 && -n $2 ]] && (( ($1 > $2 ? $1 - $2 : $2 - $1) <= $3 )); }

# Ground truth the dump's guest printed (guest-proc: "meminfo:KEY: N").
sed -n 's/^meminfo://p' "$d/guest-proc" | awk '{ print $1, $2 }' >"$TMP/dump-meminfo"
diag "$TMP/dump-meminfo" | head -n 8

# compare NAME OUT MEMINFO: the figures of kmem -i output OUT against MEMINFO
compare() {
    local name=$1 out=$2 m=$3
    check "$name: TOTAL MEM is MemTotal ($(kb "$m" MemTotal) kB)" \
        test "$(( $(pages "$out" TOTAL_MEM) * 4 ))" = "$(kb "$m" MemTotal)"
    check "$name: FREE is MemFree within 1 MiB" \
        near "$(( $(pages "$out" FREE) * 4 ))" "$(kb "$m" MemFree)" 1024
    check "$name: USED is TOTAL MEM - FREE" \
        test "$(pages "$out" USED)" = "$(( $(pages "$out" TOTAL_MEM) - $(pages "$out" FREE) ))"
    check "$name: BUFFERS is Buffers within 256 kB" \
        near "$(( $(pages "$out" BUFFERS) * 4 ))" "$(kb "$m" Buffers)" 256
    check "$name: CACHED is Cached within 512 kB" \
        near "$(( $(pages "$out" CACHED) * 4 ))" "$(kb "$m" Cached)" 512
    check "$name: SLAB is Slab within 512 kB" \
        near "$(( $(pages "$out" SLAB) * 4 ))" "$(kb "$m" Slab)" 512
    check "$name: TOTAL HUGE is Hugetlb" \
        test "$(( $(pages "$out" TOTAL_HUGE) * 4 ))" = "$(kb "$m" Hugetlb)"
    check "$name: TOTAL SWAP is SwapTotal, SWAP FREE SwapFree" \
        test "$(( $(pages "$out" TOTAL_SWAP) * 4 )) $(( $(pages "$out" SWAP_FREE) * 4 ))" = "$(kb "$m" SwapTotal) $(kb "$m" SwapFree)"
    check "$name: COMMIT LIMIT is CommitLimit" \
        test "$(( $(pages "$out" COMMIT_LIMIT) * 4 ))" = "$(kb "$m" CommitLimit)"
    check "$name: COMMITTED is Committed_AS within 1 MiB" \
        near "$(( $(pages "$out" COMMITTED) * 4 ))" "$(kb "$m" Committed_AS)" 1024
}

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'kmem -i' -c 'kmem -i --json' \
        >"$TMP/$f.out" 2>"$TMP/$f.err"
    status=$?
    grep -v '^\[' "$TMP/$f.out" | diag
    diag "$TMP/$f.err"
    check "dump ($f): kmem -i exits 0 with no warning" \
        test "$status" = 0 -a ! -s "$TMP/$f.err"
    check "dump ($f): crash's header line" \
        grep -qx '                 PAGES        TOTAL      PERCENTAGE' "$TMP/$f.out"
    compare "dump ($f)" "$TMP/$f.out" "$TMP/dump-meminfo"
    check "dump ($f): --json has the text's items and pages, bytes = pages * 4096" \
        python3 - "$TMP/$f.out" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
rows = json.loads([l for l in lines if l.startswith('[')][0])
text = [(m.group(1), int(m.group(2))) for m in
        (re.match(r'^ *([A-Z][A-Z ]*[A-Z]) +(\d+) ', l) for l in lines) if m]
ok = [(r['item'], r['pages']) for r in rows] == text and \
     all(r['bytes'] == r['pages'] * 4096 for r in rows) and \
     all((r['of'] is None) == (r['percent'] is None) for r in rows)
sys.exit(0 if ok and text else 1)
PY
done

if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'kmem -i\nquit\n' >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crash.in" >"$TMP/crash.out" 2>&1
    grep -vE '^(WARNING|crash):' "$TMP/crash.out" | diag
    # The items crash prints, in its order, less SHARED (crash 8.0.2 walks
    # every page struct for it; newer crash prints it only when asked).
    crash_items=$(rows "$TMP/crash.out" | awk '$1 != "SHARED" { print $1 }' | tr '\n' ' ')
    check "crash: kmem -i has crash's items in crash's order ($crash_items)" \
        test -n "$crash_items" -a "$crash_items" = "$(rows "$TMP/elf.out" | awk '{ print $1 }' | tr '\n' ' ')"
    same=1
    for item in TOTAL_MEM FREE USED BUFFERS CACHED TOTAL_HUGE TOTAL_SWAP COMMIT_LIMIT; do
        [[ $(pages "$TMP/crash.out" "$item") == "$(pages "$TMP/elf.out" "$item")" ]] || same=0
    done
    check "crash: the same pages as crash for every item crash reads right" test $same = 1
    # crash's layout, line for line, where the figures agree.
    check "crash: TOTAL MEM and FREE lines are crash's, byte for byte" \
        test "$(grep -E '^ +(TOTAL MEM|FREE) ' "$TMP/crash.out")" = "$(grep -E '^ +(TOTAL MEM|FREE) ' "$TMP/elf.out")"
else
    for t in "kmem -i has crash's items in crash's order" "the same pages as crash for every item crash reads right" \
        "TOTAL MEM and FREE lines are crash's, byte for byte"; do
        ok 0 "crash: $t # SKIP $crash_skip"
    done
fi

# kmem -V: the vm counters.  Ground truth: /proc/meminfo's MemFree and
# Shmem are NR_FREE_PAGES and NR_SHMEM (read just before the panic: within
# 1 %); every item of each group named, VM_EVENT_STATES among them; --json
# the same; crash 8.0.2 prints the same lines.
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'kmem -V' -c 'kmem -V --json' >"$TMP/V.out" 2>"$TMP/V.err"
diag "$TMP/V.err"
check "kmem -V: NR_FREE_PAGES and NR_SHMEM are /proc/meminfo's MemFree and Shmem; three groups; --json the same" \
    python3 - "$TMP/V.out" "$d/guest-proc" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
text, j = t[:t.index('{')], json.loads(t[t.index('{'):])
facts = dict(re.findall(r'^meminfo:(\w+): +(\d+)', open(sys.argv[2]).read(), re.M))
groups, cur = {}, None
for l in text.splitlines():
    m = re.match(r'^  (VM_[A-Z_]+):$', l)
    if m:
        cur = groups.setdefault(m.group(1), {})
    elif l.strip() and cur is not None:
        k, v = l.split(':')
        cur[k.strip()] = int(v)
near = lambda a, b: abs(a - b) <= max(64, b // 100)
z, n = groups.get('VM_ZONE_STAT', {}), groups.get('VM_NODE_STAT', {})
print('# NR_FREE_PAGES %s (MemFree %s kB), NR_SHMEM %s (Shmem %s kB)' %
      (z.get('NR_FREE_PAGES'), facts.get('MemFree'), n.get('NR_SHMEM'), facts.get('Shmem')))
ok = list(groups) == ['VM_ZONE_STAT', 'VM_NODE_STAT', 'VM_EVENT_STATES'] and \
     near(4 * z['NR_FREE_PAGES'], int(facts['MemFree'])) and \
     near(4 * n['NR_SHMEM'], int(facts['Shmem'])) and \
     groups['VM_EVENT_STATES'].get('PGFAULT', 0) > 0 and j == groups
sys.exit(0 if ok else 1)
PY
if have_crash; then
    printf 'kmem -V\nquit\n' >"$TMP/crashV.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crashV.in" 2>&1 |
        grep -vE '^(WARNING|crash):|^$' >"$TMP/crashV.out"
    grep -v '^$' "$TMP/V.out" | sed '/^{/,$d' >"$TMP/oursV.out"
    diff "$TMP/crashV.out" "$TMP/oursV.out" | head -n 5 | diag
    check "crash: kmem -V prints crash's $(grep -c '' "$TMP/crashV.out") lines byte for byte" \
        cmp -s "$TMP/crashV.out" "$TMP/oursV.out"
else
    ok 0 "crash: kmem -V prints crash's lines # SKIP $crash_skip"
fi

# Live: the guest's /proc/meminfo, then lkdb attaches (the guest stops).
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'cat /proc/meminfo' | tr -d '\r' | sed 's/ kB$//' >"$TMP/live-meminfo"
"$LKDB" -q -r ":$port" "$V" -c 'kmem -i' >"$TMP/live.out" 2>"$TMP/live.err"
status=$?
diag "$TMP/live.out" "$TMP/live.err"
check "live: kmem -i exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/live.err"
compare live "$TMP/live.out" "$TMP/live-meminfo"

# kmem -s against /proc/slabinfo: "slab NAME ACTIVE TOTAL SLABS".
sed -n 's/^slab //p' "$d/guest-proc" >"$TMP/slabinfo"
# slab_compare SLABINFO OUT: caches equal, or off by one slab's worth
slab_compare() {
    python3 - "$1" "$2" <<'PY'
import re, sys
info = [l.split() for l in open(sys.argv[1]) if l.strip()]
ours = {}
for l in open(sys.argv[2]):
    m = re.match(r'^([0-9a-f]{16}) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)k  (.*)$', l)
    if m:
        ours.setdefault(m.group(7), []).append(tuple(int(m.group(i)) for i in (3, 4, 5)))
same = moved = 0
bad = []
for name, act, num, slabs in info:
    want = (int(act), int(num), int(slabs))
    got = ours.get(name, [])
    if want in got:
        same += 1
    elif got and any(abs(g[2] - want[2]) <= 2 for g in got):
        moved += 1
    else:
        bad.append('%s: slabinfo %s, lkdb %s' % (name, want, got))
print('# %d caches: %d as /proc/slabinfo, %d within two slabs (its reading), %d wrong %s'
      % (len(info), same, moved, len(bad), bad[:3]))
sys.exit(0 if info and not bad and moved <= max(8, len(info) // 10) else 1)
PY
}
for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'kmem -s' >"$TMP/s$f.out" 2>"$TMP/s$f.err"
    status=$?
    diag "$TMP/s$f.err"
    check "dump ($f): kmem -s exits 0 with no warning, crash's header" \
        test "$status" = 0 -a ! -s "$TMP/s$f.err" -a \
             "$(head -n1 "$TMP/s$f.out")" = 'CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME'
    check "dump ($f): kmem -s has /proc/slabinfo's caches, counted as it counts them" \
        slab_compare "$TMP/slabinfo" "$TMP/s$f.out"
done
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'kmem -s kmalloc-64' -c 'kmem -s --json' >"$TMP/sj.out" 2>&1
check "kmem -s CACHE: that cache's line only; --json has the table's caches and counts" \
    python3 - "$TMP/sj.out" "$TMP/self.out" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read().splitlines()
one = [l for l in t if re.match(r'^[0-9a-f]{16} ', l)]
rows = json.loads('\n'.join(l for l in t if l.startswith('[') or l.startswith(' {')))
table = [re.match(r'^([0-9a-f]{16}) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)k  (.*)$', l).groups()
         for l in open(sys.argv[2]) if re.match(r'^[0-9a-f]{16} ', l)]
ok = len(one) == 1 and one[0].endswith('  kmalloc-64') and \
     [('%016x' % int(r['cache'], 16), str(r['object_size']), str(r['allocated']), str(r['total']), str(r['slabs']),
       str(r['slab_bytes'] // 1024), r['name']) for r in rows] == table
sys.exit(0 if ok else 1)
PY
if have_crash; then
    printf 'kmem -s\nquit\n' >"$TMP/crashs.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crashs.in" >"$TMP/crashs.out" 2>&1
    check "crash: kmem -s's caches in crash's order with crash's OBJSIZE, TOTAL, SLABS, SSIZE" \
        test "$(grep -cE '^[0-9a-f]{16} ' "$TMP/crashs.out")" -gt 100 -a \
             "$(grep -E '^[0-9a-f]{16} ' "$TMP/crashs.out" | awk '{ print $1, $2, $4, $5, $6, $7 }')" = \
             "$(grep -E '^[0-9a-f]{16} ' "$TMP/self.out" | awk '{ print $1, $2, $4, $5, $6, $7 }')"
else
    ok 0 "crash: kmem -s as crash's # SKIP $crash_skip"
fi

# kmem -S: every cache slab by slab.  Against /proc/slabinfo: the nodes'
# SLABS are the cache's slabs (within its reading's drift, as -s); each
# listed slab's ALLOCATED and FREE add up to TOTAL, and its objects listed
# [allocated] are ALLOCATED of them.  --json: the text's slabs and objects.
for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'kmem -S' >"$TMP/S$f.out" 2>"$TMP/S$f.err"
    status=$?
    diag "$TMP/S$f.err"
    check "dump ($f): kmem -S exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/S$f.err"
done
check "kmem -S: the same on the ELF and the flattened dump" cmp -s "$TMP/Self.out" "$TMP/Sflat.out"
check "kmem -S: each cache's nodes hold /proc/slabinfo's slabs; each slab's objects add up" \
    python3 - "$TMP/slabinfo" "$TMP/Self.out" <<'PY'
import re, sys
info = {l.split()[0]: int(l.split()[3]) for l in open(sys.argv[1]) if l.strip()}
caches, bad, slabs_seen = {}, [], 0
cur = slab = None
for l in open(sys.argv[2]).read().splitlines():
    m = re.match(r'^([0-9a-f]{16}) +\d+ +(\d+) +(\d+) +(\d+) +\d+k  (.*)$', l)
    if m:
        cur = m[5]
        caches[cur] = {'slabs': int(m[4]), 'nodes': 0}
        slab = None
        continue
    m = re.match(r'^[0-9a-f]+ +\d+ +(\d+) +\d+ +\d+$', l)
    if m and cur:
        caches[cur]['nodes'] += int(m[1])
        continue
    m = re.match(r'^  ([0-9a-f]{16})  ([0-9a-f]{16}) +(-?\d+) +(\d+) +(\d+) +(\d+)$', l)
    if m:
        slabs_seen += 1
        total, alloc, free = int(m[4]), int(m[5]), int(m[6])
        if alloc + free != total:
            bad.append('%s: slab %s %d+%d != %d' % (cur, m[1], alloc, free, total))
        slab = [m[1], alloc, 0, 0]
        continue
    if slab and re.match(r'^  \[[0-9a-f]+\]$', l):
        slab[2] += 1
    elif slab and re.match(r'^   [0-9a-f]+  ', l):
        slab[3] += 1
    elif slab and slab[2] + slab[3]:
        if slab[2] != slab[1]:
            bad.append('%s: slab %s lists %d allocated, says %d' % (cur, slab[0], slab[2], slab[1]))
        slab = None
moved = [n for n in info if n in caches and caches[n]['nodes'] != info[n]]
far = [n for n in moved if abs(caches[n]['nodes'] - info[n]) > 2]
missing = [n for n in info if n not in caches]
own = [n for n, c in caches.items() if c['nodes'] != c['slabs']]
print('# %d caches, %d slabs listed; %d moved since /proc/slabinfo, %d far %s, missing %s, line != nodes %s, bad %s'
      % (len(caches), slabs_seen, len(moved), len(far), far[:3], missing[:3], own[:3], bad[:3]))
sys.exit(0 if caches and slabs_seen > 100 and not far and not missing and not own and not bad
         and len(moved) <= max(8, len(info) // 10) else 1)
PY
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'kmem -S kmalloc-64' -c 'kmem -S --json kmalloc-64' >"$TMP/Sj.out" 2>&1
check "kmem -S --json CACHE: the text's CPUs, slabs, objects and nodes" \
    python3 - "$TMP/Sj.out" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
text, j = t[:t.index('[{')], json.loads(t[t.index('[{'):])[0]
objs = [(m[1] or m[2], not m[1]) for m in re.finditer(r'(?m)^  (?:\[([0-9a-f]+)\]|\s([0-9a-f]+)  )', text)]
jobjs = []
for c in j['cpus']:
    for s in ([c['slab']] if c['slab'] else []) + c['partial']:
        jobjs += [('%x' % int(o['address'], 16), o['free']) for o in s['objects']]
node = re.search(r'(?m)^([0-9a-f]+) +0 +(\d+) +(\d+) +(\d+)$', text)
n = j['nodes'][0]
ok = j['name'] == 'kmalloc-64' and objs == jobjs and len(objs) >= 64 and \
     (int(n['kmem_cache_node'], 16), n['slabs'], n['partial'], n['per_cpu']) == \
     (int(node[1], 16), int(node[2]), int(node[3]), int(node[4])) and \
     re.search(r'(?m)^[0-9a-f]{16} +64 +%d +%d ' % (j['allocated'], j['total']), text)
sys.exit(0 if ok else 1)
PY
if have_crash; then
    printf 'kmem -S > %s\nquit\n' "$TMP/crashS.out" >"$TMP/crashS.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crashS.in" >/dev/null 2>&1
    check "crash: kmem -S, every cache's slabs and objects, byte for byte as crash 8.0.2's ($(wc -l <"$TMP/crashS.out") lines)" \
        cmp "$TMP/crashS.out" "$TMP/Self.out"
else
    ok 0 "crash: kmem -S as crash's # SKIP $crash_skip"
fi

# Live: the guest's /proc/slabinfo, then lkdb attaches.
"$GUEST_SH" run "$g" 'awk "NR > 2 { print \$1, \$2, \$3, \$15 }" /proc/slabinfo' | tr -d '\r' >"$TMP/live-slabinfo"
"$LKDB" -q -r ":$port" "$V" -c 'kmem -s' >"$TMP/lives.out" 2>"$TMP/lives.err"
diag "$TMP/lives.err"
check "live: kmem -s has /proc/slabinfo's caches" slab_compare "$TMP/live-slabinfo" "$TMP/lives.out"
"$LKDB" -q -r ":$port" "$V" -c 'kmem -S kmalloc-64' >"$TMP/liveS.out" 2>"$TMP/liveS.err"
status=$?
diag "$TMP/liveS.err"
want=$(awk '$1 == "kmalloc-64" { print $4 }' "$TMP/live-slabinfo")
got=$(awk '/^KMEM_CACHE_NODE/ { getline; n += $3 } END { print n + 0 }' "$TMP/liveS.out")
check "live: kmem -S kmalloc-64 exits 0; its nodes hold /proc/slabinfo's $want slabs ($got), objects listed" \
    bash -c "test $status = 0 && test -n '$want' && (( $got >= $want - 2 && $got <= $want + 2 )) && grep -qE '^  \[[0-9a-f]+\]$' '$TMP/liveS.out'"

# Bad input: one line naming the command and what is wrong, exit status 1.
one_line_errors "$V" "$d/vmcore.elf" -- 'kmem -x' 'kmem -i 12' 'kmem' 'kmem -i -s' 'kmem -s no_such_cache' \
    'kmem -S no_such_cache' 'kmem -S -s' 'kmem -S a b' \
    'kmem -V 12' 'kmem -V -i'
check "'kmem -x' says which option" grep -q 'unknown option -x' <("$LKDB" -q "$V" "$d/vmcore.elf" -c 'kmem -x' 2>&1)
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help kmem' >"$TMP/help.out" 2>&1
check "help kmem gives the synopsis and the --json schemas" \
    bash -c "grep -qF 'Usage: kmem -i | -s [CACHE] | -S [CACHE] | -p [ADDR...] | -V | -z | -f | -v | ADDR [--json]' '$TMP/help.out' && grep -q 'item, pages, bytes, percent, of' '$TMP/help.out' && grep -q 'objects_per_slab, slab_bytes' '$TMP/help.out'"
done_testing

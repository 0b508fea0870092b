#!/usr/bin/env bash
# kmem -z, kmem -f and kmem -v against the guest's own /proc/zoneinfo,
# /proc/buddyinfo and /proc/vmallocinfo: on the shared dump (read just
# before the panic; ELF and flattened) and on the live shared guest (read
# just before lkdb attaches).  -z: the zones in /proc/zoneinfo's order
# with its spanned, present and managed pages and min/low/high exactly,
# free pages within what moved.  -f: each free list walked, and per order
# the blocks of all migrate types are the kernel's own free_area.nr_free
# (the kernel stopped: exactly, but for one block a CPU stopped inside the
# allocator may hold) and /proc/buddyinfo's (DMA exactly on the dump, the
# rest within what moved: a few blocks an order, free pages within 2%);
# the pages found near NR_FREE_PAGES.  -v:
# /proc/vmallocinfo's areas (less vm_map_ram's and the lazily freed,
# which have no vm_struct) with their sizes, but for
# the few a process's start or end made or freed.  --json has the text's
# figures; crash 8.0.2 prints the same bytes for all three.  (The guest
# reads /proc/vmallocinfo with kptr_restrict 1: with 0 its addresses are
# hashed.)  Bad options:
# one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
sed -n 's/^zoneinfo //p' "$d/guest-proc" >"$TMP/zoneinfo"
sed -n 's/^buddyinfo //p' "$d/guest-proc" >"$TMP/buddyinfo"
sed -n 's/^vmallocinfo //p' "$d/guest-proc" >"$TMP/vmallocinfo"
check "the guest printed /proc/zoneinfo, /proc/buddyinfo and /proc/vmallocinfo" \
    test -s "$TMP/zoneinfo" -a -s "$TMP/buddyinfo" -a -s "$TMP/vmallocinfo"

# zones_compare ZONEINFO OUT JSON: kmem -z (text OUT, --json JSON) against
# /proc/zoneinfo.
zones_compare() {
    python3 - "$@" <<'PY'
import json, re, sys
info, cur = [], None
for l in open(sys.argv[1]):
    m = re.match(r'^Node (\d+), zone +(\S+)', l)
    if m:
        cur = {'node': int(m[1]), 'name': m[2]}
        info.append(cur)
        continue
    m = re.match(r'^\s+(pages free|min|low|high|spanned|present|managed)\s+(\d+)$', l)
    if m and cur is not None and m[1] not in cur:
        cur[m[1]] = int(m[2])
text = open(sys.argv[2]).read()
j = json.load(open(sys.argv[3]))
heads = re.findall(r'(?m)^NODE: (\d+)  ZONE: (\d+)  ADDR: ([0-9a-f]+)  NAME: "([^"]*)"$', text)
sizes = re.findall(r'(?m)^  SIZE: (\d+)(?:  PRESENT: (\d+))?  MIN/LOW/HIGH: (\d+)/(\d+)/(\d+)$', text)
bad = []
if [(z['node'], z['name']) for z in info] != [(int(h[0]), h[3]) for h in heads]:
    bad.append('zones %s, lkdb %s' % ([z['name'] for z in info], [h[3] for h in heads]))
if [(z['node'], z['zone'], '%x' % int(z['address'], 16), z['name']) for z in j] != \
   [(int(h[0]), int(h[1]), h[2], h[3]) for h in heads]:
    bad.append('--json zones differ from the text')
populated = [z for z in j if z['size']]
if len(sizes) != len(populated):
    bad.append('%d SIZE lines for %d populated zones' % (len(sizes), len(populated)))
for z, s in zip(populated, sizes):
    want = (z['size'], z['present'] if z['present'] < z['size'] else None, z['min'], z['low'], z['high'])
    got = (int(s[0]), int(s[1]) if s[1] else None, int(s[2]), int(s[3]), int(s[4]))
    if want != got:
        bad.append('%s: json %s, text %s' % (z['name'], want, got))
for z, p in zip(j, info):
    for key, ours in (('spanned', z['size']), ('present', z['present']), ('managed', z['managed']),
                      ('min', z['min']), ('low', z['low']), ('high', z['high'])):
        if key in p and p[key] != ours:
            bad.append('%s %s: zoneinfo %d, lkdb %d' % (z['name'], key, p[key], ours))
    free = z['vm_stat'].get('NR_FREE_PAGES')
    if 'pages free' in p and (free is None or abs(free - p['pages free']) > max(256, p['pages free'] // 20)):
        bad.append('%s free: zoneinfo %d, lkdb %s' % (z['name'], p['pages free'], free))
print('# %d zones (%d populated); %s' % (len(j), len(populated), bad[:4] or 'as /proc/zoneinfo'))
sys.exit(0 if heads and populated and not bad else 1)
PY
}

# free_compare BUDDYINFO OUT JSON EXACT: kmem -f against /proc/buddyinfo
# (zones named in EXACT must agree block for block, the others within
# what moved) and against the kernel's own nr_free.
free_compare() {
    python3 - "$@" <<'PY'
import json, re, sys
buddy = {}
for l in open(sys.argv[1]):
    m = re.match(r'^Node (\d+), zone +(\S+)((?:\s+\d+)+)\s*$', l)
    if m:
        buddy[(int(m[1]), m[2])] = [int(x) for x in m[3].split()]
text = open(sys.argv[2]).read()
j = json.load(open(sys.argv[3]))
exact = sys.argv[4].split(',')
bad = []
rows = re.findall(r'(?m)^ *(\d+) +(\d+)k  ([0-9a-f]+) +(\d+) +(\d+)$', text)
jrows = [(str(a['order']), str(a['size_kb']), '%x' % int(f['address'], 16), str(f['blocks']), str(f['pages']))
         for z in j['zones'] for a in z['areas'] for f in a['free_lists']]
if rows != [tuple(r) for r in jrows]:
    bad.append('--json free lists differ from the text (%d, %d)' % (len(rows), len(jrows)))
m = re.search(r'(?m)^nr_free_pages: (\d+)  \((verified|found (\d+))\)$', text)
# NR_FREE_PAGES leaves out what the CPUs' counter deltas hold: "(verified)"
# or "(found N)" with N near it, as the JSON says.
if not m or int(m[1]) != j['nr_free_pages'] or (m[2] == 'verified') != (j['found'] == j['nr_free_pages']) or \
   (m[3] and int(m[3]) != j['found']) or abs(j['found'] - j['nr_free_pages']) > max(256, j['found'] // 50):
    bad.append('nr_free_pages line %s, json %s/%s' % (m and m[0], j['nr_free_pages'], j['found']))
compared = 0
for z in j['zones']:
    if not z['areas']:
        continue
    per_order = [sum(f['blocks'] for f in a['free_lists']) for a in z['areas']]
    nr_free = [a['nr_free'] for a in z['areas']]
    # A CPU stopped inside the allocator may leave one block off.
    if len(per_order) != len(nr_free) or sum(abs(x - y) for x, y in zip(per_order, nr_free)) > 1:
        bad.append('%s: walked %s, nr_free %s' % (z['name'], per_order, nr_free))
    b = buddy.get((z['node'], z['name']))
    if b is None:
        bad.append('%s not in buddyinfo' % z['name'])
        continue
    compared += 1
    # What moved between the guest's read and the stop: an allocation
    # splits one large block into one of each smaller order, so each
    # order may differ by a few blocks (the small orders, which churn
    # most, by up to 256 pages' worth) while the free pages stay close.
    pages = lambda counts: sum(n << o for o, n in enumerate(counts))
    near = all(abs(x - y) <= max(4, y // 20) or abs(x - y) << o <= 256
               for o, (x, y) in enumerate(zip(per_order, b))) and \
        abs(pages(per_order) - pages(b)) <= max(512, pages(b) // 50)
    if len(b) != len(per_order) or (z['name'] in exact and b != per_order) or not near:
        bad.append('%s: buddyinfo %s, lkdb %s' % (z['name'], b, per_order))
print('# %d zones against /proc/buddyinfo; %s' % (compared, bad[:4] or 'as the kernel counts them'))
sys.exit(0 if compared and not bad else 1)
PY
}

# vmalloc_compare VMALLOCINFO OUT JSON: kmem -v against /proc/vmallocinfo.
vmalloc_compare() {
    python3 - "$@" <<'PY'
import json, re, sys
info = set()
for l in open(sys.argv[1]):
    m = re.match(r'^0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)\s+(\S*( vm_area)?)', l)
    # vm_map_ram's and the lazily freed ("unpurged vm_area") have no vm_struct
    if m and m[4] not in ('vm_map_ram', 'unpurged vm_area'):
        info.add((int(m[1], 16), int(m[2], 16), int(m[3])))
text = open(sys.argv[2]).read()
rows = [(int(m[3], 16), int(m[4], 16), int(m[5]), m[1], m[2]) for m in
        re.finditer(r'(?m)^([0-9a-f]{16})  ([0-9a-f]{16})  ([0-9a-f]{16}) - ([0-9a-f]{16}) +(\d+)$', text)]
j = json.load(open(sys.argv[3]))
bad = []
if [(int(a['start'], 16), int(a['end'], 16), a['size'], '%016x' % int(a['vmap_area'], 16),
     '%016x' % int(a['vm_struct'], 16)) for a in j] != rows:
    bad.append('--json differs from the text')
ours = {r[:3] for r in rows}
if [r[0] for r in rows] != sorted(r[0] for r in rows) or any(r[1] - r[0] != r[2] for r in rows):
    bad.append('not in address order, or a size is not end - start')
both = ours & info
print('# %d areas in /proc/vmallocinfo, %d in kmem -v, %d in both; only there %s, only here %s'
      % (len(info), len(ours), len(both), sorted('%x' % a[0] for a in info - ours)[:4],
         sorted('%x' % a[0] for a in ours - info)[:4]))
sys.exit(0 if info and not bad and len(info - ours) <= 8 and len(ours - info) <= 8
         and len(both) >= 0.9 * len(info) else 1)
PY
}

for f in elf flat; do
    for o in z f v; do
        "$LKDB" -q "$V" "$d/vmcore.$f" -c "kmem -$o" >"$TMP/$o$f.out" 2>"$TMP/$o$f.err"
        status=$?
        diag "$TMP/$o$f.err"
        "$LKDB" -q "$V" "$d/vmcore.$f" -c "kmem -$o --json" >"$TMP/$o$f.json" 2>>"$TMP/$o$f.err"
        check "dump ($f): kmem -$o and kmem -$o --json exit 0 with no warning" \
            test "$status" = 0 -a ! -s "$TMP/$o$f.err" -a -s "$TMP/$o$f.json"
    done
done
for o in z f v; do
    check "kmem -$o: the same on the ELF and the flattened dump" cmp -s "$TMP/${o}elf.out" "$TMP/${o}flat.out"
done
check "dump: kmem -z has /proc/zoneinfo's zones, sizes and watermarks" \
    zones_compare "$TMP/zoneinfo" "$TMP/zelf.out" "$TMP/zelf.json"
check "dump: kmem -f walks each free list to the kernel's nr_free and /proc/buddyinfo's blocks" \
    free_compare "$TMP/buddyinfo" "$TMP/felf.out" "$TMP/felf.json" DMA
check "dump: kmem -v has /proc/vmallocinfo's areas" \
    vmalloc_compare "$TMP/vmallocinfo" "$TMP/velf.out" "$TMP/velf.json"

# kmem ADDR inside one of kmem -v's areas names that area.
read -r va vm vstart _ < <(grep -m1 -E '^[0-9a-f]{16}  [0-9a-f]{16}  ' "$TMP/velf.out")
inside=$(printf '%x' $((0x$vstart + 0x10)))
"$LKDB" -q "$V" "$d/vmcore.elf" -c "kmem $inside" -c "kmem --json $inside" >"$TMP/vaddr.out" 2>&1
check "kmem ADDR in a vmalloc area names its VMAP_AREA $va and VM_STRUCT $vm; --json the same" \
    bash -c "grep -qE '^$inside: in the vmalloc area, 16 bytes into VMAP_AREA $va \\(VM_STRUCT $vm, ' '$TMP/vaddr.out' &&
             grep -qF '\"vmap_area\": \"0x$va\", \"vm_struct\": \"0x$vm\"' '$TMP/vaddr.out'"

if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'kmem -z > %s\nkmem -f > %s\nkmem -v > %s\nquit\n' \
        "$TMP/crashz.out" "$TMP/crashf.out" "$TMP/crashv.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crash.in" >/dev/null 2>&1
    for o in z f v; do
        check "crash: kmem -$o byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash$o.out") lines)" \
            cmp "$TMP/crash$o.out" "$TMP/${o}elf.out"
    done
else
    for o in z f v; do ok 0 "crash: kmem -$o as crash's # SKIP $crash_skip"; done
fi

# Live: the guest's /proc files, then lkdb attaches (the guest stops).
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'cat /proc/zoneinfo' | tr -d '\r' >"$TMP/live-zoneinfo"
"$GUEST_SH" run "$g" 'cat /proc/buddyinfo' | tr -d '\r' >"$TMP/live-buddyinfo"
# %pK: addresses for root with kptr_restrict 1 (0 hashes them).
"$GUEST_SH" run "$g" 'echo 1 >/proc/sys/kernel/kptr_restrict; cat /proc/vmallocinfo' | tr -d '\r' >"$TMP/live-vmallocinfo"
# Each view and its --json in one attach: the guest stands still between.
status=0
for o in z f v; do
    "$LKDB" -q -r ":$port" "$V" -c "kmem -$o" -c "kmem -$o --json" >"$TMP/live$o.all" 2>"$TMP/live$o.err"
    ((status |= $?))
    diag "$TMP/live$o.err"
    # its text (before the first line starting with [ or {) and its JSON
    awk -v t="$TMP/live$o.t" -v j="$TMP/live$o.j" '/^[[{]/ { isj = 1 } { print > (isj ? j : t) }' "$TMP/live$o.all"
done
check "live: kmem -z, -f and -v exit 0" test "$status" = 0
check "live: kmem -z has /proc/zoneinfo's zones" \
    zones_compare "$TMP/live-zoneinfo" "$TMP/livez.t" "$TMP/livez.j"
check "live: kmem -f's walks are the kernel's nr_free and near /proc/buddyinfo" \
    free_compare "$TMP/live-buddyinfo" "$TMP/livef.t" "$TMP/livef.j" ''
check "live: kmem -v has /proc/vmallocinfo's areas" \
    vmalloc_compare "$TMP/live-vmallocinfo" "$TMP/livev.t" "$TMP/livev.j"

# Bad input: one line naming the command and what is wrong, exit status 1.
one_line_errors "$V" "$d/vmcore.elf" -- 'kmem -z 12' 'kmem -f -z' 'kmem -v x' 'kmem -v -s'
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help kmem' >"$TMP/help.out" 2>&1
check "help kmem gives -z, -f and -v and their --json schemas" \
    bash -c "grep -qF -- '| -z | -f | -v |' '$TMP/help.out' && grep -q 'free_lists: \[{migrate_type, address, blocks, pages}\]' '$TMP/help.out' && grep -q 'vm_struct, start, end, size' '$TMP/help.out'"
done_testing

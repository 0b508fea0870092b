#!/usr/bin/env bash
# dev, dev -p, dev -i and dev -d: on the shared dump (ELF and flattened)
# byte for byte as crash 8.0.2 prints them; on a guest with a virtio disk,
# live, the character and block majors and names are the guest's own
# /proc/devices, the PCI devices its /sys/bus/pci/devices/*/{class,
# vendor,device}, the resources of dev -i its /proc/ioports and /proc/iomem
# (range, name, depth), and its dump taken under O_DIRECT I/O is crash's dev,
# dev -p and dev -d (requests in flight) byte for byte.  --json has the
# text's content; Tab completes dev's options and offers no symbols; bad
# input: one line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pty.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
trap 'pty_cleanup; "$GUEST_SH" stop "$LKDB_GUESTS/dev-disk" >/dev/null 2>&1; rm -rf "$TMP"' EXIT

# resources_compare DEV_I DEV_I_JSON [PROC]: dev -i's two trees have rows
# and --json the same (address, range, name); with the guest's
# /proc/ioports and /proc/iomem (after "== ioports" and "== iomem" lines),
# the nodes below each root are the file's lines: range, name and depth
# (two spaces of indent a level) in order.
resources_compare() {
    python3 - "$@" <<'PY'
import json, re, sys
trees, cur = [], None
for l in open(sys.argv[1]):
    if re.match(r'^ +RESOURCE +RANGE +NAME$', l):
        cur = []
        trees.append(cur)
    m = re.match(r'^([0-9a-f]{16})  ([0-9a-f]+)-([0-9a-f]+)  (.*)$', l.rstrip('\n'))
    if m and cur is not None:
        cur.append((int(m[1], 16), int(m[2], 16), int(m[3], 16), m[4]))
j = json.load(open(sys.argv[2]))
jt = [[(int(e['resource'], 16), int(e['start'], 16), int(e['end'], 16), e['name']) for e in j[k]]
      for k in ('ioport', 'iomem')]
ok = len(trees) == 2 and all(len(t) > 3 for t in trees) and trees == jt
print('# dev -i: %d ioport and %d iomem resources; --json %s' % (
    len(trees[0]) if trees else 0, len(trees[1]) if len(trees) > 1 else 0,
    'the same' if trees == jt else 'differs'))
if len(sys.argv) > 3:
    proc, part = {'ioports': [], 'iomem': []}, None
    for l in open(sys.argv[3]):
        m = re.match(r'^== (\w+)$', l)
        if m:
            part = m[1]
            continue
        m = re.match(r'^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$', l.rstrip('\n'))
        if m and part:
            proc[part].append((len(m[1]) // 2 + 1, int(m[2], 16), int(m[3], 16), m[4]))
    for key, jkey in (('ioports', 'ioport'), ('iomem', 'iomem')):
        mine = [(e['depth'], int(e['start'], 16), int(e['end'], 16), e['name'])
                for e in j[jkey] if e['depth'] > 0]
        same = mine == proc[key] and len(mine) > 3
        print('# /proc/%s: %d lines, lkdb %d below the root: %s' % (
            key, len(proc[key]), len(mine), 'the same' if same else
            [p for p in zip(mine, proc[key]) if p[0] != p[1]][:3]))
        ok = ok and same
sys.exit(0 if ok else 1)
PY
}

# dev_compare DEV_TEXT DEV_JSON PCI_TEXT PCI_JSON [PROC_DEVICES PCI_SYSFS]:
# the --json outputs have the text's rows; with the guest's files, the
# majors and names are /proc/devices' and the PCI devices sysfs'.
dev_compare() {
    python3 - "$@" <<'PY'
import json, re, sys
bad = []
def majors(path):
    part, rows = None, {'chr': [], 'blk': []}
    for l in open(path):
        if l.startswith('CHRDEV '):
            part = 'chr'
        elif l.startswith('BLKDEV '):
            part = 'blk'
        elif part and l.strip():
            f = l.split()
            if f[2] == '(none)':
                rows[part].append((int(f[0]), f[1], None, None))
            else:
                rows[part].append((int(f[0]), f[1], int(f[2], 16), f[3]))
    return rows
text = majors(sys.argv[1])
j = json.load(open(sys.argv[2]))
def jrows(l, what):
    return [(e['major'], e['name'], int(e[what], 16) if e[what] else None,
             e['operations_name'] or (e['operations'] and e['operations'][2:]))
            for e in l]
if jrows(j['chrdevs'], 'cdev') != text['chr'] or jrows(j['blkdevs'], 'gendisk') != text['blk']:
    bad.append('dev --json differs from dev')
if not text['chr'] or not text['blk']:
    bad.append('dev: no character or no block majors')
pci = []
for l in open(sys.argv[3]):
    m = re.match(r'^([0-9a-f]{16}) +(\S+)\s*$', l)
    if m:
        pci.append(('root', int(m[1], 16), m[2]))
    m = re.match(r'^  ([0-9a-f]{16}) ([0-9a-f]{16})\s*$', l)
    if m:
        pci.append(('bus', int(m[1], 16), int(m[2], 16)))
    m = re.match(r'^  ([0-9a-f]{16}) +(\S+) +([0-9a-f]{4}) +([0-9a-f]+):([0-9a-f]+) *(.*?) *$', l)
    if m:
        pci.append(('dev', int(m[1], 16), m[2], int(m[3], 16), int(m[4], 16), int(m[5], 16), m[6]))
def jdev(e):
    return ('dev', int(e['pci_dev'], 16), e['name'], int(e['class'], 16),
            int(e['vendor'], 16), int(e['device'], 16), e['type'])
jp = []
for b in json.load(open(sys.argv[4])):
    jp.append(('root', int(b['bus'], 16), b['name']) if b['root'] else
              ('bus', int(b['bus'], 16), int(b['parent'], 16)))
    jp += [jdev(b['self'])] if b['self'] else []
    jp += [jdev(e) for e in b['devices']]
if jp != pci or not any(r[0] == 'dev' for r in pci):
    bad.append('dev -p --json differs from dev -p (%d rows, %d)' % (len(jp), len(pci)))
if len(sys.argv) > 5:
    proc, part = {'chr': [], 'blk': []}, None
    for l in open(sys.argv[5]):
        if l.startswith('Character devices'):
            part = 'chr'
        elif l.startswith('Block devices'):
            part = 'blk'
        elif part and l.strip():
            f = l.split(None, 1)
            proc[part].append((int(f[0]), f[1].strip()))
    for p in ('chr', 'blk'):
        ours = sorted((r[0], r[1]) for r in text[p])
        if sorted(proc[p]) != ours:
            bad.append('%s: /proc/devices %s, lkdb %s' % (p, sorted(proc[p]), ours))
    sysfs = {}
    for l in open(sys.argv[6]):
        f = l.split()
        if len(f) == 5 and f[0] == 'pci':
            sysfs[f[1]] = (int(f[2], 16) >> 8, int(f[3], 16), int(f[4], 16))
    ours = {r[2]: r[3:6] for r in pci if r[0] == 'dev'}
    if ours != sysfs:
        bad.append('PCI: sysfs %s, lkdb %s' % (sysfs, ours))
    print('# /proc/devices: %d character, %d block majors; %d PCI devices in sysfs'
          % (len(proc['chr']), len(proc['blk']), len(sysfs)))
print('# %d character, %d block majors, %d PCI rows; %s'
      % (len(text['chr']), len(text['blk']), len(pci), bad[:4] or 'as expected'))
sys.exit(1 if bad else 0)
PY
}

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'dev' >"$TMP/d$f.out" 2>"$TMP/$f.err"
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'dev --json' >"$TMP/dj$f.out" 2>>"$TMP/$f.err"
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'dev -p' >"$TMP/p$f.out" 2>>"$TMP/$f.err"
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'dev -p --json' >"$TMP/pj$f.out" 2>>"$TMP/$f.err"
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'dev -i' >"$TMP/i$f.out" 2>>"$TMP/$f.err"
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'dev -i --json' >"$TMP/ij$f.out" 2>>"$TMP/$f.err"
    diag "$TMP/$f.err"
    check "dump ($f): dev, dev -p and dev -i exit with no warning" test ! -s "$TMP/$f.err"
    check "dump ($f): dev and dev -p have rows, --json the same" \
        dev_compare "$TMP/d$f.out" "$TMP/dj$f.out" "$TMP/p$f.out" "$TMP/pj$f.out"
    check "dump ($f): dev -i has both trees, --json the same rows" \
        resources_compare "$TMP/i$f.out" "$TMP/ij$f.out"
done
check "dump: dev -i's iomem has the kernel's code where the guest's /proc/iomem had it" \
    grep -qE "^ffff[0-9a-f]{12}  $(shared_fact "$d" kernel-code)  Kernel code\$" "$TMP/ielf.out"
check "dump: the ELF and flattened dumps give the same dev and dev -p" \
    bash -c "cmp -s '$TMP/delf.out' '$TMP/dflat.out' && cmp -s '$TMP/pelf.out' '$TMP/pflat.out'"
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'dev > %s\ndev -p > %s\nquit\n' "$TMP/crash-d.out" "$TMP/crash-p.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crash.in" >/dev/null 2>&1
    check "crash: dev byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash-d.out") lines)" \
        cmp "$TMP/crash-d.out" "$TMP/delf.out"
    check "crash: dev -p byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash-p.out") lines)" \
        cmp "$TMP/crash-p.out" "$TMP/pelf.out"
    printf 'dev -i > %s\nquit\n' "$TMP/crash-i.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crash.in" >/dev/null 2>&1
    check "crash: dev -i byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash-i.out") lines)" \
        cmp "$TMP/crash-i.out" "$TMP/ielf.out"
else
    ok 0 "crash: dev as crash's # SKIP $crash_skip"
    ok 0 "crash: dev -p as crash's # SKIP $crash_skip"
    ok 0 "crash: dev -i as crash's # SKIP $crash_skip"
fi

# A guest of its own with a virtio disk (make-kdump.sh --initrds: the
# fixture's initrd with virtio_blk and what it needs, loaded once it is up): live, dev's majors and names
# are its /proc/devices' (virtblk with its gendisk and virtblk_fops), dev
# -p's devices its sysfs', dev -d lists vda; then, reading and writing
# the disk with O_DIRECT, its dump: crash 8.0.2 prints the same dev, dev
# -p and dev -d (requests in flight) byte for byte.
initrd=$(bash "$LKDB_SCRIPTS/make-kdump.sh" --fixture "$FIXTURE_ENV" --initrds 2>"$TMP/make.log") || {
    diag "$TMP/make.log"
    bail_out "the disk guest's initrd could not be made (scripts/make-kdump.sh --initrds)"
}
truncate -s 16M "$TMP/disk.img"
g=$(LKDB_INITRD=$initrd LKDB_VMLINUZ=$LKDB_VMLINUZ own_guest dev-disk --mem 256 --drive "$TMP/disk.img") || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'for m in $(cat /etc/lkdb/capture.modules); do insmod /lib/modules/$(uname -r)/$m || echo "insmod $m failed"; done; echo loaded' |
    tr -d '\r' >"$TMP/insmod.out"
diag "$TMP/insmod.out"
"$GUEST_SH" run "$g" 'i=0; until test -b /dev/vda || test $i = 50; do sleep 0.1; i=$((i + 1)); done; cat /proc/devices' |
    tr -d '\r' >"$TMP/proc-devices"
"$GUEST_SH" run "$g" 'for p in /sys/bus/pci/devices/*; do echo pci ${p##*/} $(cat $p/class $p/vendor $p/device); done' |
    tr -d '\r' >"$TMP/pci-sysfs"
"$GUEST_SH" run "$g" 'echo "== ioports"; cat /proc/ioports; echo "== iomem"; cat /proc/iomem' |
    tr -d '\r' >"$TMP/proc-resources"
check "the guest has its disk (virtblk in /proc/devices) and printed its PCI devices" \
    bash -c "grep -q '^ *[0-9]* virtblk\$' '$TMP/proc-devices' && grep -q '^pci ' '$TMP/pci-sysfs'"
"$LKDB" -q -r ":$port" "$V" -c 'dev' -c 'dev --json' -c 'dev -p' -c 'dev -p --json' \
    -c 'dev -d' -c 'dev -d --json' >"$TMP/live.all" 2>"$TMP/live.err"
status=$?
"$LKDB" -q -r ":$port" "$V" -c 'dev -i' >"$TMP/live-i.out" 2>>"$TMP/live.err"
"$LKDB" -q -r ":$port" "$V" -c 'dev -i --json' >"$TMP/live-ij.out" 2>>"$TMP/live.err"
diag "$TMP/live.err"
awk -v t="$TMP/live" '/^CHRDEV / { n = 0 } /^\{"chrdevs"/ { n = 1 } /^ +ROOT BUS/ { n = 2 }
    /^\[\{"bus"/ { n = 3 } /^MAJOR / { n = 4 } /^\[\{"major"|^\[\]/ { n = 5 }
    { print > (t "." n) }' "$TMP/live.all"
check "live: dev, dev -p and dev -d exit 0 with no warning" test "$status" = 0 -a ! -s "$TMP/live.err"
check "live: dev's majors and names are /proc/devices', dev -p's devices sysfs'; --json the same" \
    dev_compare "$TMP/live.0" "$TMP/live.1" "$TMP/live.2" "$TMP/live.3" "$TMP/proc-devices" "$TMP/pci-sysfs"
blkmajor=$(awk '$2 == "virtblk" { print $1 }' "$TMP/proc-devices")
check "live: dev -i's resources are /proc/ioports' and /proc/iomem's (range, name, depth), --json the same" \
    resources_compare "$TMP/live-i.out" "$TMP/live-ij.out" "$TMP/proc-resources"
check "live: dev shows virtblk's gendisk and virtblk_fops" \
    grep -qE "^ +$blkmajor +virtblk +[0-9a-f]{16}  virtblk_fops\$" "$TMP/live.0"
# diskio_compare DEV_D DEV_D_JSON MAJOR: vda of that major, --json the same
diskio_compare() {
    python3 - "$@" <<'PY'
import json, re, sys
rows = [l.split() for l in open(sys.argv[1]) if re.match(r'^ +\d+ [0-9a-f]{16} ', l)]
text = [(int(r[0]), int(r[1], 16), r[2], int(r[3], 16), int(r[4]), int(r[5]), int(r[6])) for r in rows]
j = [(e['major'], int(e['gendisk'], 16), e['name'], int(e['request_queue'], 16), e['total'],
      e.get('read', e.get('async')), e.get('write', e.get('sync'))) for e in json.load(open(sys.argv[2]))]
print('# dev -d: %s' % text)
ok = text == j and any(t[0] == int(sys.argv[3]) and t[2] == 'vda' and t[4] == t[5] + t[6] for t in text)
sys.exit(0 if ok else 1)
PY
}
check "live: dev -d lists vda (major $blkmajor), --json the same" \
    diskio_compare "$TMP/live.4" "$TMP/live.5" "$blkmajor"

io='for i in 1 2 3 4; do (while :; do dd if=/dev/vda of=/dev/null bs=64k iflag=direct 2>/dev/null; done) & done;'
io+=' (while :; do dd if=/dev/zero of=/dev/vda bs=64k seek=128 count=64 oflag=direct 2>/dev/null; done) &'
io+=' sleep 1; cat /sys/block/vda/inflight'
"$GUEST_SH" run "$g" "$io" | tr -d '\r' | sed 's/^/# in flight (reads, writes): /'
kaslr=$(guest_kaslr_offset "$g")
# Requests are in flight at the dump's moment most times, not always:
# up to 4 dumps, until dev -d sees some.
for try in 1 2 3 4; do
    rm -f "$TMP/disk.elf"
    "$GUEST_SH" dump "$g" "$TMP/disk.elf" --format elf >/dev/null 2>&1
    total=$("$LKDB" -q "$V" "$TMP/disk.elf" -c 'dev -d' 2>/dev/null | awk '$3 == "vda" { print $5 }')
    echo "# dump $try: $total requests in flight on vda"
    [[ ${total:-0} == 0 ]] || break
done
"$GUEST_SH" stop "$g" >/dev/null 2>&1
for c in dev 'dev -p' 'dev -d'; do
    "$LKDB" -q "$V" "$TMP/disk.elf" -c "$c" >"$TMP/disk-${c// /}.out" 2>>"$TMP/disk.err"
done
"$LKDB" -q "$V" "$TMP/disk.elf" -c 'dev -d --json' >"$TMP/disk-dj.out" 2>>"$TMP/disk.err"
diag "$TMP/disk.err"
check "disk dump: dev, dev -p, dev -d exit with no warning" test ! -s "$TMP/disk.err"
check "disk dump: dev -d lists vda, --json the same" \
    diskio_compare "$TMP/disk-dev-d.out" "$TMP/disk-dj.out" "$blkmajor"
if have_crash; then
    printf 'dev > %s\ndev -p > %s\ndev -d > %s\nquit\n' "$TMP/crash-dd.out" "$TMP/crash-dp.out" \
        "$TMP/crash-ddd.out" >"$TMP/crash2.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$TMP/disk.elf" -i "$TMP/crash2.in" >/dev/null 2>&1
    check "crash: dev with a disk byte for byte as crash 8.0.2's" cmp "$TMP/crash-dd.out" "$TMP/disk-dev.out"
    check "crash: dev -p with a disk byte for byte as crash 8.0.2's" cmp "$TMP/crash-dp.out" "$TMP/disk-dev-p.out"
    echo "# crash's dev -d: $(tail -n 1 "$TMP/crash-ddd.out")"
    check "crash: dev -d (requests in flight) byte for byte as crash 8.0.2's" \
        cmp "$TMP/crash-ddd.out" "$TMP/disk-dev-d.out"
else
    ok 0 "crash: dev with a disk as crash's # SKIP $crash_skip"
    ok 0 "crash: dev -p with a disk as crash's # SKIP $crash_skip"
    ok 0 "crash: dev -d as crash's # SKIP $crash_skip"
fi
rm -f "$TMP/disk.elf"

one_line_errors "$V" "$d/vmcore.elf" -- 'dev -x' 'dev -v' 'dev -V' 'dev foo' 'dev -p 3' 'dev -p -d' 'dev -i -p'
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help dev' >"$TMP/help.out" 2>&1
check "help dev gives the synopsis and the --json schema" \
    bash -c "grep -qF 'Usage: dev [-i|-p|-d|-D] [--json]' '$TMP/help.out' && grep -q 'chrdevs: \[{major, name, cdev' '$TMP/help.out'"

# Tab: dev's options; no symbols after it.
start_pty dev "$LKDB_BIN" "$V" "$d/vmcore.elf"
poll 120 at_prompt || { pane | diag; bail_out "no prompt from lkdb on the dump"; }
type_text 'dev --j'
keys Tab
check "Tab after 'dev --j' completes it to 'dev --json'" wait_last '^lkdb> dev --json$'
clear_line
mark
type_text 'dev '
keys Tab
sleep 0.3
keys Tab
nothing_offered() { sleep 2; ! since_mark | grep -qE 'Display all|^[a-z_]+ +[a-z_]+ +[a-z_]+'; }
check "Tab Tab after 'dev ' offers its options, no symbols" nothing_offered
clear_line
done_testing

#!/usr/bin/env bash
# swap.  A guest of its own with a 128 MiB virtio disk (make-kdump.sh
# --initrds: the fixture's initrd with the disk's modules) made a swap
# partition, then memory filled (220 MiB of random bytes in a tmpfs on a
# 256 MiB guest) so that pages go out to it.  A second area is a swap file
# on an ext2 file system (busybox mke2fs, the ext4 and loop modules that
# modprobe --show-depends names, put in a third initrd layer) on a loop
# device: its path comes through the mount (d_path).  Live: each area's
# size, use, priority, type and name are those of the guest's /proc/swaps,
# read before and after (use within them); --json has the text's.  On a dump of that
# guest: byte for byte as crash 8.0.2.  A kernel without an area in use
# (the shared dump): the header alone.  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

initrd=$(bash "$LKDB_SCRIPTS/make-kdump.sh" --fixture "$FIXTURE_ENV" --initrds 2>"$TMP/make.log") || {
    diag "$TMP/make.log"
    bail_out "the disk guest's initrd could not be made (scripts/make-kdump.sh --initrds)"
}
# The swap file's modules, in load order, in a cpio layer after the rest.
initrd=$(initrd_with_modules "$initrd" swapfile ext4 loop) || exit 1

disk=$LKDB_GUESTS/swap.raw
rm -f "$disk"
truncate -s 128M "$disk"
g=$(LKDB_INITRD=$initrd LKDB_VMLINUZ=$LKDB_VMLINUZ own_guest swap --mem 256 --drive "$disk") || exit 1
trap '"$GUEST_SH" stop "$g" >/dev/null 2>&1; rm -f "$disk"; rm -rf "$TMP"' EXIT
"$GUEST_SH" run "$g" 'for m in $(cat /etc/lkdb/capture.modules); do insmod /lib/modules/$(uname -r)/$m || exit 1; done; i=0; while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; mkswap /dev/vda >/dev/null && swapon /dev/vda && mkdir -p /mnt/t && mount -t tmpfs -o size=300m tmpfs /mnt/t && dd if=/dev/urandom of=/mnt/t/fill bs=1M count=220 2>/dev/null; sync' 300 >"$TMP/setup" 2>&1
check "the guest swaps to /dev/vda" grep -q . <("$GUEST_SH" run "$g" 'grep "^/dev/vda " /proc/swaps')
diag "$TMP/setup"
# crc32c-intel may refuse a CPU without SSE4.2 (crc32c_generic serves).
"$GUEST_SH" run "$g" 'for m in $(cat /etc/lkdb/swapfile.modules); do insmod /lib/modules/$(uname -r)/$m 2>/dev/null; done; mkdir -p /mnt/img /mnt/e && mount -t tmpfs -o size=16m tmpfs /mnt/img && dd if=/dev/zero of=/mnt/img/fs bs=1M count=12 2>/dev/null && losetup /dev/loop0 /mnt/img/fs && mke2fs -q /dev/loop0 && mount -t ext2 /dev/loop0 /mnt/e && dd if=/dev/zero of=/mnt/e/swapfile bs=1M count=4 2>/dev/null && chmod 600 /mnt/e/swapfile && mkswap /mnt/e/swapfile >/dev/null && swapon /mnt/e/swapfile' 120 >"$TMP/setup2" 2>&1
check "the guest swaps to /mnt/e/swapfile too" grep -q . <("$GUEST_SH" run "$g" 'grep "^/mnt/e/swapfile " /proc/swaps')
diag "$TMP/setup2"
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'cat /proc/swaps' | tr -d '\r' >"$TMP/before"
"$LKDB" -q -r ":$port" "$V" -c swap -c 'swap --json' >"$TMP/live" 2>"$TMP/live.err"
check "live: swap exits 0, no warnings" test $? = 0 -a ! -s "$TMP/live.err"
diag "$TMP/live.err"
"$GUEST_SH" run "$g" 'cat /proc/swaps' | tr -d '\r' >"$TMP/after"
check "live: /dev/vda's and the swap file's size, priority and type as /proc/swaps, their use within the guest's reads before and after; --json as the text" \
    python3 - "$TMP/before" "$TMP/after" "$TMP/live" <<'PY'
import json, re, sys
def proc(path):
    areas = {}
    for line in open(path):
        f = line.split()
        if f and f[0] in ('/dev/vda', '/mnt/e/swapfile'):
            areas[f[0]] = (f[1], int(f[2]), int(f[3]), int(f[4]))
    return areas
before, after = proc(sys.argv[1]), proc(sys.argv[2])
text = open(sys.argv[3]).read()
js = json.loads(text[text.index('['):])
ok = len(js) == 2
for name, kind in (('/dev/vda', 'PARTITION'), ('/mnt/e/swapfile', 'FILE')):
    row = re.search(r'(?m)^([0-9a-f]{16}) +%s +(\d+)k +(\d+)k +(\d+)%% +(-?\d+)  %s$'
                    % (kind, re.escape(name)), text)
    b, a = before.get(name), after.get(name)
    print('# %s: /proc/swaps before %s after %s; lkdb %s' % (name, b, a, row.groups() if row else None))
    if not (row and b and a and b[0] == kind.lower()):
        ok = False
        continue
    used = int(row.group(3))
    ok = ok and int(row.group(2)) == b[1] and int(row.group(5)) == b[3]
    ok = ok and min(b[2], a[2]) <= used <= max(b[2], a[2])
    ok = ok and (used > 0 or kind == 'FILE')
    j = [x for x in js if x['filename'] == name]
    ok = ok and len(j) == 1 and j[0]['type'] == kind.lower() and \
        j[0]['size_kb'] == b[1] and j[0]['used_kb'] == used and j[0]['priority'] == b[3] and \
        int(j[0]['swap_info_struct'], 16) == int(row.group(1), 16)
sys.exit(0 if ok else 1)
PY

D=$TMP/swap.elf
"$GUEST_SH" dump "$g" "$D" >/dev/null 2>&1 || bail_out "no dump of the swap guest"
kaslr=$(guest_kaslr_offset "$g")
"$LKDB" -q "$V" "$D" -c swap >"$TMP/dump.txt" 2>"$TMP/dump.err"
check "dump: swap exits 0 with /dev/vda's row" grep -q ' PARTITION .* /dev/vda$' "$TMP/dump.txt"
check "dump: the swap file's row" grep -q ' FILE .* /mnt/e/swapfile$' "$TMP/dump.txt"
if have_crash; then
    printf 'swap > %s\nquit\n' "$TMP/crash.txt" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >/dev/null 2>&1
    check "dump: byte for byte as crash 8.0.2's swap" cmp "$TMP/crash.txt" "$TMP/dump.txt"
    diag "$TMP/crash.txt"
else
    ok 0 "dump: swap as crash's # SKIP $crash_skip"
fi
rm -f "$D"

d=$(shared_dump) || exit 1
"$LKDB" -q "$V" "$d/vmcore.elf" -c swap -c 'swap --json' >"$TMP/none" 2>&1
check "no swap in use (the shared dump): crash's header alone, --json []" \
    test "$(cat "$TMP/none")" = "$(printf 'SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME\n[]')"
one_line_errors "$V" "$d/vmcore.elf" -- 'swap x' 'swap -a'
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help swap' >"$TMP/help.out" 2>&1
check "help swap gives the synopsis" grep -qF 'Usage: swap [--json]' "$TMP/help.out"
done_testing

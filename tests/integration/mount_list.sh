#!/usr/bin/env bash
# mount: the mounts of the context task's namespace against the guest's
# own /proc/mounts, in its order (device, mount point, type): on the shared
# dump (ELF and flattened) and live, where the guest mounts a tmpfs and a
# tmpfs inside it first (a mount point's path runs through its parent
# mount).  --json has the text's mounts; crash 8.0.2 prints the same bytes
# on the dump; a filter by device, mount point or address; bad input: one
# line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
sed -n 's/^mounts //p' "$d/guest-proc" >"$TMP/mounts"
check "the guest printed /proc/mounts" test -s "$TMP/mounts"

# mount_compare PROC_MOUNTS OUT: the text's rows are /proc/mounts' lines
mount_compare() {
    python3 - "$1" "$2" <<'PY'
import re, sys
want = [tuple(l.split()[:3]) for l in open(sys.argv[1]) if l.strip()]
got = []
for l in open(sys.argv[2]):
    m = re.match(r'^([0-9a-f]{16}) ([0-9a-f]{16}) (\S+) +(\S+) +(\S+) *$', l)
    if m:
        got.append((m[4], m[5], m[3]))
print('# /proc/mounts: %s\n# lkdb:         %s' % (want, got))
sys.exit(0 if want and got == want else 1)
PY
}
for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c mount >"$TMP/m$f.out" 2>"$TMP/m$f.err"
    status=$?
    diag "$TMP/m$f.err"
    check "dump ($f): mount exits 0 with no warning, crash's header" \
        test "$status" = 0 -a ! -s "$TMP/m$f.err" -a \
             "$(head -n1 "$TMP/m$f.out")" = '     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME'
    check "dump ($f): mount lists /proc/mounts' devices, mount points and types in its order" \
        mount_compare "$TMP/mounts" "$TMP/m$f.out"
done
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'mount --json' -c 'mount /proc' -c 'mount -n 1 proc' >"$TMP/j.out" 2>&1
check "--json: the text's mounts; a mount point or device picks its mount (-n 1: init's namespace)" \
    python3 - "$TMP/j.out" "$TMP/melf.out" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
j = json.loads('\n'.join(l for l in lines if l.startswith('[') or l.startswith(' {')))
rows = [l for l in lines if re.match(r'^[0-9a-f]{16} ', l)]
text = [l.split() for l in open(sys.argv[2]) if re.match(r'^[0-9a-f]{16} ', l)]
ok = [('%016x' % int(m['mount'], 16), '%016x' % int(m['superblock'], 16), m['type'], m['devname'], m['dirname'])
      for m in j] == [tuple(t) for t in text] and \
     len(rows) == 2 and rows[0].split()[4] == '/proc' and rows[1].split()[3] == 'proc'
sys.exit(0 if ok else 1)
PY
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'mount > %s\nquit\n' "$TMP/crash.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crash.in" >/dev/null 2>&1
    check "crash: mount byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash.out") lines)" \
        cmp "$TMP/crash.out" "$TMP/melf.out"
else
    ok 0 "crash: mount as crash's # SKIP $crash_skip"
fi

# Live: a tmpfs, and one inside it.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'mkdir -p /mnt/lkdb-a && (grep -q " /mnt/lkdb-a " /proc/mounts || mount -t tmpfs lkdbtmp /mnt/lkdb-a) && mkdir -p /mnt/lkdb-a/sub && (grep -q " /mnt/lkdb-a/sub " /proc/mounts || mount -t tmpfs lkdbsub /mnt/lkdb-a/sub); cat /proc/mounts' |
    tr -d '\r' >"$TMP/live-mounts"
"$LKDB" -q -r ":$port" "$V" -c mount >"$TMP/live.out" 2>"$TMP/live.err"
status=$?
diag "$TMP/live.err"
check "live: mount exits 0; /mnt/lkdb-a/sub is in it" \
    bash -c "test $status = 0 && grep -qE ' tmpfs +lkdbsub +/mnt/lkdb-a/sub *$' '$TMP/live.out'"
check "live: mount lists /proc/mounts' devices, mount points and types in its order" \
    mount_compare "$TMP/live-mounts" "$TMP/live.out"

# mount -f: two processes hold a file on each tmpfs open; each mount's
# OPEN FILES are the guest's own /proc/PID/fd links on it, as a set.
hold='for m in /mnt/lkdb-a /mnt/lkdb-a/sub; do echo x >$m/held; echo y >$m/held2;'
hold+=' (exec 3<$m/held 4<$m/held2; exec sleep 600) >/dev/null 2>&1 & echo pid $!; done'
"$GUEST_SH" run "$g" "$hold" | tr -d '\r' | awk '$1 == "pid" { print $2 }' >"$TMP/holders"
holders=$(tr '\n' ' ' <"$TMP/holders")
stop_holders() { [[ -n $holders ]] && "$GUEST_SH" run "$g" "kill $holders" >/dev/null 2>&1; holders=; }
trap 'stop_holders; rm -rf "$TMP"' EXIT
sleep 1
"$GUEST_SH" run "$g" 'for f in /proc/[0-9]*/fd/*; do l=$(readlink $f) && echo "link $l"; done' |
    tr -d '\r' | sed -n 's/^link //p' >"$TMP/links"
"$LKDB" -q -r ":$port" "$V" -c 'mount -f /mnt/lkdb-a' -c 'mount -f /mnt/lkdb-a/sub' \
    -c 'mount -f /mnt/lkdb-a --json' -c 'mount -f' >"$TMP/f.out" 2>"$TMP/f.err"
status=$?
diag "$TMP/f.err"
check "live: mount -f exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/f.err"
check "live: mount -f's OPEN FILES of each tmpfs are the /proc/PID/fd links on it; --json the same" \
    python3 - "$TMP/links" "$TMP/f.out" <<'PY'
import json, re, sys
links = [l.strip() for l in open(sys.argv[1]) if l.strip()]
text = open(sys.argv[2]).read()
blocks = text.split('     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME\n')[1:]
def files(block):
    # DENTRY INODE TYPE PATH, TYPE crash's four columns
    return [m[1] for m in re.finditer(
        r'(?m)^[0-9a-f]{16} [0-9a-f]{16} (?:REG |DIR |CHR |BLK |FIFO|PIPE|SOCK|LNK |UNKN) (.*)$', block)]
a, sub = files(blocks[0]), files(blocks[1])
want_sub = {l for l in links if l.startswith('/mnt/lkdb-a/sub/')}
want_a = {l for l in links if l.startswith('/mnt/lkdb-a/') and l not in want_sub}
j = json.loads(text[text.index('['):text.index(']}]') + 3])
jpaths = [f['path'] for f in j[0]['open_files']]
ok = set(a) == want_a and set(sub) == want_sub and len(want_a) == 2 and len(want_sub) == 2 and \
     'OPEN FILES' in blocks[0] and sorted(jpaths) == sorted(a) and \
     all(f['type'] == 'REG' and f['pid'] > 0 for f in j[0]['open_files'])
print('# /proc fd links on /mnt/lkdb-a: %s, on sub: %s\n# lkdb: %s, %s; json %s' % (sorted(want_a), sorted(want_sub), a, sub, jpaths))
# every file of the whole listing lies under its mount's DIRNAME
for b in blocks[2:]:
    head = b.splitlines()[0].split()
    for p in files(b):
        if not p.startswith(head[-1].rstrip('/') + '/') and head[-1] != '/':
            ok = False
            print('# %s listed under the mount on %s' % (p, head[-1]))
sys.exit(0 if ok else 1)
PY
stop_holders
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'mount -f /proc' -c 'mount -f /sys' >"$TMP/fd.out" 2>&1
check "dump: mount -f /proc holds the panicking shell's /proc/sysrq-trigger; /sys: No open files found" \
    bash -c "grep -qE '^[0-9a-f]{16} [0-9a-f]{16} REG  /proc/sysrq-trigger\$' '$TMP/fd.out' &&
             grep -qx '   OPEN FILES   ' '$TMP/fd.out' && grep -qx 'No open files found' '$TMP/fd.out'"

one_line_errors "$V" "$d/vmcore.elf" -- 'mount -x' 'mount no_such_device' 'mount -n 99999' 'mount -n' 'mount a b'
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help mount' >"$TMP/help.out" 2>&1
check "help mount gives the synopsis and the --json schema" \
    bash -c "grep -qF 'Usage: mount [-f] [-n PID|TASK] [MOUNT|SUPERBLOCK|DEVNAME|DIRNAME] [--json]' '$TMP/help.out' && grep -q 'mount, superblock, type, devname, dirname' '$TMP/help.out' && grep -q 'open_files: \[{file, dentry, inode, type,' '$TMP/help.out'"
done_testing

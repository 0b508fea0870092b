#!/usr/bin/env bash
# Guest RAM copied through QEMU's monitor (pmemsave) on a plain guest
# whose RAM no file shares (`qemu -s`, no memory-backend share=on): lkdb
# says so, reads every task of ps from the copies, not through gdb, and
# what it reads equals what gdb itself reads through the stub in the same
# stop (gdb's own walk of the task list, in Python); bt, mod and log are
# the same with --no-guest-ram.  The copies follow the guest: a value
# written through gdb (`set var`) and jiffies after the guest ran and
# stopped again read as gdb reads them.  When QEMU cannot write lkdb's
# file (lkdb in another mount namespace) reads stay with gdb.
. "$(dirname "$0")/lib.sh"
g=$(own_guest ram-copied --sleepers 4 --mem 256) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX
ram=$(. "$g/guest.env" && echo "${LKDB_GUEST_RAM:-}")
check "the guest keeps its RAM in no shared file" test -z "$ram"

read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$g/console.log" | tr -d '\r' | cut -d' ' -f2-)
sleeper=${sleepers[1]:-}
echo "# a sleeper: ${sleeper:-none}"

"$LKDB" -r ":$port" "$V" -c 'ps --stats' -c 'ps --json' -c "source $GDB_TASK_WALK" \
    >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "ps and gdb's walk exit 0" test $status = 0
check "lkdb says it reads copies of QEMU's RAM made by pmemsave" \
    grep -qF "reading guest memory from copies of QEMU's RAM (pc.ram) made by its monitor's pmemsave while the guest is stopped" "$TMP/err"
check "ps read every task from the copies, none through gdb" \
    grep -qE '^lkdb: ps: [0-9]+ tasks, .*: ([0-9]+) reads \(\1 from guest RAM, 0 through gdb; RAM copied in [0-9]+ pieces\)' "$TMP/err"
pieces=$(sed -n 's/.*RAM copied in \([0-9]*\) pieces.*/\1/p' "$TMP/err")
echo "# ps copied ${pieces:-?} pieces of 128 KiB (the guest has 2048)"
check "... a part of the guest's RAM, not all of it" test "${pieces:-9999}" -lt 1024
check "ps's leaders (pid, task, comm) equal gdb's own walk in the same stop" \
    leaders_match_gdb_walk "$TMP/out" "copies"

same_with_and_without_guest_ram "$port" "$sleeper"

# A write through gdb, then the guest runs to a breakpoint and stops: each
# read after it is what gdb reads through the stub in the same stop.
"$LKDB" -q -r ":$port" "$V" -c 'rd -32 panic_timeout' -c 'set var panic_timeout = 4321' \
    -c 'rd -32 panic_timeout' -c 'set var panic_timeout = 0' -c 'rd -64 jiffies' \
    -c 'tbreak schedule' -c 'continue' -c 'rd -64 jiffies' -c 'p/x jiffies' >"$TMP/w.out" 2>"$TMP/w.err"
status=$?
diag "$TMP/w.err"
grep -E '^ffffffff[0-9a-f]{8}: ' "$TMP/w.out" | awk '{ print $2 }' >"$TMP/w.rd"
mapfile -t rd <"$TMP/w.rd"
gdb_jiffies=$(sed -n 's/^\$[0-9]* = 0x\([0-9a-f]*\)$/\1/p' "$TMP/w.out" | tail -n1)
echo "# panic_timeout ${rd[0]:-?} then ${rd[1]:-?}; jiffies ${rd[2]:-?}, after the stop ${rd[3]:-?} (gdb: ${gdb_jiffies:-?})"
check "set var then rd: the value written (0x10e1), not the copy's" \
    test "$status" = 0 -a "${rd[1]:-}" = 000010e1
check "after the guest ran and stopped: jiffies as gdb reads it, not the earlier copy's" \
    test -n "$gdb_jiffies" -a "$((16#${rd[3]:-0}))" = "$((16#$gdb_jiffies))" -a "${rd[3]:-}" != "${rd[2]:-}"

# lkdb in its own mount namespace with its own /dev/shm (as in a
# container): QEMU cannot write lkdb's file, says so, and reads go through
# gdb without a guest RAM note.
if unshare -m true 2>/dev/null; then
    unshare -m sh -c 'mount -t tmpfs lkdb-test /dev/shm && exec "$@"' sh \
        "$LKDB" -r ":$port" "$V" -c 'ps --stats' >"$TMP/q.out" 2>"$TMP/q.err"
    status=$?
    diag "$TMP/q.err"
    check "QEMU cannot write lkdb's file: ps exits 0 and reads through gdb, without a guest RAM note" \
        bash -c "test $status = 0 && grep -q '(through gdb)' '$TMP/q.err' && ! grep -q 'guest memory' '$TMP/q.err' &&
                 grep -qE '^ +$sleeper +1 .* sleep\$' '$TMP/q.out'"
else
    ok 0 "QEMU cannot write lkdb's file: reads through gdb # SKIP unshare -m is not allowed here"
fi
"$GUEST_SH" stop "$g" >/dev/null 2>&1
done_testing

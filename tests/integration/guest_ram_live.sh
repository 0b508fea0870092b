#!/usr/bin/env bash
# Guest RAM read from QEMU's shared file (the shared guest runs with
# guest.sh --shared-ram): lkdb finds the file through the monitor and
# reads every task of ps from it, not through gdb.  What it reads equals
# what gdb itself reads through the stub in the same stop (gdb's own walk
# of the task list, in Python); bt of a sleeper, mod and the log are the
# same with --no-guest-ram.  A file that is not the guest's RAM, or is
# gone, gives a warning naming it and the answers come through gdb.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX
ram=$(. "$g/guest.env" && echo "${LKDB_GUEST_RAM:-}")
echo "# the guest's RAM file: ${ram:-none}"
check "the shared guest keeps its RAM in a file" test -n "$ram" -a -f "$ram"

read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$g/console.log" | tr -d '\r' | cut -d' ' -f2-)
sleeper=${sleepers[1]:-}
echo "# a sleeper: ${sleeper:-none}"

# gdb walks init_task.tasks itself, in the same stop as lkdb's ps.
"$LKDB" -r ":$port" "$V" -c 'ps --stats' -c 'ps --json' -c "source $GDB_TASK_WALK" \
    >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "ps and gdb's walk exit 0" test $status = 0
check "lkdb says it reads the guest's memory from $ram" \
    grep -qF "reading guest memory from $ram while the guest is stopped" "$TMP/err"
check "ps read every task from the file, none through gdb" \
    grep -qE '^lkdb: ps: [0-9]+ tasks, .*: ([0-9]+) reads \(\1 from guest RAM, 0 through gdb\)' "$TMP/err"
check "ps's leaders (pid, task, comm) equal gdb's own walk in the same stop" \
    leaders_match_gdb_walk "$TMP/out" "the RAM file"

# Things that do not change while the guest idles: both ways, the same.
same_with_and_without_guest_ram "$port" "$sleeper"

# A file that is not the guest's RAM: QEMU keeps its own mapping, lkdb
# opens what is at the path now.  Put back afterwards.
restore() { [[ -f $ram.lkdb-test ]] && mv -f "$ram.lkdb-test" "$ram"; }
trap 'restore; rm -rf "$TMP"' EXIT
mv "$ram" "$ram.lkdb-test"
truncate -s "$(stat -c %s "$ram.lkdb-test")" "$ram"
"$LKDB" -r ":$port" "$V" -c 'ps --stats' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "a zero-filled file at the path: ps still exits 0" test $status = 0
check "... with a warning naming the file and reading through gdb" \
    grep -qE "^lkdb: warning: not reading guest memory from QEMU's RAM file: $ram: it does not hold the memory gdb reads \(init_top_pgt differs\); reading it through gdb\$" "$TMP/err"
check "... and ps reads through gdb, with the sleepers" \
    bash -c "grep -q '(through gdb)' '$TMP/err' && grep -qE '^ +$sleeper +1 .* sleep\$' '$TMP/out'"
rm -f "$ram"
"$LKDB" -r ":$port" "$V" -c 'ps --stats' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "no file at the path: ps exits 0, the warning says so" \
    bash -c "test $status = 0 && grep -qF \"cannot open the guest's RAM file $ram: No such file or directory\" '$TMP/err'"
restore
"$LKDB" -q -r ":$port" "$V" -c 'ps --stats' >"$TMP/out" 2>"$TMP/err"
check "the file put back: read from it again" grep -q 'from guest RAM, 0 through gdb' "$TMP/err"
done_testing

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
cat >"$TMP/walk.py" <<'PY'
import gdb
head = gdb.parse_and_eval("&init_task.tasks")
off = int(gdb.parse_and_eval("(unsigned long)&((struct task_struct *)0)->tasks"))
tp = gdb.lookup_type("struct task_struct").pointer()
node, n = head.dereference()["next"], 0
while int(node) != int(head) and n < 100000:
    t = gdb.Value(int(node) - off).cast(tp)
    print("GDB-TASK %d %x %s" % (int(t["pid"]), int(t), t["comm"].string()))
    node, n = node.dereference()["next"], n + 1
PY
"$LKDB" -r ":$port" "$V" -c 'ps --stats' -c 'ps --json' -c "source $TMP/walk.py" \
    >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "ps and gdb's walk exit 0" test $status = 0
check "lkdb says it reads the guest's memory from $ram" \
    grep -qF "reading guest memory from $ram while the guest is stopped" "$TMP/err"
check "ps read every task from the file, none through gdb" \
    grep -qE '^lkdb: ps: [0-9]+ tasks, .*: ([0-9]+) reads \(\1 from guest RAM, 0 through gdb\)' "$TMP/err"
grep '^GDB-TASK ' "$TMP/out" >"$TMP/gdb"
grep -v '^GDB-TASK ' "$TMP/out" | sed -n '/^\[/,$p' >"$TMP/json"
python3 - "$TMP/json" "$TMP/gdb" >"$TMP/py" 2>&1 <<'PY'
import json, sys
tasks = json.load(open(sys.argv[1]))
lkdb = {(t["pid"], int(t["task"], 16), t["comm"])
        for t in tasks if t["pid"] == t["tgid"] and t["pid"] > 0}
gdb = set()
for line in open(sys.argv[2]):
    _, pid, addr, comm = line.rstrip("\n").split(" ", 3)
    gdb.add((int(pid), int(addr, 16), comm))
print("%d leaders from lkdb (guest RAM), %d from gdb's walk" % (len(lkdb), len(gdb)))
assert len(gdb) >= 20, "gdb's walk found only %d" % len(gdb)
assert lkdb == gdb, ("only lkdb", sorted(lkdb - gdb), "only gdb", sorted(gdb - lkdb))
PY
status=$?
diag "$TMP/py"
check "ps's leaders (pid, task, comm) equal gdb's own walk in the same stop" test $status = 0

# Things that do not change while the guest idles: both ways, the same.
both() {
    "$LKDB" -q -r ":$port" "$V" -c "bt $sleeper" -c 'mod' -c 'log' >"$TMP/$1" 2>"$TMP/$1.err" "${@:2}"
}
both ram
s1=$?
both gdb --no-guest-ram
s2=$?
diag "$TMP/gdb.err"
check "bt, mod and log exit 0 both ways" test $s1 = 0 -a $s2 = 0
check "--no-guest-ram: no guest RAM note" bash -c "! grep -q 'reading guest memory' '$TMP/gdb.err'"
sed -n '/^PID: /,/ORIG_RAX/p' "$TMP/ram" >"$TMP/bt.ram"
sed -n '/^PID: /,/ORIG_RAX/p' "$TMP/gdb" >"$TMP/bt.gdb"
diag "$TMP/bt.ram"
check "bt of sleeper $sleeper: the same frames both ways, through schedule" \
    bash -c "cmp -s '$TMP/bt.ram' '$TMP/bt.gdb' && grep -q ' schedule at ' '$TMP/bt.ram'"
grep -E '^ *ffff[0-9a-f]{12} ' "$TMP/ram" >"$TMP/mod.ram" || true
grep -E '^ *ffff[0-9a-f]{12} ' "$TMP/gdb" >"$TMP/mod.gdb" || true
check "mod: the same modules both ways" \
    bash -c "test -s '$TMP/mod.ram' && cmp -s '$TMP/mod.ram' '$TMP/mod.gdb'"
grep -E '^\[ *[0-9]+\.[0-9]{6}\] ' "$TMP/ram" >"$TMP/log.ram"
grep -E '^\[ *[0-9]+\.[0-9]{6}\] ' "$TMP/gdb" >"$TMP/log.gdb"
n=$(wc -l <"$TMP/log.ram")
echo "# log: $n lines from guest RAM, $(wc -l <"$TMP/log.gdb") through gdb (read later)"
check "log: what gdb read later starts with what the file gave" \
    bash -c "test $n -gt 100 && head -n $n '$TMP/log.gdb' | cmp -s - '$TMP/log.ram'"

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

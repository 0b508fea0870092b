#!/usr/bin/env bash
# list on the shared dump (ELF and flattened) and the live shared guest:
# the module list (list -H modules -o module.list) has the guest's
# /proc/modules in its order, with -s module.name their names through gdb;
# crash 8.0.2 on the same dump lists the same addresses; --json has the
# text's content; bad arguments give one line; `list panic` stays gdb's.  (Loops, unreadable
# pointers and the bound: tests/unit/test_listwalk.c.)
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
want=$(sed -n 's/^module //p' "$d/guest-proc" | tr '\n' ' ')
echo "# /proc/modules: $want"
names() { sed -nE 's/^  name = "([^"\\]*).*/\1/p' "$1" | tr '\n' ' '; }
addrs() { grep -E '^[0-9a-f]{16}$' "$1"; }

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'list -H modules -o module.list' \
        -c 'list -H modules -o module.list -s module.name' >"$TMP/$f.out" 2>"$TMP/$f.err"
    status=$?
    diag "$TMP/$f.out" "$TMP/$f.err"
    check "dump ($f): list -H modules exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/$f.err"
    check "dump ($f): -s module.name gives /proc/modules' names in its order" \
        test -n "$want" -a "$(names "$TMP/$f.out")" = "$want"
    check "dump ($f): one address per module, the same with and without -s" \
        test "$(addrs "$TMP/$f.out" | wc -l)" = "$((2 * $(wc -w <<<"$want")))" -a \
             "$(addrs "$TMP/$f.out" | sort | uniq -c | awk '$1 != 2' | wc -l)" = 0
done
D=$d/vmcore.elf

"$LKDB" -q "$V" "$D" -c 'list -H modules -o module.list -s module.name --json' >"$TMP/json.out" 2>&1
check "--json: the addresses and names of the text" \
    python3 - "$TMP/json.out" "$TMP/elf.out" <<'PY'
import json, re, sys
rows = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
addrs = [l for l in text if re.match(r'^[0-9a-f]{16}$', l)]
names = [re.match(r'^  name = (.*),$', l).group(1) for l in text if l.startswith('  name = ')]
ok = [int(r['address'], 16) for r in rows] == [int(a, 16) for a in addrs[len(rows):]] and \
     [r['values']['name'] for r in rows] == names
sys.exit(0 if ok and rows else 1)
PY

if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'list -H modules -o module.list\nquit\n' >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >"$TMP/crash.out" 2>&1
    diag "$TMP/crash.out"
    check "crash: the same addresses as crash's list -H modules -o module.list" \
        test -n "$(addrs "$TMP/crash.out")" -a "$(addrs "$TMP/crash.out")" = "$(addrs "$TMP/elf.out" | head -n "$(wc -w <<<"$want")")"
    # -s: crash's member lines, a comma after each.
    printf 'list -H modules -o module.list -s module.state > %s\nquit\n' "$TMP/crash-s.out" >"$TMP/crash-s.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash-s.in" >/dev/null 2>&1
    "$LKDB" -q "$V" "$D" -c 'list -H modules -o module.list -s module.state' >"$TMP/ours-s.out" 2>&1
    check "crash: list -s prints crash's lines byte for byte ($(grep -c '' "$TMP/crash-s.out") lines)" \
        bash -c "test -s '$TMP/crash-s.out' && cmp -s '$TMP/crash-s.out' '$TMP/ours-s.out'"
else
    ok 0 "crash: the same addresses as crash's list # SKIP $crash_skip"
    ok 0 "crash: list -s prints crash's lines # SKIP $crash_skip"
fi

g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
lwant=$("$GUEST_SH" run "$g" 'cut -d" " -f1 /proc/modules' | tr -d '\r' | tr '\n' ' ')
"$LKDB" -q -r ":$port" "$V" -c 'list -H modules -o module.list -s module.name' >"$TMP/live.out" 2>"$TMP/live.err"
diag "$TMP/live.err"
check "live: -s module.name gives /proc/modules' names ($lwant)" \
    test -n "$lwant" -a "$(names "$TMP/live.out")" = "$lwant"

# gdb's list stays gdb's: no option and no address is a source listing.
"$LKDB" -q "$V" "$D" -c 'list panic' >"$TMP/gdb.out" 2>&1
diag "$TMP/gdb.out"
check "list panic (no option, no address) is gdb's source listing of panic" \
    grep -qE '^[0-9]+\s|panic\.c' "$TMP/gdb.out"

one_line_errors "$V" "$D" -- 'list -q modules' 'list -H no_such_symbol_here' \
    'list -H modules -o module.no_such_member' 'list -o' 'list -H modules extra' 'list 0xffff0000 -e'
done_testing

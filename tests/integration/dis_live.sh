#!/usr/bin/env bash
# dis: crash's disassembly through gdb's -data-disassemble, checked against
# the guest's own kallsyms addresses.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX
panic_addr=$("$GUEST_SH" run "$g" "grep ' T panic\$' /proc/kallsyms" | awk '{print $1}')
echo "# kallsyms panic: $panic_addr"

"$LKDB" -q -r ":$port" "$V" -c 'dis panic 3' -c 'dis -l sysrq_handle_crash' \
    -c 'dis --json panic 2' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/out" "$TMP/err"
check "dis exits 0" test $status = 0
check "dis panic 3: first row at kallsyms' panic, named <panic>" \
    grep -qE "^0x0*${panic_addr} <panic>:"$'\t' "$TMP/out"
check "dis panic 3: exactly 3 rows of panic" \
    test "$(grep -cE '^0x[0-9a-f]+ <panic(\+[0-9]+)?>:' "$TMP/out")" = 3
check "dis -l: source lines of drivers/tty/sysrq.c before the instructions" \
    grep -qE '^drivers/tty/sysrq\.c: [0-9]+$' "$TMP/out"
check "dis -l: sysrq_handle_crash calls panic" \
    grep -qE '^0x[0-9a-f]+ <sysrq_handle_crash\+[0-9]+>:'$'\t''call .*<panic>' "$TMP/out"
check "dis --json: two rows of panic, the first at kallsyms' address" \
    python3 -c "
import json, sys
text = open('$TMP/out').read()
rows = json.loads(text[text.index('[{'):text.index('}]') + 2])
sys.exit(0 if len(rows) == 2 and rows[0]['function'] == 'panic' and int(rows[0]['address'], 16) == 0x$panic_addr else 1)"

for bad in 'dis nosuchfunc_lkdb' 'dis panic 0' 'dis' 'dis -z panic'; do
    "$LKDB" -q -r ":$port" "$V" -c "$bad" >"$TMP/out" 2>"$TMP/err"
    status=$?
    diag "$TMP/err"
    check "'$bad' fails with one line (exit 1)" \
        test $status = 1 -a "$(wc -l <"$TMP/err")" = 1
done
check "an unknown function is named in the error" \
    bash -c "'$LKDB' -q -r ':$port' '$V' -c 'dis nosuchfunc_lkdb' 2>&1 | grep -q 'nosuchfunc_lkdb'"
done_testing

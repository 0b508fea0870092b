#!/usr/bin/env bash
# Attaching with KASLR on: lkdb finds the same offset the guest reports in
# /proc/kallsyms, and gdb then reads the release the guest printed on its
# serial console.  --kaslr-offset: the guest's own offset is taken without
# the probe, a wrong one is refused naming it.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX
release=$(sed -n 's/^LKDB-RELEASE: //p' "$g/console.log" | tr -d '\r' | head -1)
expected_offset=$(guest_kaslr_offset "$g")
echo "# console release: $release, guest _text offset: $expected_offset"

LKDB_MI_TRACE=$TMP/probe.trace "$LKDB" -r ":$port" "$LKDB_VMLINUX" -c 'p init_uts_ns.name.release' \
    >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/out" "$TMP/err"
check "batch attach exits 0" test $status = 0
check "release read through gdb equals the serial console's" \
    grep -qF "\"$release\"" "$TMP/out"
check "KASLR offset equals the guest's own (/proc/kallsyms _text)" \
    grep -qF "KASLR offset $expected_offset" "$TMP/err"
check "offset is not zero (KASLR is really on)" \
    test "$expected_offset" != 0x0

# Symbols are relocated: a symbol's address as gdb sees it is the
# guest's kallsyms address.
kallsyms_jiffies=$("$GUEST_SH" run "$g" "grep ' jiffies_64\$' /proc/kallsyms" | awk '{print $1}')
"$LKDB" -q -r ":$port" "$LKDB_VMLINUX" -c 'p/x &jiffies_64' >"$TMP/out" 2>&1
diag "$TMP/out"
check "relocated &jiffies_64 equals the guest's kallsyms address" \
    grep -qi "0x$kallsyms_jiffies" "$TMP/out"

# Per-CPU symbols are offsets that KASLR does not move: gdb must see
# current_task where the guest's kallsyms puts it, and reading CPU 0's
# current task through __per_cpu_offset must give a real task.
kallsyms_current=$("$GUEST_SH" run "$g" "grep ' current_task\$' /proc/kallsyms" | awk '{print $1}')
"$LKDB" -q -r ":$port" "$V" -c 'p/x &current_task' \
    -c 'p ((struct task_struct *)*(unsigned long *)((char *)&current_task + __per_cpu_offset[0]))->comm' \
    >"$TMP/out" 2>&1
diag "$TMP/out"
gdb_current=$(sed -n 's/^\$1 = \(0x[0-9a-f]*\).*/\1/p' "$TMP/out")
echo "# kallsyms current_task: $kallsyms_current, gdb: $gdb_current"
check "per-CPU symbol is not relocated (equals kallsyms)" \
    test "$((gdb_current))" = "$((0x${kallsyms_current:-1}))"
check "CPU 0's current task has a readable name" \
    grep -qE '^\$2 = "[a-z]' "$TMP/out"

# gdb's backtrace and info threads work: one thread per virtual CPU.
"$LKDB" -q -r ":$port" "$LKDB_VMLINUX" -c 'info threads' -c 'backtrace' >"$TMP/out" 2>&1
diag "$TMP/out"
check "info threads lists both CPUs" \
    test "$(grep -c 'Thread 1\.' "$TMP/out")" = 2
check "gdb's backtrace shows a kernel frame with a source line" \
    grep -qE '^#0 .* at [a-z].*\.[ch]:[0-9]+' "$TMP/out"
# --kaslr-offset.  gdb's memory reads before lkdb loads the symbols are
# the KASLR probe: LKDB_MI_TRACE logs every MI command lkdb sends.
reads_before_symbols() {
    sed '/^>>> .*add-symbol-file/q' "$1" |
        grep -oE '^>>> [0-9]*-data-read-memory-bytes 0x[0-9a-f]+ [0-9]+' | awk '{ print $3 }'
}
banner_link=$(nm "$V" | awk '$3 == "linux_banner" { print $1 }')
banner_at=$(printf '0x%x' $((0x$banner_link + expected_offset)))
probe_reads=$(reads_before_symbols "$TMP/probe.trace" | wc -l)
echo "# without --kaslr-offset: $probe_reads reads before the symbols; linux_banner is at $banner_at"
check "without --kaslr-offset lkdb probes (more than one read before the symbols)" \
    test "$probe_reads" -gt 1
LKDB_MI_TRACE=$TMP/given.trace "$LKDB" --kaslr-offset "$expected_offset" -r ":$port" "$V" \
    -c 'p init_uts_ns.name.release' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/out" "$TMP/err"
check "--kaslr-offset $expected_offset (the guest's): exit 0, gdb reads the console's release" \
    bash -c "test $status = 0 && grep -qF '\"$release\"' '$TMP/out' &&
             grep -qF 'KASLR offset $expected_offset' '$TMP/err'"
check "--kaslr-offset $expected_offset: no probe, one read before the symbols: linux_banner at $banner_at" \
    test "$(reads_before_symbols "$TMP/given.trace" | tr '\n' ' ')" = "$banner_at "
wrong=$(printf '0x%x' $((expected_offset + 0x200000)))
"$LKDB" --kaslr-offset "$wrong" -r ":$port" "$V" -c 'p 1' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "--kaslr-offset $wrong (2 MiB off): refused, exit 2, one line naming the offset (and the detach note)" \
    bash -c "test $status = 2 && test \$(grep -vc '^lkdb: detached from' '$TMP/err') = 1 &&
             grep -qE '^lkdb: .*KASLR offset $wrong: ' '$TMP/err' && ! grep -q '= 1' '$TMP/out'"
done_testing

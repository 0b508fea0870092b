#!/usr/bin/env bash
# lkdb decode on logs the fixture kernel prints at test time: a crashme
# NULL-dereference oops (module frames, a Code: line) and a sysrq c panic
# (vmlinux frames with inline chains), each from a guest of its own (an
# oops taints the kernel and panic then skips its stack dump).  Ground
# truth is independent of lkdb: nm + addr2line -i per frame (return
# addresses one byte back), objdump of crashme.ko for the faulting
# instruction; frames of another build are noted, not decoded.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
KO=$LKDB_CRASHME_KO
CHECK=$(dirname "$0")/decode_check.py
command -v addr2line >/dev/null && command -v objdump >/dev/null ||
    { echo "Bail out! addr2line/objdump missing (scripts/install-deps.sh --test)"; exit 1; }

# console LOG lines from the first matching ERE on, CR removed (the last
# line may still be unterminated: the guest may be printing it; lines are
# counted with grep -c '', which counts it, not wc -l)
console_from() { tr -d '\r' <"$1/console.log" | sed -n "/$2/,\$p"; }

g=$(own_guest decode-oops) || exit 1
"$GUEST_SH" run "$g" 'insmod /crashme.ko' >/dev/null 2>&1
"$GUEST_SH" run "$g" --no-wait 'echo 1 > /proc/crashme' >/dev/null 2>&1
"$GUEST_SH" wait "$g" '---\[ end trace' 120 >/dev/null 2>&1
console_from "$g" 'BUG: kernel NULL pointer' >"$TMP/oops.log"
"$GUEST_SH" stop "$g" >/dev/null 2>&1

g=$(own_guest decode-panic) || exit 1
"$GUEST_SH" run "$g" --no-wait 'echo c > /proc/sysrq-trigger' >/dev/null 2>&1
"$GUEST_SH" wait "$g" 'end Kernel panic' 120 >/dev/null 2>&1
console_from "$g" 'sysrq: Trigger a crash' >"$TMP/panic.log"
"$GUEST_SH" stop "$g" >/dev/null 2>&1

check "the guest oopsed in crashme_write" grep -q 'RIP: 0010:crashme_write+' "$TMP/oops.log"
check "the guest panicked through sysrq_handle_crash" grep -q ' sysrq_handle_crash+' "$TMP/panic.log"

for log in oops panic; do
    start=$(date +%s%N)
    "$LKDB" decode "$V" --modules "$(dirname "$KO")" <"$TMP/$log.log" >"$TMP/$log.out" 2>"$TMP/$log.err"
    status=$?
    end=$(date +%s%N)
    echo "# lkdb decode of the $log log: $(( (end - start) / 1000000 )) ms"
    diag "$TMP/$log.err"
    check "$log: decode exits 0 with no warning" test $status = 0 -a ! -s "$TMP/$log.err"
    check "$log: one output line per input line, plus the Code: listings" \
        test "$(grep -cv '^\[ *[0-9.]*\] *  *[0-9a-f]*:[* ] ' "$TMP/$log.out")" = "$(grep -c '' "$TMP/$log.log")"
    "$LKDB" decode --json "$V" -m "$(dirname "$KO")" <"$TMP/$log.log" >"$TMP/$log.json"
    python3 "$CHECK" "$TMP/$log.log" "$TMP/$log.json" "$V" "$KO" >"$TMP/$log.check" 2>&1
    status=$?
    diag "$TMP/$log.check"
    check "$log: every frame's file:line chain is addr2line -i's" test $status = 0
done
diag "$TMP/panic.out"

check "panic: sysrq_handle_crash in drivers/tty/sysrq.c" \
    grep -qE ' sysrq_handle_crash \(drivers/tty/sysrq\.c:[0-9]+\)$' "$TMP/panic.out"
check "panic: an inline chain (several file:line in one frame)" \
    grep -qE ' [a-z_0-9.]+ \([^ )]+:[0-9]+ [^)]+:[0-9]+' "$TMP/panic.out"
check "panic: frames keep their timestamps and '? ' marks" \
    bash -c "grep -qE '^\[ *[0-9]+\.[0-9]+\]  \? [a-z_]' '$TMP/panic.out' || ! grep -q ' ? ' '$TMP/panic.log'"
check "oops: the RIP line names crashme.c in [crashme]" \
    grep -qE 'RIP: 0010:crashme_write \([^ ]*crashme\.c:[0-9]+\) \[crashme\]$' "$TMP/oops.out"

# The faulting instruction: objdump of crashme.ko at crashme_write+OFF.
off=$(sed -nE 's/.*RIP: 0010:crashme_write\+0x([0-9a-f]+)\/.*/\1/p' "$TMP/oops.log" | head -1)
base=$(nm "$KO" | awk '$3 == "crashme_write" { print $1 }')
truth=$(objdump -d --no-show-raw-insn --start-address=$((0x$base + 0x$off)) \
        --stop-address=$((0x$base + 0x$off + 16)) "$KO" |
        sed -nE 's/^ *[0-9a-f]+:\t(.*)$/\1/p' | head -1 | sed -E 's/ +/ /g; s/ *$//')
ours=$(grep -m1 '<-- trapping instruction' "$TMP/oops.out" |
       sed -E 's/.*:\* ([0-9a-f]{2} )+ *//; s/\t<-- trapping instruction//; s/ +/ /g; s/ *$//')
echo "# objdump crashme.ko: '$truth'; lkdb: '$ours'"
check "oops: the Code: line's marked instruction is objdump's at RIP" \
    test -n "$truth" -a "$truth" = "$ours"

# Another build's log: every frame whose size differs is noted.
sed -E 's/(sysrq_handle_crash\+0x[0-9a-f]+\/0x)[0-9a-f]+/\1fff/' "$TMP/panic.log" >"$TMP/other.log"
"$LKDB" decode "$V" <"$TMP/other.log" >"$TMP/other.out" 2>&1
check "a symbol size that differs from the log's is noted on its frame, not decoded" \
    grep -qE 'sysrq_handle_crash\+0x[0-9a-f]+/0xfff \(lkdb: sysrq_handle_crash is 0x[0-9a-f]+ bytes in vmlinux-[^,]*, 0xfff in the log' "$TMP/other.out"
done_testing

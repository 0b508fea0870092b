#!/usr/bin/env bash
# A live panic stop in an interrupt: Alt-SysRq-C on the guest's keyboard
# (QEMU's sendkey, kernel.sysrq=1) panics in the keyboard interrupt, on the
# CPU's IRQ stack.  lkdb --wait stops in the panic path; bt -a of that CPU shows
# the console's <IRQ> frames from panic on (the kernel prints its report
# once lkdb lets it go on), "--- <IRQ stack> ---" after the last of them,
# then the interrupt entry with the console's RIP and registers and the
# frames below it; --json marks that last IRQ frame (leaves_irq_stack).
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
CHECK=$(dirname "$0")/kdump_check.py
g=$(own_guest irqpanic) || exit 1
port=$(guest_port "$g") || exit 1
console=$g/console.log

"$GUEST_SH" run "$g" 'echo 1 > /proc/sys/kernel/sysrq' >/dev/null
timeout 300 "$LKDB" -r ":$port" "$V" --wait -c "bt -a > $TMP/bt.txt" -c "bt -a --json > $TMP/bt.json" \
    >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for "$TMP/err" 'waiting for a panic' 60
"$GUEST_SH" monitor "$g" 'sendkey alt-sysrq-c' >/dev/null
wait $pid
status=$?
diag "$TMP/err"
check "lkdb --wait stops at the keyboard's panic and exits 0" test $status = 0
# The kernel's own report comes once lkdb detached.
wait_for "$console" '</IRQ>' 60
check "the panic CPU's bt: the console's <IRQ> frames from panic on, '--- <IRQ stack> ---', asm_common_interrupt with the console's RIP and registers, the frames below; --json marks the last IRQ frame" \
    python3 "$CHECK" irq "$console" "$TMP/bt.txt" "$TMP/bt.json" live
"$GUEST_SH" stop "$g" >/dev/null 2>&1
done_testing

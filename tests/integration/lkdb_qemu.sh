#!/usr/bin/env bash
# lkdb qemu on the fixture: lkdb starts QEMU halted with its own stub, shows
# the console live and keeps it in --console-log, finds the kernel (KASLR
# on), arms the panic stops and lets the guest run.  The guest is told to
# panic through the fixture's command agent on its second serial port, as
# a user would type it.  Ground truth: the console (QEMU's copy, written by
# the guest) has the kernel's panic line and the shell's PID; lkdb's report
# names the same message and task, its -c commands run after the report
# (ps reading the memfd lkdb gave QEMU for its RAM, not the stub),
# and QEMU is gone when lkdb ends.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
sock=$TMP/agent.sock
console=$TMP/console.log
qemu_pid_of() { pgrep -f "qemu-system-x86_64.*$sock" | head -n1; }

(
    # lkdb waits once it found the kernel; the agent answers a bit later.
    for _ in $(seq 600); do
        grep -q 'waiting for a panic' "$TMP/err" 2>/dev/null &&
            grep -aq 'LKDB-READY' "$console" 2>/dev/null && break
        sleep 0.2
    done
    qemu_pid_of >"$TMP/qemu.pid"
    printf 'echo LKDB-PANIC-PID: $$ >/dev/console; echo c > /proc/sysrq-trigger\n' |
        timeout 5 socat - "UNIX-CONNECT:$sock" >/dev/null 2>&1 || true
) &
trigger=$!
timeout 300 "$LKDB" qemu --console-log "$console" "$V" -c 'p 6*7' -c 'bt' -c 'ps --stats' -- \
    -accel tcg -smp 2 -m 512 -kernel "$LKDB_VMLINUZ" -initrd "$LKDB_INITRD" \
    -append 'console=ttyS0 panic=0 lkdb.sleepers=1' -nodefaults -no-reboot \
    -chardev "socket,id=agent,path=$sock,server=on,wait=off" -serial chardev:agent \
    >"$TMP/out" 2>"$TMP/err"
status=$?
wait "$trigger"
diag "$TMP/err"
sed -n '/^\*\*\* /,/^\*\*\*$/p' "$TMP/out" | diag

check "lkdb qemu exits 0 after the report and the commands" test $status = 0
check "the console was shown live (the guest's boot lines on stdout)" \
    grep -q 'LKDB-READY' "$TMP/out"
check "the console was kept in --console-log, with the kernel's panic line" \
    grep -aq 'Kernel panic - not syncing: sysrq triggered crash' "$console"
panic_pid=$(tr -d '\r' <"$console" | sed -n 's/^LKDB-PANIC-PID: \([0-9]*\)$/\1/p' | head -n1)
echo "# the shell that panicked: PID ${panic_pid:-?}"
check "the report names the console's panic and the shell's PID" \
    bash -c "grep -q '^\*\*\* Kernel panic on CPU [0-9]*: .*sysrq triggered crash' '$TMP/out' &&
             grep -qE 'task: sh \\(pid ${panic_pid:-none}\\)' '$TMP/out'"
check "the report's backtrace goes through sysrq_handle_crash" \
    grep -qE '^ *#[0-9]+ \[[0-9a-f]{16}\] sysrq_handle_crash at ' "$TMP/out"
check "the -c commands ran after the report" \
    bash -c "grep -qx '\$1 = 42' '$TMP/out' && grep -qE '^PID: +${panic_pid:-none} .*COMMAND: \"sh\"' '$TMP/out'"
check "lkdb read the guest's memory from the memfd it gave QEMU" \
    grep -qE "^lkdb: reading guest memory from QEMU's memfd \(/proc/[0-9]+/fd/[0-9]+\)" "$TMP/err"
check "ps after the panic: every read from guest RAM, the panicking shell listed" \
    bash -c "grep -qE '^lkdb: ps: [0-9]+ tasks, .*: ([0-9]+) reads \(\1 from guest RAM, 0 through gdb\)' '$TMP/err' &&
             grep -qE '^> *${panic_pid:-none} .* sh\$' '$TMP/out'"
qpid=$(cat "$TMP/qemu.pid" 2>/dev/null)
echo "# QEMU was PID ${qpid:-?}"
check "QEMU ended with lkdb" bash -c "test -n '$qpid' && ! kill -0 '$qpid' 2>/dev/null"
check "leaving says QEMU was stopped, not that the target keeps running" \
    bash -c "grep -q '^lkdb: detached from ' '$TMP/err' && ! grep -q 'keeps running' '$TMP/err' && grep -q '^lkdb: stopped QEMU' '$TMP/err'"
done_testing

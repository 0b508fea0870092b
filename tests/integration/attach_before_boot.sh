#!/usr/bin/env bash
# The workflow the kernel's own gdb documentation teaches: QEMU started
# with -s -S (halted at the reset vector, the kernel not started), then
# lkdb -r.  lkdb must notice that the kernel has not started, say so, let
# the guest boot until the kernel first runs at its KASLR addresses
# (before start_kernel), find the offset, arm the panic stops and catch
# early-boot panics; a breakpoint given before boot hits.
#   A: batch, -c 'break start_kernel' -c continue: the breakpoint hits; the
#      KASLR offset is the one the booted guest shows in /proc/kallsyms.
#   B: in a terminal, init is killed early (rdinit=/bin/false): the report
#      prints and the prompt stays; bt, p jiffies answer; quit detaches.
#   C: batch --wait, no initramfs: "VFS: Unable to mount root fs" caught.
# Ground truth: QEMU's serial console (the kernel's own panic line), the
# guest's /proc/kallsyms, System.map.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pty.sh"
V=$LKDB_VMLINUX
QPIDS=()
trap 'pty_cleanup; for p in "${QPIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# halted_qemu NAME APPEND [no-initrd]: QEMU -S with a stub on a free port
# (PORT), its console in $TMP/NAME.console, the agent on $TMP/NAME.sock.
halted_qemu() {
    local name=$1 append=$2 initrd=(-initrd "$LKDB_INITRD")
    [[ ${3:-} == no-initrd ]] && initrd=()
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    qemu-system-x86_64 -accel tcg -smp 2 -m 256 -kernel "$LKDB_VMLINUZ" "${initrd[@]}" \
        -append "console=ttyS0 $append" -nodefaults -no-reboot -display none \
        -chardev "file,id=con,path=$TMP/$name.console" -serial chardev:con \
        -chardev "socket,id=agent,path=$TMP/$name.sock,server=on,wait=off" -serial chardev:agent \
        -gdb "tcp:127.0.0.1:$PORT" -S {tap_fd}>&- &
    QPIDS+=($!)
    wait_for /proc/net/tcp "$(printf ':%04X .* 0A ' "$PORT")" 20 ||
        bail_out "QEMU's stub did not listen on $PORT"
}
# agent SOCK COMMAND: the guest runs COMMAND (its answers go to its console).
agent() {
    printf '%s\n' "$2" | timeout 10 socat - "UNIX-CONNECT:$1" >/dev/null 2>&1
}

# --- A: a breakpoint before boot hits ----------------------------------------
halted_qemu a 'lkdb.sleepers=1'
"$LKDB" -r ":$PORT" "$V" -c 'break start_kernel' -c continue -c 'info symbol $pc' \
    >"$TMP/a.out" 2>"$TMP/a.err"
status=$?
diag "$TMP/a.err" "$TMP/a.out"
check "A: lkdb -r on a -S guest exits 0" test "$status" = 0
check "A: it says the kernel has not started and lets it boot" \
    grep -qE "^lkdb: :$PORT: the guest has not started its kernel yet \(CPU at 0x[0-9a-f]+\)" "$TMP/a.err"
check "A: break start_kernel, given before the kernel ran, hits" \
    grep -qE '^Breakpoint [0-9]+, start_kernel \(\) at init/main\.c:[0-9]+' "$TMP/a.out"
check "A: the CPU is in start_kernel (System.map's)" \
    bash -c "grep -q ' start_kernel\$' '$LKDB_SYSTEM_MAP' && grep -q '^start_kernel in section ' '$TMP/a.out'"
found=$(sed -n 's/^lkdb: attached to .*KASLR offset \(0x[0-9a-f]*\)$/\1/p' "$TMP/a.err")
wait_for "$TMP/a.console" '^LKDB-READY' 120 || bail_out "guest A did not boot after lkdb detached"
agent "$TMP/a.sock" "echo LKDB-TEXT: \$(grep ' _text\$' /proc/kallsyms) >/dev/console"
wait_for "$TMP/a.console" '^LKDB-TEXT: [0-9a-f]+ T _text' 30
text=$(tr -d '\r' <"$TMP/a.console" | sed -n 's/^LKDB-TEXT: \([0-9a-f]*\) T _text$/\1/p' | head -n 1)
truth=$( [[ -n $text ]] && printf '0x%x' $((0x$text - 0xffffffff81000000)) )
echo "# KASLR offset: lkdb ${found:-?}, the booted guest's /proc/kallsyms ${truth:-?}"
check "A: the KASLR offset found before boot is the guest's own" \
    test -n "$found" -a "$found" = "$truth"

# --- B: in a terminal, an early panic (init killed), the prompt stays ------
halted_qemu b 'rdinit=/bin/false panic=0'
start_pty boot "$LKDB_BIN" -r ":$PORT" "$V"
check "B: lkdb says the kernel has not started" \
    poll 60 in_pane "the guest has not started its kernel yet"
check "B: the early panic is reported, then the prompt" \
    poll 120 seen_then_prompt '^\*\*\* Kernel panic on CPU [0-9]+: Kernel panic - not syncing: Attempted to kill init!'
check "B: the console has the same panic" wait_for "$TMP/b.console" 'Kernel panic - not syncing: Attempted to kill init!' 10
sleep 2
check "B: the prompt stays" at_prompt
run_cmd 'set pager off'
run_cmd 'bt'
check "B: bt of init (pid 1) through the exit path" \
    wait_output '^ *#[0-9]+ \[[0-9a-f]{16}\] (do_exit|do_group_exit) at '
run_cmd 'p jiffies'
check "B: p jiffies answers" wait_output '^\$[0-9]+ = [0-9]+$'
run_cmd 'quit'
check "B: quit leaves with status 0" poll 30 in_pane '^LKDB-EXITED 0$'
check "B: the terminal's modes are as before lkdb" tty_restored

# --- C: batch --wait, no initramfs: VFS cannot mount root ------------------
halted_qemu c 'panic=0' no-initrd
timeout 300 "$LKDB" -r ":$PORT" "$V" --wait --timing -c 'p 1' >"$TMP/c.out" 2>"$TMP/c.err"
status=$?
diag "$TMP/c.err"
check "C: --wait on a -S guest exits 0 after the report" test "$status" = 0
check "C: the VFS panic at boot is reported with the console's message" \
    bash -c "wait_msg=\$(grep -o 'Kernel panic - not syncing: VFS: Unable to mount root fs on [^ ]*' '$TMP/c.console' | head -n1 | tr -d '\r');
             test -n \"\$wait_msg\" && grep -qF \"*** Kernel panic on CPU \" '$TMP/c.out' && grep -qF \"\$wait_msg\" '$TMP/c.out'"
check "C: its caller is named (mount_block_root or prepare_namespace)" \
    grep -qE '^    panic\(\) called from: (mount_block_root|mount_root|prepare_namespace)' "$TMP/c.out"
done_testing

#!/usr/bin/env bash
# SIGTERM and SIGHUP (the terminal closed) make lkdb detach cleanly: its
# breakpoints removed, a -r guest running on, lkdb qemu's QEMU ended, no
# gdb or lkdb-dump-server left behind, and lkdb never signals the process
# group it shares with its parent (the shell around it goes on).
# Ground truth: the process table, and the guest's own behaviour (it gets
# through insmod and rmmod, which stop on lkdb's module breakpoints if any
# were left behind, and its jiffies advance).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pty.sh"
V=$LKDB_VMLINUX
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
d=$(shared_dump) || exit 1
trap 'pty_cleanup; rm -rf "$TMP"' EXIT

gone() { ! kill -0 "$1" 2>/dev/null; }
all_gone() { local p; for p; do gone "$p" || return 1; done; }
# lkdb's helpers (gdb; under it lkdb-dump-server) and lkdb itself.
family() { echo "$1"; pgrep -P "$1"; local c; for c in $(pgrep -P "$1"); do pgrep -P "$c"; done; }
guest_jiffies() {
    "$LKDB" -q -r ":$port" "$V" -c 'p jiffies' 2>/dev/null |
        sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p'
}
running_on() {
    local j1 j2
    j1=$(guest_jiffies)
    sleep 1
    j2=$(guest_jiffies)
    echo "# jiffies $j1 -> $j2"
    [[ -n $j1 && -n $j2 ]] && ((j2 > j1))
}
guest_free() {
    "$GUEST_SH" run "$g" 'insmod /crashme.ko && rmmod crashme && echo LKDB-FREE' 60 |
        grep -q 'LKDB-FREE'
}
said() { pane | grep -qE -- "$1"; }

# --- SIGTERM while lkdb waits on a live guest ------------------------------
start_pty term "$LKDB_BIN" -r ":$port" "$V"
poll 120 in_pane 'waiting for a panic or oops' || bail_out "lkdb did not start waiting"
procs=$(family "$(pane_lkdb_pid)")
think
kill -TERM "$(pane_lkdb_pid)"
check "SIGTERM: lkdb says it detaches and ends" \
    poll 30 said '^lkdb: terminated \(SIGTERM\): detaching and leaving$'
check "SIGTERM: the shell around lkdb goes on (status 143: lkdb's own)" \
    poll 30 said '^LKDB-EXITED 143$'
# shellcheck disable=SC2086
check "SIGTERM: no lkdb or gdb left behind" poll 10 all_gone $procs
check "SIGTERM: the guest runs on" running_on
check "SIGTERM: no breakpoint left (insmod and rmmod go through)" guest_free
check "SIGTERM: the terminal's modes are as before lkdb" tty_restored
tm kill-session -t "$SESSION"

# --- SIGHUP: the terminal goes away while lkdb sits at the prompt ----------
start_pty hup "$LKDB_BIN" --no-wait -r ":$port" "$V"
poll 120 at_prompt || bail_out "no prompt from lkdb --no-wait"
run_cmd 'break crashme_write'
procs=$(family "$(pane_lkdb_pid)")
think
tm kill-window -t "$SESSION"
# shellcheck disable=SC2086
check "SIGHUP (terminal closed): lkdb and gdb end" poll 30 all_gone $procs
check "SIGHUP: the guest runs on" running_on
# Writing 0 to /proc/crashme is harmless and runs crashme_write.
user_break_gone() {
    "$GUEST_SH" run "$g" 'insmod /crashme.ko && echo 0 > /proc/crashme && rmmod crashme && echo LKDB-FREE' 60 |
        grep -q 'LKDB-FREE'
}
check "SIGHUP: no breakpoint left (the user's on crashme_write neither)" \
    user_break_gone

# --- SIGTERM at a dump's prompt: no lkdb-dump-server left -------------------
start_pty dump "$LKDB_BIN" "$V" "$d/vmcore.elf"
poll 120 at_prompt || bail_out "no prompt on the dump"
run_cmd 'p jiffies'
wait_output '^\$[0-9]+ = [0-9]+$' 60
procs=$(family "$(pane_lkdb_pid)")
echo "# lkdb and its helpers: $(echo $procs)"
kill -TERM "$(pane_lkdb_pid)"
check "dump, SIGTERM: lkdb ends with status 143" poll 30 said '^LKDB-EXITED 143$'
# shellcheck disable=SC2086
check "dump, SIGTERM: no gdb or lkdb-dump-server left behind" poll 10 all_gone $procs
check "dump, SIGTERM at the prompt: the terminal's modes are as before lkdb" tty_restored
tm kill-session -t "$SESSION"

# --- lkdb qemu and SIGTERM: QEMU ends with it -------------------------------
start_pty qemu "$LKDB_BIN" qemu --console-log "$TMP/q.console" "$V" -- \
    -accel tcg -smp 2 -m 256 -kernel "$LKDB_VMLINUZ" -append 'console=ttyS0 panic=0' \
    -nodefaults -no-reboot
check "lkdb qemu: an early panic (no initramfs) gives the prompt" \
    poll 180 seen_then_prompt '^\*\*\* Kernel panic on CPU [0-9]+: Kernel panic - not syncing: VFS: Unable to mount root fs'
procs=$(family "$(pane_lkdb_pid)")
qpid=$(pgrep -f "qemu-system-x86_64.*$TMP/q.console" | head -n 1)
[[ -z $qpid ]] && qpid=$(pgrep -f "qemu-system-x86_64 -chardev stdio,id=lkdbcon" | head -n 1)
echo "# lkdb and its helpers: $(echo $procs); QEMU ${qpid:-?}"
kill -TERM "$(pane_lkdb_pid)"
check "lkdb qemu, SIGTERM: lkdb ends with status 143" poll 30 said '^LKDB-EXITED 143$'
# shellcheck disable=SC2086
check "lkdb qemu, SIGTERM: QEMU, its guardian and gdb are gone" \
    poll 15 all_gone $procs ${qpid:-0}
done_testing

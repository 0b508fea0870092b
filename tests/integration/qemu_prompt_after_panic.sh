#!/usr/bin/env bash
# lkdb qemu in a terminal, used as a person uses it (issue: the prompt
# after the panic report used to exit by itself).  The console streams in
# the terminal, the guest panics (told through the fixture's agent on its
# second serial port, as a user would type it in the guest), the report
# prints, and the lkdb> prompt stays: commands typed 1-3 s apart answer
# (ps, bt, bt -a, log, p jiffies, info registers), Ctrl-C at the prompt
# drops the line, Ctrl-D ends lkdb and QEMU, and the terminal's modes are
# as before.  A second session: Ctrl-C stops the running guest at the
# prompt, `detach` leaves QEMU running with its console still logged, and
# lkdb -r attaches to it again as lkdb said.
# Ground truth: the guest's console (QEMU's copy) for the panic and the
# shell's PID; the process table for QEMU's life.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pty.sh"
V=$LKDB_VMLINUX
trap 'pty_cleanup; [[ -n ${QPID:-} ]] && kill "$QPID" 2>/dev/null; rm -rf "$TMP"' EXIT

qemu_pid_for() { pgrep -f "qemu-system-x86_64.*$1" | head -n 1; }
agent() {
    printf '%s\n' "$2" | timeout 10 socat - "UNIX-CONNECT:$1" >/dev/null 2>&1
}
start_qemu_session() {
    local name=$1 sock=$TMP/$1.sock
    start_pty "$name" "$LKDB_BIN" qemu --console-log "$TMP/$name.console" "$V" -- \
        -accel tcg -smp 2 -m 512 -kernel "$LKDB_VMLINUZ" -initrd "$LKDB_INITRD" \
        -append 'console=ttyS0 lkdb.sleepers=1' -nodefaults -no-reboot \
        -chardev "socket,id=agent,path=$sock,server=on,wait=off" -serial chardev:agent
    poll 300 in_pane 'the guest runs; waiting for a panic' &&
        poll 120 in_pane '^LKDB-READY'
}

# --- session 1: the panic, the prompt that stays, Ctrl-D -------------------
start_qemu_session s1 || { pane | tail -n 30 | diag; bail_out "lkdb qemu did not get the guest to LKDB-READY"; }
check "the guest's console streams in the terminal while lkdb waits" in_pane '^LKDB-SLEEPERS: 1 [0-9]+'
QPID=$(qemu_pid_for "$TMP/s1.sock")
think
agent "$TMP/s1.sock" 'echo LKDB-PANIC-PID: $$ >/dev/console; echo c > /proc/sysrq-trigger'
check "the panic report prints, then the prompt" \
    poll 60 seen_then_prompt '^\*\*\* Kernel panic on CPU [0-9]+: Kernel panic - not syncing: sysrq triggered crash'
panic_pid=$(tr -d '\r' <"$TMP/s1.console" | sed -n 's/^LKDB-PANIC-PID: \([0-9]*\)$/\1/p' | head -n 1)
echo "# the panicking shell (console): PID ${panic_pid:-?}"
lpid=$(pane_lkdb_pid)
blocking_input() { [[ -n $1 ]] && ! fd0_nonblocking "$1"; }
check "lkdb's terminal input is not left non-blocking by QEMU" blocking_input "$lpid"
sleep 3
still_there() { ! exited && at_prompt && kill -0 "$1"; }
check "the prompt stays after the report (3 s later lkdb is still there)" \
    still_there "$lpid"

# Long answers would stop in the pager (less) for a key; this session
# reads them whole (the pager has its own checks in dump_prompt.sh).
run_cmd 'set pager off'
run_cmd 'ps'
check "ps answers: the panicking shell marked running" \
    wait_output "^> +${panic_pid:-none} .* sh\$"
run_cmd 'bt'
check "bt answers: through panic and sysrq_handle_crash" \
    wait_output '^ *#[0-9]+ \[[0-9a-f]{16}\] sysrq_handle_crash at '
run_cmd 'bt -a'
two_headers() {
    wait_output 'CPU: 1 ' && (($(since_mark | grep -cE '^PID: +[0-9]+ +TASK: ') >= 2))
}
check "bt -a answers: a header for each of the 2 CPUs" two_headers
run_cmd 'log | grep "not syncing"'
check "log answers (piped to grep): the kernel's panic line" \
    wait_output '^\[ *[0-9]+\.[0-9]+\] Kernel panic - not syncing: sysrq triggered crash$'
run_cmd 'p jiffies'
check "p jiffies answers" wait_output '^\$[0-9]+ = [0-9]+$'
run_cmd 'info registers rip'
check "info registers answers" wait_output '^rip +0x[0-9a-f]+ '
check "no gdb chatter reached the terminal" \
    not in_pane '^\[Switching to Thread|^Thread [0-9]+ hit |No such file or directory\.$'

think
mark
type_text 'p 99990+9'
keys C-c
check "Ctrl-C at the prompt drops the half-typed line and prompts again" \
    poll 10 seen_then_prompt '^Quit$'
run_cmd 'p 5+5'
check "commands run after Ctrl-C at the prompt" wait_output '^\$[0-9]+ = 10$'
check "the line being typed at Ctrl-C was not run" not in_pane '= 99999$'

think
keys C-d
check "Ctrl-D ends lkdb with status 0" poll 30 in_pane '^LKDB-EXITED 0$'
gone() { ! kill -0 "$1" 2>/dev/null; }
check "lkdb qemu ended QEMU on Ctrl-D" poll 10 gone "${QPID:-0}"
check "the terminal's modes are as before lkdb" tty_restored
check "the shell's terminal is blocking again (no O_NONBLOCK left)" \
    blocking_input "$(pane_shell_pid)"
tm kill-session -t "$SESSION"

# --- session 2: Ctrl-C on the running guest, detach, attach again ---------
start_qemu_session s2 || { pane | tail -n 30 | diag; bail_out "the second lkdb qemu did not get the guest to LKDB-READY"; }
QPID=$(qemu_pid_for "$TMP/s2.sock")
think
mark
keys C-c
check "Ctrl-C while the guest runs stops it and gives the prompt" \
    poll 30 seen_then_prompt 'the guest stopped \(interrupted\)'
run_cmd 'p jiffies'
check "the stopped guest answers" wait_output '^\$[0-9]+ = [0-9]+$'
run_cmd 'detach'
check "detach ends lkdb, says QEMU keeps running and how to attach again" \
    poll 30 seen "^lkdb: attach again with: lkdb -r 127\\.0\\.0\\.1:[0-9]+ "
check "... with status 0" poll 10 in_pane '^LKDB-EXITED 0$'
check "QEMU runs on after detach" kill -0 "${QPID:-0}"
remote=$(pane | sed -n 's/^lkdb: attach again with: lkdb -r \(127\.0\.0\.1:[0-9]*\) .*/\1/p' | tail -n 1)
agent "$TMP/s2.sock" 'echo LKDB-AFTER-DETACH >/dev/console'
check "the guest runs after detach and its console still goes to the log" \
    wait_for "$TMP/s2.console" '^LKDB-AFTER-DETACH' 30
"$LKDB" -q -r "$remote" "$V" -c 'p init_uts_ns.name.sysname' >"$TMP/reattach.out" 2>"$TMP/reattach.err"
diag "$TMP/reattach.err"
check "lkdb -r attaches again where detach said" grep -q '= "Linux"' "$TMP/reattach.out"
check "the terminal's modes are as before lkdb (session 2)" tty_restored
kill "$QPID" 2>/dev/null
done_testing

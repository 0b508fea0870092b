#!/usr/bin/env bash
# Ctrl-C during a long command returns to the prompt with the session
# intact: lkdb's own `log` of a 16 MB printk buffer (read through QEMU's
# stub with --no-guest-ram, seconds, and printed to the terminal), and a
# long gdb command.  The guest
# gets a 16 MB log (log_buf_len=16M) filled by sysrq t (every task's
# stack) over 1500 tasks; its console is kept quiet (loglevel=1) so the
# records go to the buffer only.
# Ground truth: the guest's own marker record, written last, which a log
# run to its end shows and an interrupted one must not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pty.sh"
V=$LKDB_VMLINUX
g=$(own_guest ctrlc --sleepers 1500 --extra-append 'log_buf_len=16M loglevel=1') || exit 1
port=$(guest_port "$g") || exit 1
trap 'pty_cleanup; "$GUEST_SH" stop "$g" >/dev/null 2>&1; rm -rf "$TMP"' EXIT

"$GUEST_SH" run "$g" 'for i in 1 2 3; do echo t > /proc/sysrq-trigger; done; echo LKDB-LOG-END > /dev/kmsg; echo filled' 300 |
    grep -q filled || bail_out "the guest could not fill its log"
"$LKDB" -q -r ":$port" "$V" -c 'log' >"$TMP/log.full" 2>"$TMP/log.err"
size=$(stat -c %s "$TMP/log.full")
echo "# the whole log, read in batch: $size bytes, $(wc -l <"$TMP/log.full") lines"
check "the guest's log is long (over 4 MB) and ends with the marker" \
    bash -c "(( $size > 4000000 )) && tail -n 1 '$TMP/log.full' | grep -q 'LKDB-LOG-END'"

# --no-guest-ram: the test needs a log that takes seconds to read, as
# through the stub; lkdb's copies of the guest's RAM read it in a blink.
start_pty ctrlc "$LKDB_BIN" --no-wait --no-guest-ram -r ":$port" "$V"
poll 120 at_prompt || bail_out "no prompt"
run_cmd 'set pager off'
run_cmd 'log'
# Reading 7 MB of records through the stub alone takes seconds: a person
# who typed log by mistake presses Ctrl-C at once.
sleep 0.7
keys C-c
check "Ctrl-C during log: the prompt comes back, the command said interrupted" \
    poll 60 seen_then_prompt 'lkdb: log: interrupted \(Ctrl-C\)$'
check "... before the log's end (its last record was not printed)" \
    not seen 'LKDB-LOG-END'
run_cmd 'p jiffies'
check "the session goes on after the interrupted log" wait_output '^\$[0-9]+ = [0-9]+$'
run_cmd 'log | tail -n 1'
check "log runs to its end again afterwards" wait_output 'LKDB-LOG-END' 120

run_cmd 'info types .'
sleep 2
mark
keys C-c
check "Ctrl-C during a long gdb command: the prompt comes back" \
    poll 30 seen_then_prompt 'Quit|interrupted'
run_cmd 'p 6*7'
check "the session goes on after the interrupted gdb command" wait_output '^\$[0-9]+ = 42$'
run_cmd 'quit'
check "quit leaves with status 0" poll 30 in_pane '^LKDB-EXITED 0$'
done_testing

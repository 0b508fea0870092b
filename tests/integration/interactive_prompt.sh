#!/usr/bin/env bash
# The interactive prompt, driven through a real terminal (tmux) like a
# person would: the prompt after attach, Tab completion of lkdb commands,
# gdb commands and kernel symbols, history kept across sessions, Ctrl-C at
# an idle prompt and on a running guest, long output arriving whole, and
# Ctrl-D / quit leaving the guest running.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pty.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX
HISTORY_FILE=$XDG_STATE_HOME/lkdb/history

start_lkdb() { start_pty "$1" "$LKDB_BIN" --no-wait -r ":$port" "$V"; }

# If a step failed with lkdb still attached, leave the guest running (a
# kill would leave the shared guest stopped), then end tmux.
cleanup() {
    if [[ -n $SESSION ]] && tm has-session -t "$SESSION" 2>/dev/null &&
        ! exited; then
        keys C-c
        sleep 1
        keys C-u
        type_text quit
        keys Enter
        poll 20 exited
    fi
    pty_cleanup
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# gdb's answer to a long command, without a terminal, to compare with.
"$LKDB" -q -r ":$port" "$V" -c 'ptype struct task_struct' >"$TMP/ptype.ref" 2>"$TMP/err"
sed 's/[[:space:]]*$//' "$TMP/ptype.ref" | expand >"$TMP/ptype.want"
if ! grep -q '^type = struct task_struct {' "$TMP/ptype.want"; then
    diag "$TMP/ptype.ref" "$TMP/err"
    echo "Bail out! batch ptype of task_struct failed"
    exit 1
fi

# --- session 1 --------------------------------------------------------------
start_lkdb lkdb1 || { echo "Bail out! tmux could not start a session"; exit 1; }
if ! poll 300 at_prompt; then
    pane | diag
    echo "Bail out! no prompt from lkdb"
    exit 1
fi
check "the prompt appears after attach" in_pane "^lkdb: attached to :$port"

think; keys h e; think; keys Tab
check "Tab completes an lkdb command (he -> help)" wait_last '^lkdb> help$'
clear_line
think; keys q u i; think; keys Tab
check "Tab completes an lkdb command (qui -> quit)" wait_last '^lkdb> quit$'
clear_line
# qu is ambiguous, as in gdb: quit and gdb's queue-signal; Tab twice lists.
mark
think; keys q u; think; keys Tab; sleep 1; keys Tab
check "Tab Tab lists the ambiguous qu (quit, queue-signal)" \
    poll 15 seen '(^|[[:space:]])quit([[:space:]]|$)'
diag < <(since_mark)
wait_last '^lkdb> qu$' 5
clear_line
think; type_text 'p init_uts'; think; keys Tab
check "Tab completes a kernel symbol from gdb (init_uts -> init_uts_ns)" \
    wait_last '^lkdb> p init_uts_ns$'
clear_line
think; type_text 'info regi'; think; keys Tab
check "Tab completes a gdb subcommand (info regi -> info registers)" \
    wait_last '^lkdb> info registers$'
clear_line

run_cmd 'p 6*7'
check "a command typed at the prompt runs" wait_output '^\$[0-9]+ = 42$'
run_cmd 'p init_uts_ns.name.sysname'
check "a kernel variable prints" wait_output '^\$[0-9]+ = "Linux"'

# The exact text needs the pager off (its own check is in dump_prompt.sh).
run_cmd 'set pager off'
run_cmd 'ptype struct task_struct'
if wait_output '^}$' 60; then
    # Between the command line and the next prompt: exactly gdb's output.
    since_mark | sed '1d;$d' >"$TMP/ptype.got"
    check "long output arrives whole, in order, with the prompt only after it" \
        cmp -s "$TMP/ptype.want" "$TMP/ptype.got"
    cmp -s "$TMP/ptype.want" "$TMP/ptype.got" ||
        diff "$TMP/ptype.want" "$TMP/ptype.got" | head -20 | diag
else
    ok 1 "long output arrives whole, in order, with the prompt only after it"
fi

# Ctrl-C at an idle prompt: like gdb, Quit and a fresh prompt; the half
# typed line is dropped and lkdb stays.
mark
type_text 'p 99990+9'
keys C-c
check "Ctrl-C at the prompt says Quit and prompts again" \
    poll 10 seen_then_prompt '^Quit$'
mark
keys C-c
check "Ctrl-C at an empty prompt too" poll 10 seen_then_prompt '^Quit$'
check "Ctrl-C at the prompt does not end lkdb" not exited
run_cmd 'p 5+5'
check "after Ctrl-C at the prompt commands run" wait_output '^\$[0-9]+ = 10$'
check "the line being typed at Ctrl-C was dropped, not run" \
    not in_pane '= 99999$'
# The terminal is back in editing mode (a cooked tty would insert a tab).
think; keys h e; think; keys Tab
check "after Ctrl-C at the prompt Tab still completes" wait_last '^lkdb> help$'
clear_line

# A line typed while the guest runs (gdb's clear would delete
# breakpoints) is dropped at the next stop, a breakpoint's here (Ctrl-C's
# SIGINT flushes the terminal's input itself), with one note.
run_cmd 'tbreak ksys_sync'
wait_output '^Temporary breakpoint [0-9]+ at '
run_cmd 'continue'
poll 15 seen '^Continuing\.$'
think; type_text clear; keys Enter; think
"$GUEST_SH" run --no-wait "$g" sync
check "text typed while the guest ran is dropped at the stop, with a note" \
    poll 60 seen_then_prompt '^lkdb: dropped 6 characters typed while the guest ran'
check "... and was not run as a command" \
    bash -c "! grep -q 'No breakpoint at this line' <<<\"\$1\"" _ "$(since_mark)"
# continue, then Ctrl-C: the guest stops, the prompt comes back, bt works.
run_cmd 'p jiffies'
wait_output '^\$[0-9]+ = [0-9]+$'
j1=$(since_mark | sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p' | tail -n 1)
run_cmd 'continue'
check "continue resumes the guest" poll 15 seen '^Continuing\.$'
# Let the guest run a moment: its jiffies must move.
sleep 1
keys C-c
check "Ctrl-C on a running guest stops it and gives the prompt back" \
    poll 30 seen_then_prompt '^lkdb: the guest stopped \(Ctrl-C\)$'
run_cmd 'p jiffies'
wait_output '^\$[0-9]+ = [0-9]+$'
j2=$(since_mark | sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p' | tail -n 1)
echo "# jiffies before continue $j1, after Ctrl-C $j2"
check "the guest ran between continue and Ctrl-C (jiffies advanced)" \
    test "${j2:-0}" -gt "${j1:-0}"
run_cmd 'backtrace'
check "gdb's backtrace works after the interrupt" wait_output '^#1 +0x[0-9a-f]+ in '
since_mark | head -5 | diag
keys Up
check "after the interrupt line editing works (Up recalls backtrace)" \
    wait_last '^lkdb> backtrace$'
clear_line

# Ctrl-D leaves; the guest keeps running.
mark
keys C-d
check "Ctrl-D at the prompt leaves lkdb with status 0" \
    poll 20 seen '^LKDB-EXITED 0$'
check "leaving says the target keeps running" \
    poll 1 seen 'detached from .*keeps running'
check "history is saved when leaving" \
    grep -qF 'init_uts_ns.name.sysname' "$HISTORY_FILE"

# The guest runs after Ctrl-D: its jiffies advance between two looks.
guest_jiffies() {
    "$LKDB" -q -r ":$port" "$V" -c 'p jiffies' 2>/dev/null |
        sed -n 's/^\$[0-9]* = \([0-9]*\)$/\1/p'
}
j1=$(guest_jiffies)
sleep 1
j2=$(guest_jiffies)
echo "# after Ctrl-D: jiffies $j1 -> $j2"
check "the guest keeps running after Ctrl-D" test "${j2:-0}" -gt "${j1:-0}"

# --- session 2: history from session 1, quit --------------------------------
start_lkdb lkdb2 || { echo "Bail out! tmux could not start a session"; exit 1; }
if ! poll 300 at_prompt; then
    pane | diag
    echo "Bail out! no prompt from the second lkdb"
    exit 1
fi
keys Up
check "Up recalls the last command of the previous session (backtrace)" \
    wait_last '^lkdb> backtrace$'
keys Up
check "Up again recalls the one before (p jiffies)" \
    wait_last '^lkdb> p jiffies$'
clear_line
run_cmd quit
check "quit leaves lkdb with status 0" poll 20 seen '^LKDB-EXITED 0$'
j1=$(guest_jiffies)
sleep 1
j2=$(guest_jiffies)
echo "# after quit: jiffies $j1 -> $j2"
check "the guest keeps running after quit" test "${j2:-0}" -gt "${j1:-0}"
check "the guest's agent answers after quit" \
    bash -c "'$GUEST_SH' run '$g' 'echo alive-after-quit' 10 | grep -q alive-after-quit"
done_testing

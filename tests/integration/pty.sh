# Driving lkdb through a real terminal (tmux) as a person does (sourced
# after lib.sh): a command is typed after a pause of 1-3 s, keys are sent
# one action at a time, and what the person sees is the pane.  Each test
# has its own tmux server.
if ! command -v tmux >/dev/null 2>&1; then
    echo "Bail out! tmux not installed"
    exit 1
fi
if [[ $LKDB == */* ]]; then
    LKDB_BIN=$(realpath "$LKDB")
else
    LKDB_BIN=$(command -v "$LKDB")
fi
# The user's history is not ours to touch.
export XDG_STATE_HOME=$TMP/state
SOCK=$TMP/tmux.sock
SESSION=''
# A long scrollback, and a pane that stays (for its last words) if lkdb dies.
printf 'set -g history-limit 50000\nset -g remain-on-exit on\n' >"$TMP/tmux.conf"
tm() { tmux -S "$SOCK" -f "$TMP/tmux.conf" "$@"; }

# The whole pane (scrollback too), wrapped lines joined, trailing blanks
# and blank lines at the end dropped.
pane() {
    tm capture-pane -p -J -S - -E - -t "$SESSION" 2>/dev/null |
        sed 's/[[:space:]]*$//' |
        awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] == "") n--
                                  for (i = 1; i <= n; i++) print l[i] }'
}
last_line() { pane | tail -n 1; }
# Output since mark (from the line the cursor was on then).
MARK=1
mark() { MARK=$(pane | wc -l); ((MARK > 0)) || MARK=1; }
since_mark() { pane | tail -n +"$MARK"; }

# poll TIMEOUT COMMAND...: until COMMAND succeeds or TIMEOUT seconds pass.
poll() {
    local deadline=$((SECONDS + $1))
    shift
    while ! "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}
last_is() { [[ $(last_line) =~ $1 ]]; }
seen() { since_mark | grep -qE -- "$1"; }
in_pane() { pane | grep -qE -- "$1"; }
not() { ! "$@"; }
# The shell around lkdb prints "LKDB-EXITED status" when lkdb ends.
exited() {
    pane | grep -qE '^LKDB-EXITED [0-9]+$' ||
        [[ $(tm display-message -p -t "$SESSION" '#{pane_dead}' 2>/dev/null) != 0 ]]
}
exit_status() { pane | sed -n 's/^LKDB-EXITED \([0-9]*\)$/\1/p' | tail -n 1; }
at_prompt() { last_is '^lkdb>$'; }
# wait_last REGEX [TIMEOUT]: the cursor line matches.
wait_last() { poll "${2:-15}" last_is "$1"; }
# wait_output REGEX [TIMEOUT]: REGEX seen since the mark and the prompt is
# back after it.
wait_output() { poll "${2:-30}" seen_then_prompt "$1"; }
seen_then_prompt() { seen "$1" && at_prompt; }

# A person's pause before the next action: 1 to 3 s.
think() { sleep $((1 + RANDOM % 3)); }
keys() { tm send-keys -t "$SESSION" "$@" 2>/dev/null; }
type_text() { tm send-keys -t "$SESSION" -l -- "$1" 2>/dev/null; }
# run_cmd TEXT: after a pause, type a command and Enter (the pane marked).
run_cmd() { think; mark; type_text "$1"; sleep 0.3; keys Enter; }
# clear_line: empty the edit line (Ctrl-U), wait for the bare prompt.
clear_line() { keys C-u; wait_last '^lkdb>$' 5; }
# answered_in REGEX [TIMEOUT]: like wait_output, and sets ANSWER_MS to how
# long the answer took after the Enter (for a diagnostic, never a check).
answered_in() {
    local start end
    start=$(date +%s%N)
    wait_output "$1" "${2:-30}" || return 1
    end=$(date +%s%N)
    ANSWER_MS=$(((end - start) / 1000000))
}

# start_pty NAME COMMAND...: a terminal of 160x50 running COMMAND; the
# shell around it reports its exit status and keeps the pane.
start_pty() {
    SESSION=$1
    shift
    local cmd st=$TMP/tty.$SESSION
    cmd=$(printf '%q ' "$@")
    cmd="stty -g >$st.before; $cmd; echo \"LKDB-EXITED \$?\"; stty -g >$st.after; exec sleep 3600"
    tm new-session -d -s "$SESSION" -x 160 -y 50 -c "$TMP" \
        -e "XDG_STATE_HOME=$XDG_STATE_HOME" -- bash -c "$cmd" ||
        bail_out "tmux could not start a session"
}
# The terminal's settings as the shell saw them before lkdb and after it:
# lkdb must leave them as it found them.
tty_restored() {
    poll 10 test -s "$TMP/tty.$SESSION.after" &&
        cmp -s "$TMP/tty.$SESSION.before" "$TMP/tty.$SESSION.after"
}
# The shell in the pane, which shares lkdb's terminal.
pane_shell_pid() { tm display-message -p -t "$SESSION" '#{pane_pid}'; }
# The lkdb process in the pane (the shell's child), and its descendants.
pane_lkdb_pid() { pgrep -P "$(pane_shell_pid)" -x lkdb | head -n 1; }
# Whether fd 0 of process PID has O_NONBLOCK (flags in /proc are octal).
fd0_nonblocking() {
    local flags
    flags=$(sed -n 's/^flags:[[:space:]]*//p' "/proc/$1/fdinfo/0" 2>/dev/null) || return 1
    (( (8#$flags & 04000) != 0 ))
}
# On failure: the terminal's last lines, then end tmux.
pty_cleanup() {
    if ((tap_failed)) && [[ -n $SESSION ]]; then
        echo "# the terminal at the end:"
        pane | tail -n 60 | diag
    fi
    tm kill-server 2>/dev/null
}

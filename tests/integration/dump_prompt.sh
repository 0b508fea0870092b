#!/usr/bin/env bash
# lkdb VMLINUX VMCORE in a terminal, as a person uses it (issue: the first
# gdb-bound command typed after a pause hung forever, and Ctrl-C did not
# break it).  After the prompt, a 2 s pause, then gdb's commands answer:
# p jiffies, ptype (long: through the pager, q returns to the prompt),
# list panic, info registers, Tab completion; lkdb's commands piped and
# redirected; Ctrl-C breaks a long gdb command and the session goes on;
# Ctrl-D leaves, with no gdb or lkdb-dump-server left behind.  Times to
# the answer are printed as diagnostics (the benchmark has the figures).
# Ground truth: the dump's panic from the guest's console, System.map.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pty.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
D=$d/vmcore.elf
trap 'pty_cleanup; rm -rf "$TMP"' EXIT

start_pty dump "$LKDB_BIN" "$V" "$D"
poll 120 at_prompt || { pane | diag; bail_out "no prompt from lkdb on the dump"; }
check "the prompt appears, naming the dump" in_pane "^lkdb: $D \\[ELF\\]: Linux $LKDB_KVER"
lpid=$(pane_lkdb_pid)
sleep 2

run_cmd 'p jiffies'
check "after a pause, a gdb command answers (p jiffies)" answered_in '^\$[0-9]+ = [0-9]+$' 60
echo "# p jiffies answered ${ANSWER_MS:-?} ms after Enter"
run_cmd 'info registers rip'
check "info registers answers with the panicking CPU's rip" \
    wait_output '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <[a-z_]'

# Long output goes through the pager; q gives the prompt back.
run_cmd 'ptype struct task_struct'
check "a long answer stops in the pager (less)" \
    poll 30 bash -c "tmux -S '$SOCK' capture-pane -p -t '$SESSION' | grep -qE '^type = struct task_struct|^    [a-z].*;$' && tmux -S '$SOCK' capture-pane -p -t '$SESSION' | tail -n 1 | grep -qE '^:|\\(END\\)'"
think
keys q
check "q leaves the pager for the prompt" wait_last '^lkdb>$' 15
run_cmd 'list panic'
check "list panic answers from panic's source place (kernel/panic.c)" \
    wait_output 'kernel/panic\.c'

# Tab: a kernel symbol from gdb.
think
type_text 'p init_uts'
keys Tab
check "Tab completes a kernel symbol (init_uts -> init_uts_ns)" \
    wait_last '^lkdb> p init_uts_ns$'
clear_line
# After lkdb's own commands too: a symbol after rd, a type after struct.
think
type_text 'rd linux_ban'
keys Tab
check "Tab after rd completes a symbol (linux_ban -> linux_banner)" \
    wait_last '^lkdb> rd linux_banner$'
clear_line
think
type_text 'struct list_he'
keys Tab
check "Tab after struct completes a type (list_he -> list_head)" \
    wait_last '^lkdb> struct list_head$'
clear_line
# An lkdb command's option: from its synopsis only (gdb has a search
# command of its own, and offered every symbol after a '-').
think
mark
type_text 'search -'
keys Tab
sleep 0.3
keys Tab
options_listed() { since_mark | grep -qE '^--json +-c +-e +-h' && ! since_mark | grep -q 'Display all'; }
check "Tab Tab after search - lists its options only (not gdb's symbols)" \
    poll 10 options_listed
wait_last '^lkdb> search -$' 5
clear_line

# An lkdb command's argument: its own candidates (cache names, tree
# types, command names, task names, states), not gdb's symbols; none at
# all after timer.
tab_completes() { # TYPED WANTED
    think
    type_text "$1"
    keys Tab
    check "Tab after '$1' completes it to '$2'" wait_last "^lkdb> $2\$"
    clear_line
}
tab_completes 'kmem -s kmalloc-6' 'kmem -s kmalloc-64'
tab_completes 'tree -t ma' 'tree -t maple'
tab_completes 'help tim' 'help timer'
tab_completes 'ps swapp' 'ps swapper/'
tab_completes 'foreach U' 'foreach UN'
think
mark
type_text 'bt -c '
keys Tab
sleep 1
# One online CPU completes the word; several are listed on a second Tab.
if ! last_is '^lkdb> bt -c [0-9]+$'; then
    keys Tab
    sleep 1
fi
cpus_offered() {
    last_is '^lkdb> bt -c [0-9]+$' ||
        { since_mark | grep -qE '^[0-9] +[0-9]( +[0-9])* *$' && ! since_mark | grep -qE '[0-9]{2,}'; }
}
check "Tab after 'bt -c ' offers the online CPUs (not PIDs)" poll 10 cpus_offered
clear_line
think
mark
type_text 'timer '
keys Tab
sleep 0.3
keys Tab
nothing_offered() { sleep 2; ! since_mark | grep -qE 'Display all|^[a-z_]+ +[a-z_]+ +[a-z_]+'; }
check "Tab Tab after 'timer ' offers nothing (timer takes no symbol)" nothing_offered
wait_last '^lkdb> timer $' 5
clear_line

# lkdb's commands, piped and redirected as crash users do.
panic_pid=$(tr -d '\r' <"$d/console.log" | sed -n 's/.*CPU: [0-9]* PID: \([0-9]*\) Comm: sh .*/\1/p' | head -n 1)
run_cmd 'ps | grep " sh$"'
check "ps | grep: the shell that panicked (console: PID ${panic_pid:-?})" \
    wait_output "^> +${panic_pid:-none} .* sh\$"
run_cmd "bt -a > $TMP/bt.txt"
check "bt -a > FILE writes the backtraces to the file, not the terminal" \
    bash -c "$(declare -f poll); poll 20 grep -qE '^ *#[0-9]+ \\[[0-9a-f]{16}\\] sysrq_handle_crash at ' '$TMP/bt.txt'"
check "... and nothing of them in the terminal" not in_pane 'sysrq_handle_crash at '
run_cmd "sys >> $TMP/bt.txt"
check "sys >> FILE appends" poll 20 grep -q '^       PANIC: "Kernel panic - not syncing: sysrq triggered crash"' "$TMP/bt.txt"
run_cmd 'log | tail -n 2'
check "log | tail -n 2: the log's last lines" wait_output 'Kernel Offset: 0x[0-9a-f]+ from 0xffffffff81000000'

# Ctrl-C breaks a long gdb command; the session goes on.  gdb does not
# stop `info functions .` (it reads every DWARF unit without looking at
# its quit flag): lkdb ends it and a new gdb takes over, given what the
# session told the old one: a task context, module symbols, a setting.
read -r -a sleepers < <(tr -d '\r' <"$d/console.log" | grep -a -m1 '^LKDB-SLEEPERS:' | cut -d' ' -f3-)
s1=${sleepers[0]:-none}
run_cmd "task $s1"
check "task $s1 makes the sleeper the context" wait_output '^\$task = \(struct task_struct \*\)0x'
run_cmd "mod -s crashme $LKDB_CRASHME_KO"
check "mod -s crashme loads its symbols" wait_output 'crashme'
run_cmd 'p &crashme_write'
check "gdb knows crashme_write" wait_output '^\$[0-9]+ = .*<crashme_write>$'
run_cmd 'set print pretty on'
gdb_pid() { pgrep -x -P "$lpid" gdb | head -n 1; }
old_gdb=$(gdb_pid)
run_cmd 'info functions .'
sleep 2
mark
keys C-c
check "Ctrl-C breaks a long gdb command and the prompt comes back" \
    poll 30 seen_then_prompt 'interrupted \(Ctrl-C\)'
check "... and a new gdb takes the place of the one that did not stop" \
    seen '^lkdb: gdb: a new gdb takes its place'
check "the old gdb is gone (pid ${old_gdb:-none})" \
    poll 10 not kill -0 "${old_gdb:-1}"
new_gdb=$(gdb_pid)
check "a new gdb runs (pid ${new_gdb:-none})" test -n "$new_gdb" -a "$new_gdb" != "$old_gdb"
run_cmd 'p 6*7'
check "the session goes on after the interrupted command" answered_in '^\$[0-9]+ = 42$'
echo "# p 6*7 answered ${ANSWER_MS:-?} ms after Enter"
run_cmd 'p $task->pid'
check "the new gdb has \$task: the sleeper $s1" wait_output "^\\\$[0-9]+ = $s1\$"
run_cmd 'backtrace 12'
check "the new gdb's frames are the sleeper's (schedule, nanosleep)" \
    wait_output '^#[0-9]+ +(0x[0-9a-f]+ in )?(do_nanosleep|hrtimer_nanosleep) '
run_cmd 'p &crashme_write'
check "the new gdb has crashme's symbols" wait_output '^\$[0-9]+ = .*<crashme_write>$'
run_cmd 'show print pretty'
check "the new gdb has the user's setting (set print pretty on)" \
    wait_output '^Pretty formatting of structures is on\.$'
check "nothing of the given-up command's answer reached the terminal" \
    not in_pane '^All functions matching'

think
keys C-d
check "Ctrl-D leaves with status 0" poll 30 in_pane '^LKDB-EXITED 0$'
left_behind() { pgrep -f "lkdb-dump-server .*$D" || pgrep -P "${lpid:-1}"; }
check "no gdb or lkdb-dump-server is left behind" poll 10 not left_behind
check "the terminal's modes are as before lkdb" tty_restored

# gdb reads lkdb's copy of the vmlinux without its .rela.debug_* (mapped,
# not read whole) and answers from it as from the vmlinux: panic's line is
# addr2line's for panic's address in System.map.
id=$(readelf -n "$LKDB_VMLINUX" | awk '/Build ID:/ { print $3; exit }')
copy=${XDG_CACHE_HOME:-$HOME/.cache}/lkdb/gdb-vmlinux/$id.vmlinux
"$LKDB" -q "$LKDB_VMLINUX" "$d/vmcore.elf" -c 'maint info sections -all-objects' \
    -c 'info line panic' \
    >"$TMP/copy.out" 2>&1
check "the vmlinux has debug relocation sections (an x86_64 KASLR build)" \
    bash -c "readelf -SW '$LKDB_VMLINUX' | grep -q ' .rela.debug_info '"
check "gdb's copy of the vmlinux is in the cache, named by build-id" test -s "$copy"
check "gdb reads its symbols from the copy" grep -qF "Object file: \`$copy'" "$TMP/copy.out"
check "the copy's .rela.debug_info is NOBITS" \
    bash -c "readelf -SW '$copy' | grep -qE ' .rela.debug_info +NOBITS '"
panic_link=$(awk '$3 == "panic" { print $1; exit }' "$LKDB_SYSTEM_MAP")
want=$(addr2line -e "$LKDB_VMLINUX" "0x$panic_link" | sed 's/ .*//')
got=$(sed -n 's/^Line \([0-9]*\) of "\(.*\)" .*/\2:\1/p' "$TMP/copy.out" | head -n 1)
echo "# info line panic from the copy: $got; addr2line: $want"
check "info line panic from the copy is addr2line's line" \
    test -n "$got" -a "${want##*/}" = "${got##*/}"
done_testing

#!/usr/bin/env bash
# --stop-on: live stops on the kernel's other trouble reports, each on a
# guest of its own making (one guest, 256 MiB, KASLR on, crashme.ko):
#  - softlockup: kernel.watchdog_thresh=1, crashme "6" spins 8 s with
#    preemption off.  lkdb stops while the kernel reports ("BUG: soft
#    lockup" on the console, its "Modules linked in:" not yet); the title
#    is the console's line; RIP is crashme_spin, as the console's RIP line
#    once the guest goes on (gdb's frame is not selected: gdb does not
#    unwind from the IRQ stack to the interrupted task); its source line
#    (the module's DWARF names crashme.c) with two lines around.  A WARN first
#    (crashme "3") also calls print_modules(): no stop for it.
#  - hung-task: kernel.hung_task_timeout_secs=2, crashme "5" sleeps 15 s in
#    D state.  A sysrq-t first (sched_show_task() for every task): no stop.
#    The title is the console's "INFO: task sh:PID blocked ..." line, the
#    blocked task is that PID, its backtrace has msleep and crashme_write.
#  - rcu-stall: rcupdate.rcu_cpu_stall_timeout=3, crashme "6" again: the
#    title is one of the console's "rcu: INFO: ... stall" lines.
#  - oom: `tail /dev/zero` grows until the OOM killer runs: lkdb stops
#    before the kill; the victim it names is the PID and name of the
#    console's "Out of memory: Killed process PID (NAME)", the first of
#    its largest tasks; its memory summary's free figure is the free pages
#    of the kernel's own Mem-Info that follows.
#  - list corruption (crashme "7": CONFIG_DEBUG_LIST, a BUG under Debian's
#    CONFIG_BUG_ON_DATA_CORRUPTION): the oops stop's title is the
#    console's "list_add corruption. ..." line.
#  Ctrl-C while lkdb waits: where is everyone (a line per CPU, the D-state
#  count and its longest waiter: the task crashme "5" put to sleep).
#  After each stop the guest runs on (lkdb detached).  Bad input: an
#  unknown --stop-on kind is one line naming it.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
g=$(own_guest reports --mem 256 --sleepers 1) || exit 1
trap '"$GUEST_SH" stop "$g" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
port=$(guest_port "$g") || exit 1
console=$g/console.log
moddir=$(dirname "$LKDB_CRASHME_KO")
"$GUEST_SH" run "$g" 'insmod /crashme.ko' >/dev/null
con() { tr -d '\r' <"$console"; }
EXTRA=()
alive() { grep -q alive <("$GUEST_SH" run "$g" 'echo alive' 60); }

# stop_on KIND SECONDS GUEST-COMMAND: lkdb --wait --stop-on KIND, then the
# guest runs the command; lkdb's output in $TMP/KIND.{out,err}, the console
# as it was at the stop (the guest is held until lkdb detaches) in
# $TMP/KIND.at-stop, lkdb's exit status in $status.
stop_on() {
    # The sleep holds the guest stopped while the console is looked at.
    timeout 600 "$LKDB" -r ":$port" "$V" --wait --stop-on "$1" --module-path "$moddir" \
        -c 'info breakpoints' "${EXTRA[@]}" -c 'python import time; time.sleep(3)' \
        >"$TMP/$1.out" 2>"$TMP/$1.err" &
    local pid=$!
    wait_for "$TMP/$1.err" 'waiting for a panic' 60
    "$GUEST_SH" run --no-wait "$g" "$3"
    # No stop in time: lkdb is ended, and the checks fail, not the run.
    wait_for "$TMP/$1.out" '^\*\*\*$' "$2" || kill $pid
    con >"$TMP/$1.at-stop"
    wait $pid
    status=$?
    diag "$TMP/$1.out" "$TMP/$1.err"
}
# The report of KIND's run: the lines from "*** TITLE" to "***".
report() { sed -n "/^\*\*\* $1 on CPU/,/^\*\*\*\$/p" "$TMP/$2.out"; }
title() { sed -n "s/^\*\*\* $1 on CPU [0-9]*: //p" "$TMP/$2.out"; }

# --- soft lockup -------------------------------------------------------------
"$GUEST_SH" run "$g" 'echo 1 > /proc/sys/kernel/watchdog_thresh' >/dev/null
stop_on softlockup 120 'echo 3 > /proc/crashme; echo LKDB-SPIN >/dev/console; echo 6 > /proc/crashme'
wait_for "$console" 'RIP: 0010:crashme_spin' 60
after=$(con | sed -n '/LKDB-SPIN/,$p')
con_title=$(grep -m1 -aoE '(watchdog: )?BUG: soft lockup - CPU#[0-9]+ stuck for [0-9]+s! \[[^]]*\]' <<<"$after")
echo "# console: $con_title"
r=$(report 'Soft lockup' softlockup)
check "softlockup: one report, lkdb exits 0 after its commands" \
    bash -c "test $status = 0 && test \$(grep -c '^\*\*\* ' '$TMP/softlockup.out') = 1"
check "softlockup: the WARN before it (print_modules from __warn) did not stop lkdb: its WARNING is out before the spin" \
    grep -q 'WARNING: CPU: ' <(sed -n '1,/LKDB-SPIN/p' "$TMP/softlockup.at-stop")
check "softlockup: the title is the console's line (${con_title:-none})" \
    test -n "$con_title" -a "$(title 'Soft lockup' softlockup)" = "$con_title"
# (6.12 may print the BUG line on the console only after the stop: the
# console is not asked for it, only for the report's next line.)
check "softlockup: stopped inside the kernel's report (the console has no 'Modules linked in' for it yet)" \
    bash -c "! sed -n '/LKDB-SPIN/,\$p' '$TMP/softlockup.at-stop' | grep -q 'Modules linked in'"
check "softlockup: RIP is where the CPU was stuck, crashme_spin [crashme] with its source line" \
    grep -qE '^    RIP: 0010:crashme_spin(\.[a-z0-9.]+)?\+0x[0-9a-f]+/0x[0-9a-f]+ \[crashme\]  .*crashme\.c:[0-9]+$' <<<"$r"
# in_order TEXT WORD...: each WORD on a line after the previous one's.
in_order() {
    local text=$1 w
    shift
    for w in "$@"; do
        grep -q -- "$w" <<<"$text" || return 1
        text=$(sed -n "/$w/,\$p" <<<"$text" | tail -n +2)
    done
}
# The culprit's source line, marked, with two lines around it, as the file has them.
source_shown() {
    local file line
    read -r file line < <(sed -nE 's/^    RIP: 0010:crashme_spin.*  (\/.*crashme\.c):([0-9]+)$/\1 \2/p' <<<"$r")
    [[ -n $line && -f $file ]] || return 1
    grep -qxF -- "  > $(printf '%5u' "$line")  $(sed -n "${line}p" "$file")" <<<"$r" &&
        grep -qxF -- "    $(printf '%5u' $((line + 2)))  $(sed -n "$((line + 2))p" "$file")" <<<"$r"
}
check "softlockup: the source section marks crashme_spin's line, two lines around it" source_shown
check "softlockup: the backtrace goes from the timer interrupt to crashme_spin and crashme_write" \
    in_order "$(sed -n '/^--- backtrace/,/^--- registers/p' <<<"$r")" watchdog_timer_fn crashme_spin crashme_write
check "softlockup: the guest runs on after the stop" alive

# --- hung task ---------------------------------------------------------------
"$GUEST_SH" run "$g" 'echo 2 > /proc/sys/kernel/hung_task_timeout_secs' >/dev/null
stop_on hung-task 180 'echo t > /proc/sysrq-trigger; echo LKDB-SYSRQ-T-DONE >/dev/console; (echo 5 > /proc/crashme) & echo LKDB-HUNG-PID: $! >/dev/console'
hung_pid=$(con | sed -n 's/.*LKDB-HUNG-PID: \([0-9]*\).*/\1/p' | tail -n 1)
wait_for "$console" "INFO: task sh:${hung_pid:-none} blocked for more than" 60
con_title=$(con | grep -m1 -aoE "INFO: task sh:${hung_pid:-none} blocked for more than [0-9]+ seconds\.")
echo "# console: $con_title"
r=$(report 'Hung task' hung-task)
check "hung-task: sysrq-t (sched_show_task for every task) ran through without a stop" \
    bash -c "grep -q LKDB-SYSRQ-T-DONE '$TMP/hung-task.at-stop' && test \$(grep -c '^\*\*\* ' '$TMP/hung-task.out') = 1"
check "hung-task: lkdb exits 0 after its commands" test $status = 0
check "hung-task: the title is the console's line (${con_title:-none})" \
    test -n "$con_title" -a "$(title 'Hung task' hung-task)" = "$con_title"
check "hung-task: the blocked task is the one the console names (sh, PID ${hung_pid:-none}, UN)" \
    grep -qE "^    blocked: sh \\(pid ${hung_pid:-none}\\)  TASK: [0-9a-f]{16}  UN\$" <<<"$r"
check "hung-task: its backtrace is where it waits: msleep called from crashme_write" \
    in_order "$(sed -n '/backtrace (blocked task/,/last log/p' <<<"$r")" msleep crashme_write
check "hung-task: the guest runs on after the stop" alive

# --- RCU stall ---------------------------------------------------------------
"$GUEST_SH" run "$g" 'echo 3 > /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout' >/dev/null
# The report's source line comes from Debian's linux-source of this
# release, which lkdb unpacks into its cache (once: the wait allows for it).
xy=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$LKDB_KVER")
tarball=/usr/src/linux-source-$xy.tar.xz
[[ -f $tarball ]] || "$LKDB_SCRIPTS/install-deps.sh" --only "linux-source-$xy" >"$TMP/install" 2>&1 || diag "$TMP/install"
EXTRA=(-c 'list rcu_check_gp_kthread_starvation')
stop_on rcu-stall 420 'echo LKDB-STALL >/dev/console; echo 6 > /proc/crashme'
EXTRA=()
wait_for "$console" 'rcu: INFO: .*stall' 60
t=$(title 'RCU stall' rcu-stall)
echo "# lkdb's title: $t"
check "rcu-stall: lkdb exits 0 after its report and commands" \
    bash -c "test $status = 0 && test \$(grep -c '^\*\*\* ' '$TMP/rcu-stall.out') = 1"
this_stall() { [[ $t == 'rcu: INFO: '*stall* ]] && grep -qF -- "$t" <(con | sed -n '/LKDB-STALL/,$p'); }
check "rcu-stall: the title is a console line of this stall" this_stall
if [[ -f $tarball ]]; then
    r=$(report 'RCU stall' rcu-stall)
    # Ground truth: addr2line of the stop's function, that line of the tarball.
    a=$(awk '$3 == "rcu_check_gp_kthread_starvation" { print $1; exit }' "$LKDB_SYSTEM_MAP")
    loc=$(addr2line -e "$V" "0x$a" | sed 's/ (discriminator .*//')
    rel=$(sed -E 's|^.*/build_[^/]*/||; s|:[0-9]+$||' <<<"$loc")
    line=${loc##*:}
    want=$(tar -xJOf "$tarball" "linux-source-$xy/$rel" | sed -n "${line}p")
    echo "# addr2line: $loc; the tarball's line: $want"
    check "rcu-stall: the source section is $rel:$line of Debian's linux-source-$xy, marked" \
        grep -qxF -- "  > $(printf '%5u' "$line")  $want" <<<"$r"
    check "rcu-stall: after the report gdb's list finds the tree's files" \
        grep -qE '^[0-9]+[[:space:]]+static void rcu_check_gp_kthread_starvation\(void\)' "$TMP/rcu-stall.out"
else
    ok 0 "rcu-stall: the source section from Debian's linux-source-$xy # SKIP no $tarball (no such package for this release)"
    ok 0 "rcu-stall: gdb's list finds the tree's files # SKIP no $tarball"
fi
check "rcu-stall: the guest runs on after the stop" alive

# --- Ctrl-C: where is everyone ---------------------------------------------
# A task sleeps in D state (crashme "5", 15 s); Ctrl-C a few seconds later.
timeout 120 "$LKDB" -r ":$port" "$V" --wait -c 'p 6*7' >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
wait_for "$TMP/int.err" 'waiting for a panic' 60
"$GUEST_SH" run "$g" '(echo 5 > /proc/crashme) & echo LKDB-D-PID: $! >/dev/console; sleep 4' 60 >/dev/null
kill -INT $pid
wait $pid
status=$?
diag "$TMP/int.out" "$TMP/int.err"
d_pid=$(con | sed -n 's/.*LKDB-D-PID: \([0-9]*\).*/\1/p' | tail -n 1)
cpus=$("$GUEST_SH" run "$g" 'grep -c ^processor /proc/cpuinfo' | tr -dc '0-9')
summary=$(sed -n '/^--- where is everyone ---$/,/D state:/p' "$TMP/int.out")
check "Ctrl-C: a summary, then the commands (exit 0)" \
    test $status = 0 -a -n "$summary" -a -n "$(grep '= 42' "$TMP/int.out")"
check "Ctrl-C: a line per CPU of the guest's ($cpus), each with its task and top frames" \
    test "$(grep -cE '^    CPU [0-9]+: .+ \(pid [0-9]+\)  [a-z_]' <<<"$summary")" = "${cpus:-none}"
check "Ctrl-C: the D-state task (sh, PID ${d_pid:-none}) is the longest waiter, for 2 s or more" \
    grep -qE "^    D state: [0-9]+ tasks?, the longest sh \(pid ${d_pid:-none}\) last scheduled in ([2-9]|[1-9][0-9])\.[0-9]{3} s ago" <<<"$summary"

# --- list corruption: an oops (BUG_ON_DATA_CORRUPTION), stopped as one ---
stop_on warn 120 'echo LKDB-LIST >/dev/console; echo 7 > /proc/crashme'
wait_for "$console" 'list_add corruption' 60
# (the only one of this guest; the shell's marker may reach the console
# after the kernel's first lines)
con_title=$(con | grep -aoE 'list_add corruption\..*' | tail -n 1)
echo "# console: $con_title"
r=$(report 'Kernel oops' warn)
check "list corruption: lkdb exits 0 after its report" test $status = 0 -a -n "$r"
check "list corruption: the title is the console's list_add corruption line" \
    test -n "$con_title" -a "$(title 'Kernel oops' warn)" = "$con_title"
check "list corruption: the backtrace has __list_add_valid called from crashme_corrupt_list" \
    in_order "$(sed -n '/^--- backtrace/,/^--- registers/p' <<<"$r")" __list_add_valid crashme_corrupt_list crashme_write
check "list corruption: the guest runs on after the stop" alive

# --- OOM kill ----------------------------------------------------------------
stop_on oom 180 'echo LKDB-OOM >/dev/console; tail /dev/zero'
wait_for "$console" 'Out of memory: Killed process' 120
read -r con_pid con_comm < <(con | sed -n '/LKDB-OOM/,$p' |
    sed -nE 's/.*Out of memory: Killed process ([0-9]+) \(([^)]*)\).*/\1 \2/p' | head -n 1)
echo "# console: killed $con_pid ($con_comm)"
r=$(report 'Out of memory' oom)
check "oom: lkdb exits 0 after its report and commands" \
    bash -c "test $status = 0 && test \$(grep -c '^\*\*\* ' '$TMP/oom.out') = 1"
check "oom: stopped before the kill (the console had no 'Killed process' at the stop)" \
    test -n "$r" -a -z "$(sed -n '/LKDB-OOM/,$p' "$TMP/oom.at-stop" | grep 'Killed process')"
check "oom: the title names the victim the console says was killed (${con_pid:-none}, ${con_comm:-none})" \
    test "$(title 'Out of memory' oom)" = "Out of memory: killing process ${con_pid:-none} (${con_comm:-none})"
check "oom: the victim line names that process" \
    grep -qE "^    victim: ${con_comm:-none} \\(pid ${con_pid:-none}\\)" <<<"$r"
# The kernel's own report, printed after the stop: its Mem-Info line's
# free pages (global NR_FREE_PAGES) against lkdb's free figure, within 2 %.
k_free=$(con | sed -n '/LKDB-OOM/,$p' | sed -nE 's/.* free:([0-9]+) free_pcp:.*/\1/p' | head -n 1)
l_free=$(sed -nE 's/^    memory: total [0-9]+ kB, free ([0-9]+) kB.*/\1/p' <<<"$r")
echo "# free: the kernel's report ${k_free:-?} pages, lkdb's ${l_free:-?} kB"
check "oom: the memory summary's free figure is the kernel's Mem-Info free (within 2 %)" \
    bash -c "test -n '$k_free' -a -n '$l_free' && d=\$(( $l_free / 4 - $k_free )) && test \$(( (d < 0 ? -d : d) * 50 )) -le $k_free"
check "oom: it is the first of the largest tasks by RSS" \
    grep -qE "^ +${con_pid:-none}  ${con_comm:-none} " <(grep -A1 'largest tasks by RSS' <<<"$r")
check "oom: the guest runs on after the stop" alive

# --- bad input ---------------------------------------------------------------
"$LKDB" -r ":$port" "$V" --stop-on oom,lockup -c 'p 1' >"$TMP/bad.out" 2>&1
status=$?
diag "$TMP/bad.out"
check "an unknown --stop-on kind: one line naming it, exit 2" \
    bash -c "test $status = 2 && test \$(wc -l <'$TMP/bad.out') = 1 && grep -q 'unknown kind \"lockup\"' '$TMP/bad.out'"
done_testing

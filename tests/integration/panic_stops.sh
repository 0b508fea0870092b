#!/usr/bin/env bash
# Panic stops on a live guest with KASLR on (one guest of its own, which
# ends panicked):
#  - Ctrl-C while lkdb --wait waits stops the guest; the -c commands run;
#    the guest runs on after lkdb detaches;
#  - a WARN (crashme's WARN_ON) stops lkdb with --break-on-warn: the
#    report names the WARN's task, its RIP and source line as the console
#    shows them; without --break-on-warn lkdb --wait waits on through it;
#  - the crashme module's NULL dereference stops lkdb in the oops path:
#    the report names crashme_write at the offset the console's RIP line
#    shows, its source line from the module's debug info (the line in
#    scripts/crashme/crashme.c), CPU, task and PID as the console's oops;
#  - after continue, sysrq c stops lkdb in panic(): the message, panic()'s
#    caller sysrq_handle_crash, the task (its PID written to the console
#    by the shell itself), the last log lines as the console has them;
#  - no breakpoint is left (after detach the guest runs through the
#    places lkdb stopped at);
#  - attached to the panicked guest afterwards, sys names the panic;
#  - a breakpoint on a module's init function set before the module
#    exists hits when the guest inserts it; after rmmod its symbols are gone;
#  - QEMU killed while lkdb waits: a message and exit, not a hang.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
g=$(own_guest panic --sleepers 1) || exit 1
port=$(guest_port "$g") || exit 1
console=$g/console.log
moddir=$(dirname "$LKDB_CRASHME_KO")

# --- Ctrl-C while waiting --------------------------------------------------
timeout 120 "$LKDB" -r ":$port" "$V" --wait -c 'p 6*7' >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
wait_for "$TMP/int.err" 'waiting for a panic' 60
kill -INT $pid
wait $pid
status=$?
diag "$TMP/int.out" "$TMP/int.err"
check "Ctrl-C while waiting: the guest stops, the commands run (exit 0)" \
    bash -c "test $status = 0 && grep -q '= 42' '$TMP/int.out'"
check "Ctrl-C while waiting: lkdb says it stopped" grep -q 'stopped (interrupted)' "$TMP/int.err"
check "Ctrl-C while waiting: the guest runs on after detach" \
    bash -c "'$GUEST_SH' run '$g' 'echo alive' 10 | grep -q alive"

# --- module symbols follow insmod and rmmod --------------------------------
# A breakpoint on the init function of a module not yet loaded hits when the
# guest inserts it (lkdb's silent stop in do_init_module loads its symbols
# first); after rmmod (lkdb's stop in free_module) gdb no longer knows them.
timeout 120 "$LKDB" -r ":$port" "$V" --no-wait --module-path "$moddir" \
    -c 'set breakpoint pending on' -c 'break crashme_init' -c continue \
    -c 'p &crashme_write' >"$TMP/ins.out" 2>"$TMP/ins.err" &
pid=$!
wait_for "$TMP/ins.out" '^Continuing\.' 60
"$GUEST_SH" run "$g" 'insmod /crashme.ko' >/dev/null
wait $pid
status=$?
diag "$TMP/ins.out" "$TMP/ins.err"
kallsyms_write=$("$GUEST_SH" run "$g" "grep -w crashme_write /proc/kallsyms" |
                 tr -d '\r' | awk '$3 == "crashme_write" { print $1 }' | head -1)
check "insmod after attach: the breakpoint on crashme_init hits" \
    bash -c "test $status = 0 && grep -qE '^Breakpoint [0-9]+, crashme_init \(' '$TMP/ins.out'"
check "insmod after attach: lkdb's own stop in do_init_module is not shown" \
    bash -c "! grep -q do_init_module '$TMP/ins.out'"
check "insmod after attach: crashme_write is where the guest's kallsyms has it" \
    grep -qE "^\\\$[0-9]+ = .* 0x${kallsyms_write:-none} <crashme_write>\$" "$TMP/ins.out"

timeout 120 "$LKDB" -r ":$port" "$V" --no-wait --module-path "$moddir" \
    -c 'mod -s crashme' -c 'p &crashme_write' -c continue -c 'p &crashme_write' \
    >"$TMP/rm.out" 2>"$TMP/rm.err" &
pid=$!
wait_for "$TMP/rm.out" '^Continuing\.' 60
"$GUEST_SH" run "$g" 'rmmod crashme' >/dev/null
kill -INT $pid
wait $pid
diag "$TMP/rm.out" "$TMP/rm.err"
# Before continue gdb knew crashme_write where kallsyms had it; after the
# rmmod the same print fails.
before_continue() { sed '/^Continuing\./q' "$TMP/rm.out"; }
symbols_gone() {
    ! sed '1,/^Continuing\./d' "$TMP/rm.out" | grep -q crashme_write &&
        grep -q 'No symbol "crashme_write"' "$TMP/rm.err"
}
check "rmmod: before it, gdb knows crashme_write at its kallsyms address" \
    grep -qE "^\\\$[0-9]+ = .* 0x${kallsyms_write:-none} <crashme_write>\$" <(before_continue)
check "rmmod: the module's symbols are dropped (gdb no longer knows crashme_write)" \
    symbols_gone
check "rmmod: lkdb's own stop in free_module is not shown" \
    bash -c "! grep -q free_module '$TMP/rm.out'"
# Detached, nothing of lkdb's stays in QEMU: the guest inserts and removes
# the module (do_init_module, free_module) without stopping.
check "after detach no breakpoint is left: insmod and rmmod run through" \
    bash -c "'$GUEST_SH' run '$g' 'insmod /crashme.ko && rmmod crashme && echo alive' 20 | grep -q alive"

# --- WARN: a stop with --break-on-warn only ----------------------------------
# Writing "3" to /proc/crashme runs WARN_ON(1); the kernel prints its
# "WARNING: CPU: C PID: P at FILE:LINE" and goes on.
"$GUEST_SH" run "$g" 'insmod /crashme.ko' >/dev/null
warn_src=$(grep -n 'WARN_ON(1);' "$LKDB_SCRIPTS/crashme/crashme.c" | cut -d: -f1)
timeout 120 "$LKDB" -r ":$port" "$V" --wait -c 'p 6*7' >"$TMP/nowarn.out" 2>"$TMP/nowarn.err" &
pid=$!
wait_for "$TMP/nowarn.err" 'waiting for a panic' 60
# The shell's next command runs only once the WARN is over: the guest was
# not held in __warn.
"$GUEST_SH" run "$g" 'echo 3 > /proc/crashme; echo LKDB-WARNED' 60 >"$TMP/nowarn.run" 2>&1
wait_for_count "$console" '---\[ end trace' 1 60
kill -INT $pid
wait $pid
status=$?
diag "$TMP/nowarn.out" "$TMP/nowarn.err"
check "without --break-on-warn: the guest runs through a WARN (the shell goes on)" \
    grep -qx LKDB-WARNED "$TMP/nowarn.run"
check "without --break-on-warn: lkdb --wait is still waiting after the WARN (no report; Ctrl-C stops it)" \
    bash -c "test $status = 0 && ! grep -q '^\*\*\* ' '$TMP/nowarn.out' &&
             grep -q 'stopped (interrupted)' '$TMP/nowarn.err' && grep -q '= 42' '$TMP/nowarn.out'"

timeout 120 "$LKDB" -r ":$port" "$V" --wait --break-on-warn --module-path "$moddir" \
    -c 'info breakpoints' >"$TMP/warn.out" 2>"$TMP/warn.err" &
pid=$!
wait_for "$TMP/warn.err" 'waiting for a panic' 60
"$GUEST_SH" run --no-wait "$g" 'echo LKDB-WARN-PID: $$ >/dev/console; echo 3 > /proc/crashme'
wait $pid
status=$?
diag "$TMP/warn.out" "$TMP/warn.err"
# The kernel prints the WARN once lkdb has detached.
wait_for_count "$console" 'WARNING: CPU: ' 2 60
# This WARN's lines: those after the shell's marker.
# (the marker may share its line with a kernel message on the console)
warn_con=$(tr -d '\r' <"$console" | sed -n '/LKDB-WARN-PID: /,$p')
warn_pid=$(sed -n '1s/.*LKDB-WARN-PID: \([0-9]*\).*/\1/p' <<<"$warn_con")
read -r con_cpu con_pid < <(grep -m1 -a 'WARNING: CPU: ' <<<"$warn_con" |
    sed -nE 's/.*WARNING: CPU: ([0-9]+) PID: ([0-9]+) at .*/\1 \2/p')
con_rip=$(grep -m1 -aoE 'RIP: 0010:crashme_write\+0x[0-9a-f]+' <<<"$warn_con" | sed 's/RIP: 0010://')
echo "# console: WARNING on CPU $con_cpu by PID $con_pid (the shell: $warn_pid), RIP $con_rip; WARN_ON at crashme.c:$warn_src"
report=$(sed -n '/^\*\*\* Kernel warning/,/^\*\*\*$/p' "$TMP/warn.out")
reason=$(sed -n 's/^\*\*\* Kernel warning on CPU [0-9]*: //p' <<<"$report")
check "--break-on-warn: the WARN stops lkdb, the commands run after the report (exit 0)" \
    bash -c "test $status = 0 && grep -q '^\*\*\* Kernel warning on CPU ${con_cpu:-none}: ' '$TMP/warn.out' &&
             grep -qE '^[0-9]+ +hw breakpoint +keep y .* in __warn ' '$TMP/warn.out'"
this_warning() {
    [[ $reason == *crashme.c:$warn_src* ]] &&
        [[ $reason != *"PID: "* || $reason == *"PID: $con_pid "* ]]
}
check "--break-on-warn: the reason is this WARN's (crashme.c:$warn_src${con_pid:+, PID $con_pid if named})" this_warning
check "--break-on-warn: the report's task is the shell that wrote (PID $warn_pid)" \
    grep -qE "task: sh \(pid ${warn_pid:-none}\)" <<<"$report"
check "--break-on-warn: RIP is the console's, with crashme.c:$warn_src" \
    grep -qE "RIP: 0010:$(sed 's/+/\\+/' <<<"$con_rip")/0x[0-9a-f]+ \[crashme\] .*crashme\.c:$warn_src\$" <<<"$report"
check "--break-on-warn: after detach the guest finishes the WARN and runs" \
    bash -c "'$GUEST_SH' run '$g' 'echo alive' 20 | grep -q alive"

# --- oops, continue, panic -------------------------------------------------
traces=$(grep -ac -- '---\[ end trace' "$console")
timeout 300 "$LKDB" -r ":$port" "$V" --wait --timing --module-path "$moddir" \
    -c 'info breakpoints' -c continue -c 'info breakpoints' \
    >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for "$TMP/err" 'waiting for a panic' 60
"$GUEST_SH" run --no-wait "$g" 'echo 1 > /proc/crashme'
wait_for "$TMP/out" '^\*\*\*$' 60
# The kernel prints its oops once lkdb lets it go on (continue).
wait_for_count "$console" '---\[ end trace' $((traces + 1)) 60
"$GUEST_SH" run --no-wait "$g" 'echo LKDB-PANIC-PID: $$ >/dev/console; echo c >/proc/sysrq-trigger'
wait $pid
status=$?
diag "$TMP/out" "$TMP/err"
check "lkdb --wait with two stops exits 0" test $status = 0

oops=$(sed -n '/^\*\*\* Kernel oops/,/^\*\*\*$/p' "$TMP/out")
panic=$(sed -n '/^\*\*\* Kernel panic/,/^\*\*\*$/p' "$TMP/out")
con=$(tr -d '\r' <"$console")

# Ground truth for the oops: the kernel's own lines on the console.
con_bug=$(grep -m1 -o 'BUG: kernel NULL pointer dereference.*' <<<"$con")
con_rip=$(grep -A30 'BUG: kernel NULL' <<<"$con" | grep -m1 -oE 'RIP: 0010:crashme_write\+0x[0-9a-f]+' |
    sed 's/RIP: 0010://')
read -r con_cpu con_pid con_comm < <(grep -m1 -A12 'BUG: kernel NULL' <<<"$con" |
    sed -nE 's/.*CPU: ([0-9]+) PID: ([0-9]+) Comm: ([^ ]+).*/\1 \2 \3/p' | head -1)
src_line=$(grep -n 'store through NULL' "$LKDB_SCRIPTS/crashme/crashme.c" | cut -d: -f1)
echo "# console: $con_bug / $con_rip / CPU $con_cpu PID $con_pid $con_comm; source line $src_line"
check "oops report: the reason is the console's BUG line" \
    grep -qF "*** Kernel oops on CPU $con_cpu: $con_bug" <<<"$oops"
check "oops report: the console's task and PID" \
    grep -qE "task: $con_comm \(pid $con_pid\)" <<<"$oops"
# The kernel's own words: crashme_write+0xOFF/0xSIZE [crashme].
con_rip_full=$(grep -A30 'BUG: kernel NULL' <<<"$con" |
    grep -m1 -oE 'RIP: 0010:crashme_write\+0x[0-9a-f]+/0x[0-9a-f]+ \[crashme\]' | sed 's/RIP: 0010://')
check "oops report: the faulting function, offset and size as the console's RIP" \
    grep -qF "RIP: 0010:${con_rip_full:-none}  " <<<"$oops"
check "oops report: file:line from the module's debug info" \
    grep -qE "RIP: .*crashme\.c:$src_line\$" <<<"$oops"
check "oops report: the backtrace passes page_fault_oops" grep -qE '\] page_fault_oops at ' <<<"$oops"
check "oops report: the exception frame names the console's RIP" \
    grep -qE "^    \[exception RIP: $(sed 's/+/\\+/' <<<"$con_rip")/0x[0-9a-f]+ \[crashme\]\]" <<<"$oops"
check "oops report: the backtrace ends at the entry with write(2)'s user registers" \
    grep -qxE '    ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b' <<<"$oops"
check "oops report: the registers where it faulted" \
    grep -qE "^ +RIP: 0010:ffffffffc" <<<"$oops"
check "oops report: the last log lines end with the console's oops lines" \
    grep -qF "#PF: error_code(0x0002) - not-present page" <<<"$oops"

panic_pid=$(sed -n 's/^LKDB-PANIC-PID: \([0-9]*\).*/\1/p' <<<"$con" | tail -1)
echo "# console: panic by PID $panic_pid"
check "panic report: the message" \
    grep -qE '^\*\*\* Kernel panic on CPU [0-9]+: Kernel panic - not syncing: sysrq triggered crash$' <<<"$panic"
check "panic report: the task that wrote to sysrq-trigger" \
    grep -qE "task: sh \(pid $panic_pid\)" <<<"$panic"
check "panic report: panic() called from sysrq_handle_crash with its source line" \
    grep -qE 'panic\(\) called from: sysrq_handle_crash\+0x[0-9a-f]+/0x[0-9a-f]+  drivers/tty/sysrq.c:[0-9]+$' <<<"$panic"
check "panic report: the backtrace through panic and sysrq_handle_crash" \
    bash -c "grep -qE '^ *#[0-9]+ \[[0-9a-f]{16}\] panic at ' <<<\"\$1\" && grep -qE '^ *#[0-9]+ \[[0-9a-f]{16}\] sysrq_handle_crash at ' <<<\"\$1\"" _ "$panic"
check "panic report: the backtrace ends at the entry with write(2)'s user registers" \
    grep -qxE '    ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b' <<<"$panic"
check "panic report: the last log lines are the console's" \
    bash -c "grep -qF 'sysrq: Trigger a crash' <<<\"\$1\" && grep -qF '] Kernel panic - not syncing: sysrq triggered crash' <<<\"\$1\"" _ "$panic"
check "the console has those lines too" \
    grep -qF 'Kernel panic - not syncing: sysrq triggered crash' <<<"$con"
check "lkdb's breakpoints: panic and __die, hardware" \
    test "$(grep -cE '^[0-9]+ +hw breakpoint +keep y .* in (panic|__die) ' "$TMP/out")" = 4
# How fast is for scripts/bench-panic-report.sh; here only a figure.
times=$(sed -n 's/^lkdb: timing: .* report printed \([0-9.]*\) s after the stop.*/\1/p' "$TMP/err")
echo "# report times (s): $(tr '\n' ' ' <<<"$times")"

# The panicked kernel, live: sys names the panic (panic_cpu is set).
"$GUEST_SH" wait "$g" 'end Kernel panic' 60 >/dev/null
"$LKDB" -q -r ":$port" "$V" -c sys >"$TMP/sys.out" 2>"$TMP/sys.err"
diag "$TMP/sys.err"
check "live sys on the panicked guest shows the console's panic message" \
    grep -qxF '       PANIC: "Kernel panic - not syncing: sysrq triggered crash"' "$TMP/sys.out"

# --- QEMU dies while lkdb waits -------------------------------------------
timeout 120 "$LKDB" -r ":$port" "$V" --wait -c 'p 1' >"$TMP/lost.out" 2>"$TMP/lost.err" &
pid=$!
wait_for "$TMP/lost.err" 'waiting for a panic' 60
start=$SECONDS
"$GUEST_SH" stop "$g" >/dev/null 2>&1
wait $pid
status=$?
diag "$TMP/lost.err"
echo "# lkdb ended $((SECONDS - start)) s after QEMU was killed, status $status"
check "QEMU killed while waiting: lkdb ends by itself with status 1" test $status = 1
check "QEMU killed while waiting: it says the target went away" grep -q 'went away' "$TMP/lost.err"
check "QEMU killed while waiting: no command ran" bash -c "! grep -q '= 1' '$TMP/lost.out'"
done_testing

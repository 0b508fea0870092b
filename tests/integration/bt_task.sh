#!/usr/bin/env bash
# bt and task, live and on a dump of a panicked guest.  Ground truth: the
# console's LKDB-SLEEPERS (sleep processes, in nanosleep) and the panic
# (sysrq c: the shell "sh" panics in sysrq_handle_crash).
#   live: bt -a (a header per CPU), bt 1 (init sleeps in wait: through
#         schedule, or the one-line "needs a dump" error), task 1, errors
#   dump: bt SLEEPER goes through schedule and the nanosleep path, bt -a
#         shows sh with sysrq_handle_crash and panic, bt 99999 and bt zzz
#         are one-line errors, task PID and task + p $task->pid
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
g=''
cleanup() {
    [[ -z $g ]] || "$GUEST_SH" stop "$g" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

if ! grep -q 'qemu_fw_cfg' "$LKDB_KERNEL_DIR/boot-modules.list" 2>/dev/null; then
    echo "1..0 # SKIP qemu_fw_cfg is not loaded at boot: the dump would have no VMCOREINFO"
    exit 0
fi
g=$(own_guest bt --sleepers 2 --mem 256)
port=$(guest_port "$g")
read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$g/console.log" | tr -d '\r' | cut -d' ' -f2-)
sleepers=("${sleepers[@]:1}")
echo "# sleepers: ${sleepers[*]}"
[[ ${#sleepers[@]} -ge 1 ]] || { echo "Bail out! no LKDB-SLEEPERS on the console"; exit 1; }
s1=${sleepers[0]}
ncpus=$("$GUEST_SH" run "$g" 'grep -c ^processor /proc/cpuinfo' | tr -d '\r' | tail -1)

# lkdb NAME ARGS...: output in $TMP/NAME.out and .err, status in $TMP/NAME.st
lkdb() {
    local name=$1
    shift
    timeout 300 "$LKDB" -q "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    echo $? >"$TMP/$name.st"
    diag "$TMP/$name.out" "$TMP/$name.err"
}
st() { cat "$TMP/$1.st"; }
one_line_error() { # NAME TEXT
    test "$(st "$1")" != 0 -a "$(wc -l <"$TMP/$1.err")" = 1 &&
        grep -qF -- "$2" "$TMP/$1.err"
}
header_re='^PID: +[0-9]+ +TASK: +[0-9a-f]{16} +CPU: +[0-9-]+ +COMMAND: "'

# --- live --------------------------------------------------------------------
lkdb live-all -r ":$port" "$V" -c 'bt -a'
check "live: bt -a exits 0" test "$(st live-all)" = 0
check "live: bt -a has one crash header per CPU ($ncpus)" \
    test "$(grep -cE "$header_re" "$TMP/live-all.out")" = "$ncpus"
check "live: bt -a shows frames" grep -q '^#1 ' "$TMP/live-all.out"

lkdb live-bt1 -r ":$port" "$V" -c 'bt 1'
check "live: bt 1 has init's header" \
    grep -qE '^PID: +1 +TASK: +[0-9a-f]{16} +CPU: +[0-9-]+ +COMMAND: "init"' "$TMP/live-bt1.out"
if [[ $(st live-bt1) == 0 ]]; then
    check "live: bt 1 goes through schedule" grep -qE ' in (__)?schedule ' "$TMP/live-bt1.out"
else
    check "live: bt 1 (sleeping) is a clear one-line error" \
        one_line_error live-bt1 'bt of a sleeping task needs a dump'
fi

lkdb live-task -r ":$port" "$V" -c 'task 1' -c 'p $task->pid'
check "live: task 1 exits 0" test "$(st live-task)" = 0
check "live: task 1 prints init's header, STATE and \$task" \
    bash -c "grep -qE '^PID: +1 .*COMMAND: \"init\"' '$TMP/live-task.out' &&
             grep -q '^STATE: ' '$TMP/live-task.out' && grep -qx '\\\$1 = 1' '$TMP/live-task.out'"
lkdb live-bad -r ":$port" "$V" -c 'bt 99999'
check "live: bt 99999 is a one-line error naming the PID" \
    one_line_error live-bad 'no task with PID 99999'

# --- panic, dump -------------------------------------------------------------
"$GUEST_SH" run "$g" --no-wait 'echo c > /proc/sysrq-trigger' >/dev/null 2>&1
"$GUEST_SH" wait "$g" 'end Kernel panic' 60 >/dev/null ||
    { echo "Bail out! the guest did not panic"; exit 1; }
# The panicked kernel, live: sys names the panic (panic_cpu is set).
"$LKDB" -q -r ":$(guest_port "$g")" "$V" -c sys >"$TMP/sys.out" 2>"$TMP/sys.err"
diag "$TMP/sys.err"
check "live sys on the panicked guest shows the console's panic message" \
    grep -qxF '       PANIC: "Kernel panic - not syncing: sysrq triggered crash"' "$TMP/sys.out"
"$GUEST_SH" dump "$g" "$TMP/vmcore.elf" --format elf >/dev/null 2>"$TMP/dump.err" ||
    { diag "$TMP/dump.err"; echo "Bail out! no dump"; exit 1; }
"$GUEST_SH" stop "$g" >/dev/null 2>&1
g=''
D="$TMP/vmcore.elf"

lkdb sleeper "$V" "$D" -c "bt $s1" -c 'info threads'
check "dump: bt $s1 exits 0" test "$(st sleeper)" = 0
check "dump: bt $s1 has its header, COMMAND \"sleep\"" \
    grep -qE "^PID: +$s1 +TASK: +[0-9a-f]{16} +CPU: +[0-9-]+ +COMMAND: \"sleep\"" "$TMP/sleeper.out"
check "dump: bt $s1 goes through schedule" grep -qE ' in schedule ' "$TMP/sleeper.out"
check "dump: bt $s1 goes through the nanosleep path" \
    grep -qE ' in (do_nanosleep|hrtimer_nanosleep) ' "$TMP/sleeper.out"
check "dump: the context thread is gone afterwards" \
    test "$(grep -cE '^[* ] +[0-9]+ +Thread ' "$TMP/sleeper.out")" = "$ncpus"

# The same task by address.
addr=$(sed -nE "s/^PID: +$s1 +TASK: +([0-9a-f]{16}) .*/\\1/p" "$TMP/sleeper.out" | head -n1)
lkdb byaddr "$V" "$D" -c "bt 0x$addr"
check "dump: bt 0x$addr (the task's address) is the same task" \
    bash -c "grep -qE '^PID: +$s1 ' '$TMP/byaddr.out' && grep -qE ' in schedule ' '$TMP/byaddr.out'"

lkdb all "$V" "$D" -c 'bt -a'
check "dump: bt -a exits 0" test "$(st all)" = 0
check "dump: bt -a has one header per CPU ($ncpus)" \
    test "$(grep -cE "$header_re" "$TMP/all.out")" = "$ncpus"
check "dump: bt -a shows the panicking sh with sysrq_handle_crash and panic" \
    bash -c "grep -qE '^PID: .*COMMAND: \"sh\"' '$TMP/all.out' &&
             grep -qE ' in sysrq_handle_crash ' '$TMP/all.out' &&
             grep -qE ' in panic ' '$TMP/all.out'"

lkdb nopid "$V" "$D" -c 'bt 99999'
check "dump: bt 99999 is a one-line error naming the PID" \
    one_line_error nopid 'no task with PID 99999'
lkdb zzz "$V" "$D" -c 'bt zzz'
check "dump: bt zzz is a one-line error naming it" \
    one_line_error zzz '"zzz" is not a PID or a task address'
lkdb notask "$V" "$D" -c 'bt 0xffffffff81000000'
check "dump: bt of an address that is no task is a one-line error" \
    one_line_error notask '0xffffffff81000000 is not a task address'

lkdb task "$V" "$D" -c "task $s1" -c 'task --json '"$s1"
check "dump: task $s1 exits 0" test "$(st task)" = 0
check "dump: task $s1 prints that PID and COMMAND \"sleep\"" \
    grep -qE "^PID: +$s1 +TASK: .*COMMAND: \"sleep\"" "$TMP/task.out"
check "dump: task --json $s1" \
    grep -qE "^\\{\"pid\": $s1, .*\"command\": \"sleep\"" "$TMP/task.out"

lkdb cur "$V" "$D" -c 'task' -c 'p $task->pid'
check "dump: task (the selected CPU's) then p \$task->pid" \
    bash -c "test \$(cat '$TMP/cur.st') = 0 &&
             pid=\$(sed -nE 's/^PID: +([0-9]+) .*/\\1/p' '$TMP/cur.out' | head -n1) &&
             grep -qx \"\\\$1 = \$pid\" '$TMP/cur.out'"
rm -f "$D"
done_testing

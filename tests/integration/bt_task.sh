#!/usr/bin/env bash
# bt and task, live and on a dump of a panicked guest.  Ground truth: the
# console's LKDB-SLEEPERS (sleep processes, in clock_nanosleep(2)), init
# waiting for its children, and the panic (sysrq c: the shell "sh" writes
# "c" to /proc/sysrq-trigger with write(2), system call 1, and panics in
# sysrq_handle_crash).
#   live (the shared guest; --no-guest-ram: every read through gdb and
#         QEMU's stub): bt -a (a header per CPU), bt 1 (init sleeps: through
#         schedule to the system call entry, the user's registers), task 1,
#         errors
#   dump (the shared dump): bt (the panicking sh: sysrq_handle_crash,
#         panic, the entry with ORIG_RAX 1 and user CS), -l file:line,
#         --json = the text's frames, bt SLEEPER through schedule and the
#         nanosleep path (ORIG_RAX of clock_nanosleep), bt -a, errors;
#         task SLEEPER makes gdb's frames the sleeper's (gdb's own
#         backtrace, frame, info locals).
#         The test module is loaded before the panic: mod -s + sym give its
#         file:line on the dump (objdump -dl of the .ko is the truth).
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

if ! grep -q 'qemu_fw_cfg' "$LKDB_KERNEL_DIR/boot-modules.list" 2>/dev/null; then
    echo "1..0 # SKIP qemu_fw_cfg is not loaded at boot: the dump would have no VMCOREINFO"
    exit 0
fi
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
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
lkdb live-all --no-guest-ram -r ":$port" "$V" -c 'bt -a'
check "live: bt -a exits 0" test "$(st live-all)" = 0
check "live: bt -a has one crash header per CPU ($ncpus)" \
    test "$(grep -cE "$header_re" "$TMP/live-all.out")" = "$ncpus"
check "live: bt -a shows frames" grep -qE '^ #1 \[[0-9a-f]{16}\] ' "$TMP/live-all.out"

lkdb live-bt1 --no-guest-ram -r ":$port" "$V" -c 'bt 1'
check "live: bt 1 has init's header" \
    grep -qE '^PID: +1 +TASK: +[0-9a-f]{16} +CPU: +[0-9-]+ +COMMAND: "init"' "$TMP/live-bt1.out"
check "live: bt 1 (sleeping) goes through schedule" grep -qE '^ *#[0-9]+ \[[0-9a-f]{16}\] schedule at ' "$TMP/live-bt1.out"
check "live: bt 1 ends at the system call entry with the user's registers" \
    bash -c "grep -qE '\] entry_SYSCALL_64[a-z_]* at ' '$TMP/live-bt1.out' &&
             tail -n1 '$TMP/live-bt1.out' | grep -qE 'ORIG_RAX: [0-9a-f]{16}  CS: 0033  SS: 002b'"

lkdb live-task --no-guest-ram -r ":$port" "$V" -c 'task 1' -c 'p $task->pid'
check "live: task 1 exits 0" test "$(st live-task)" = 0
check "live: task 1 prints init's header, STATE and \$task" \
    bash -c "grep -qE '^PID: +1 .*COMMAND: \"init\"' '$TMP/live-task.out' &&
             grep -q '^STATE: ' '$TMP/live-task.out' && grep -qx '\\\$1 = 1' '$TMP/live-task.out'"
lkdb live-bad --no-guest-ram -r ":$port" "$V" -c 'bt 99999'
check "live: bt 99999 is a one-line error naming the PID" \
    one_line_error live-bad 'no task with PID 99999'

# --- panic, dump -------------------------------------------------------------
# crashme.ko was loaded before the panic: on the dump, mod -s + sym must
# give its file:line (ground truth: objdump -dl of the .ko).
d=$(shared_dump) || exit 1
D=$d/vmcore.elf
GUEST_CONSOLE=$d/console.log
read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$GUEST_CONSOLE" | tr -d '\r' | cut -d' ' -f2-)
sleepers=("${sleepers[@]:1}")
echo "# the dumped guest's sleepers: ${sleepers[*]}"
[[ ${#sleepers[@]} -ge 1 ]] || bail_out "no LKDB-SLEEPERS on the dumped guest's console"
s1=${sleepers[0]}
# Ground truth for sys and bt -a: the dumped guest's taint mask, zones'
# present pages, CPUs and _text, read in the guest before the panic.
dump_cpus=$(shared_fact "$d" cpus)
text=$(shared_fact "$d" text)
[[ -n $dump_cpus && -n $text ]] || bail_out "no cpus or text in $d/guest-proc"
kaslr=$(printf '0x%x' $((0x$text - 0xffffffff81000000)))

frame_re() { echo "^ *#[0-9]+ \\[[0-9a-f]{16}\\] $1 at [0-9a-f]{16}"; }
lkdb panicker "$V" "$D" -c 'bt' -c 'bt -l' -c 'bt --json'
check "dump: bt exits 0" test "$(st panicker)" = 0
check "dump: bt is the panicking sh" grep -qE '^PID: .*COMMAND: "sh"' "$TMP/panicker.out"
check "dump: bt goes through sysrq_handle_crash and panic" \
    bash -c "grep -qE '$(frame_re sysrq_handle_crash)' '$TMP/panicker.out' &&
             grep -qE '$(frame_re panic)' '$TMP/panicker.out'"
check "dump: bt ends at the entry with write(2)'s user registers (ORIG_RAX 1, CS 0033)" \
    bash -c "grep -qE '$(frame_re 'entry_SYSCALL_64[a-z_]*')' '$TMP/panicker.out' &&
             grep -qx '    ORIG_RAX: 0000000000000001  CS: 0033  SS: 002b' '$TMP/panicker.out'"
check "dump: bt -l shows panic's source line in kernel/panic.c" \
    grep -qE '^    kernel/panic.c: [0-9]+' "$TMP/panicker.out"
check "dump: bt --json has the text's frames and the user registers" python3 - "$TMP/panicker.out" <<'PY'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
text = []
for l in lines:
    if l.startswith('PID: '):
        if text:
            break
        continue
    m = re.match(r'^ *#\d+ \[([0-9a-f]{16})\] (\S+) at ([0-9a-f]{16})', l)
    if m:
        text.append((m.group(1), m.group(2), m.group(3)))
obj = json.loads(lines[-1])
js = [('%016x' % int(f['sp'], 16), f['function'], '%016x' % int(f['ip'], 16)) for f in obj['frames']]
last = obj['frames'][-1]['exception']
sys.exit(0 if js == text and obj['command'] == 'sh' and last['user']
         and last['regs']['orig_rax'] == '0x1' else 1)
PY

# The kernel's own Call Trace on the console names each return address
# with %pB: function+offset/size, size kallsyms' (to the next symbol).
# From sysrq_handle_crash down the stack is as the kernel printed it.
tr -d '\r' <"$GUEST_CONSOLE" | sed -n '/Kernel panic - not syncing: sysrq/,/end Kernel panic/p' >"$TMP/trace.txt"
check "dump: bt --json frames from sysrq_handle_crash on are the console's Call Trace lines (function+offset/size)" \
    python3 - "$TMP/panicker.out" "$TMP/trace.txt" <<'PY'
import json, re, sys
obj = json.loads(open(sys.argv[1]).read().splitlines()[-1])
trace = set(re.findall(r'\s(\S+\+0x[0-9a-f]+/0x[0-9a-f]+)', open(sys.argv[2]).read()))
names = ['%s+0x%x/0x%x' % (f['function'], f['offset'], f['size']) for f in obj['frames']]
start = [n.split('+')[0] for n in names].index('sysrq_handle_crash')
missing = [n for n in names[start:] if n not in trace]
print('# lkdb: ' + ' '.join(names[start:]))
print('# not on the console: %s' % missing)
sys.exit(1 if missing or len(names) - start < 5 else 0)
PY

# sys, mod and log -m as crash shows them.  Ground truth: the guest's
# /proc/sys/kernel/tainted and zoneinfo, and crash itself where it is right.
lkdb crashlike "$V" "$D" -c sys -c 'sys -t' -c mod -c 'log -m'
tainted=$(shared_fact "$d" tainted)
present=$(awk '$1 == "present" { s += $2 } END { print s }' "$d/guest-proc")
memory=$(crash_memory "$present")
echo "# guest: tainted $tainted, present pages $present ($memory)"
check "dump: sys MEMORY is the guest's present pages as crash rounds them ($memory)" \
    grep -qxF "      MEMORY: $memory" "$TMP/crashlike.out"
check "dump: sys KERNEL is marked [TAINTED] (tainted $tainted after insmod crashme)" \
    test "${tainted:-0}" != 0 -a -n "$(grep -E '^ +KERNEL: .*  \[TAINTED\]$' "$TMP/crashlike.out")"
check "dump: sys -t shows the guest's taint mask in hex" \
    grep -qE "^TAINTED_MASK: $(printf '%x' "${tainted:-0}")  [A-Z]+\$" "$TMP/crashlike.out"
if have_crash; then
    printf 'sys\nsys -t\nmod\nlog -m\nquit\n' >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >"$TMP/crash.out" 2>&1
    grep -vE '^(WARNING|crash):' "$TMP/crash.out" | head -n 20 | diag
    check "dump: sys's MEMORY is crash's" \
        test "$(grep -m1 '^ *MEMORY: ' "$TMP/crash.out")" = "$(grep -m1 '^ *MEMORY: ' "$TMP/crashlike.out")"
    check "dump: sys -t is crash's TAINTED_MASK line" \
        test "$(grep -m1 '^TAINTED_MASK: ' "$TMP/crash.out")" = "$(grep -m1 '^TAINTED_MASK: ' "$TMP/crashlike.out")"
    mod_names() { grep -E '^[0-9a-f]{16}  [a-z0-9_]+ +[0-9a-f]{16} ' "$1" | awk '{ print $2 }' | tr '\n' ' '; }
    check "dump: mod lists the modules in crash's order ($(mod_names "$TMP/crash.out"))" \
        test -n "$(mod_names "$TMP/crash.out")" -a "$(mod_names "$TMP/crash.out")" = "$(mod_names "$TMP/crashlike.out")"
    check "dump: every line crash's log -m starts a record with is lkdb's log -m line" \
        python3 - "$TMP/crash.out" "$TMP/crashlike.out" <<'PY'
import re, sys
pat = re.compile(r'^\[ *\d+\.\d{6}\] <[0-7]>')
crash = [l for l in open(sys.argv[1], errors='replace').read().splitlines() if pat.match(l)]
ours = set(l for l in open(sys.argv[2], errors='replace').read().splitlines() if pat.match(l))
missing = [l for l in crash if l not in ours]
print('# %d of crash\'s log -m lines, %d not in lkdb\'s: %s' % (len(crash), len(missing), missing[:3]))
sys.exit(0 if crash and not missing else 1)
PY
else
    for t in "sys's MEMORY is crash's" "sys -t is crash's TAINTED_MASK line" \
        "mod lists the modules in crash's order" "every line crash's log -m starts a record with is lkdb's log -m line"; do
        ok 0 "dump: $t # SKIP $crash_skip"
    done
fi

lkdb sleeper "$V" "$D" -c "bt $s1"
check "dump: bt $s1 exits 0" test "$(st sleeper)" = 0
check "dump: bt $s1 has its header, COMMAND \"sleep\"" \
    grep -qE "^PID: +$s1 +TASK: +[0-9a-f]{16} +CPU: +[0-9-]+ +COMMAND: \"sleep\"" "$TMP/sleeper.out"
check "dump: bt $s1 goes through schedule" grep -qE "$(frame_re schedule)" "$TMP/sleeper.out"
check "dump: bt $s1 goes through the nanosleep path" \
    grep -qE "$(frame_re '(do_nanosleep|hrtimer_nanosleep)')" "$TMP/sleeper.out"
check "dump: bt $s1 ends with clock_nanosleep's user registers (ORIG_RAX 0xe6)" \
    grep -qx '    ORIG_RAX: 00000000000000e6  CS: 0033  SS: 002b' "$TMP/sleeper.out"

# The same task by address.
addr=$(sed -nE "s/^PID: +$s1 +TASK: +([0-9a-f]{16}) .*/\\1/p" "$TMP/sleeper.out" | head -n1)
lkdb byaddr "$V" "$D" -c "bt 0x$addr"
check "dump: bt 0x$addr (the task's address) is the same task" \
    bash -c "grep -qE '^PID: +$s1 ' '$TMP/byaddr.out' && grep -qE '$(frame_re schedule)' '$TMP/byaddr.out'"

lkdb all "$V" "$D" -c 'bt -a'
check "dump: bt -a exits 0" test "$(st all)" = 0
check "dump: bt -a has one header per CPU ($dump_cpus)" \
    test "$(grep -cE "$header_re" "$TMP/all.out")" = "$dump_cpus"
check "dump: bt -a shows the panicking sh with sysrq_handle_crash and panic" \
    bash -c "grep -qE '^PID: .*COMMAND: \"sh\"' '$TMP/all.out' &&
             grep -qE '$(frame_re sysrq_handle_crash)' '$TMP/all.out' &&
             grep -qE '$(frame_re panic)' '$TMP/all.out'"

# A kernel thread's mm is NULL: "0x0", not gdb's per-CPU name for 0
# (<fixed_percpu_data>: per-CPU symbols keep their offsets from 0).
lkdb kthread "$V" "$D" -c 'task 2'
check "dump: task 2's mm is 0x0 with no symbol name" \
    grep -qE '^  mm +\(struct mm_struct \*\) 0x0$' "$TMP/kthread.out"

# task makes the sleeper gdb's context: gdb's own commands in its frames.
lkdb ctx "$V" "$D" -c "task $s1" -c 'backtrace 12' -c 'frame 1' -c 'info threads' -c 'bt'
check "dump: task $s1 gives gdb its frames (gdb's backtrace through schedule and nanosleep)" \
    bash -c "grep -qE '^#[0-9]+ +(0x[0-9a-f]+ in )?schedule ' '$TMP/ctx.out' &&
             grep -qE '^#[0-9]+ +(0x[0-9a-f]+ in )?(do_nanosleep|hrtimer_nanosleep) ' '$TMP/ctx.out'"
check "dump: after task $s1, bt (the context task) is the sleeper" \
    test "$(grep -cE "^PID: +$s1 .*COMMAND: \"sleep\"" "$TMP/ctx.out")" = 2
check "dump: the context thread is listed by gdb" grep -qE 'Thread [0-9]+ \(context\)' "$TMP/ctx.out"

start=0x$(nm "$LKDB_CRASHME_KO" | awk '$3 == "crashme_write" { print $1 }')
crashme_line=$(objdump -dl -j .text --start-address=$((start)) --stop-address=$((start + 1)) \
    "$LKDB_CRASHME_KO" | grep -oE 'crashme\.c:[0-9]+' | head -n1 | cut -d: -f2)
lkdb modsym "$V" "$D" -c "mod -s crashme $LKDB_CRASHME_KO" -c 'sym crashme_write'
check "dump: mod -s crashme + sym crashme_write give crashme.c:${crashme_line:-?} (objdump's)" \
    grep -qE "^[0-9a-f]{16} \([tT]\) crashme_write\+0x0/0x[0-9a-f]+ \[crashme\] [^ ]*crashme\.c:${crashme_line:-none}\$" "$TMP/modsym.out"

# mod -s takes only crashme's own object: not another module, not the vmlinux.
# (6.12's modules are compressed: .ko.xz; lkdb reads those too)
otherko=$(find "$LKDB_MODULES_DIR" -name '*.ko*' ! -name 'crashme.ko*' | head -n1)
lkdb modother "$V" "$D" -c "mod -s crashme $otherko"
check "dump: mod -s crashme with another module's .ko is refused, naming the file and its module" \
    one_line_error modother "$otherko is module $(basename "$otherko" | sed 's/\.ko.*$//' | tr - _), not crashme"
lkdb modvmlinux "$V" "$D" -c "mod -s crashme $V"
check "dump: mod -s crashme with the vmlinux is refused: not a module object" \
    one_line_error modvmlinux "$V: not a module object"

lkdb badopt "$V" "$D" -c 'bt -x'
check "dump: bt -x is a one-line error naming the option" one_line_error badopt 'unknown option "-x"'
lkdb alltask "$V" "$D" -c 'bt -a 1'
check "dump: bt -a with a task is a one-line error" one_line_error alltask 'one of -a, -c CPU and a task'
lkdb nopid "$V" "$D" -c 'bt 99999'
check "dump: bt 99999 is a one-line error naming the PID" \
    one_line_error nopid 'no task with PID 99999'
lkdb zzz "$V" "$D" -c 'bt zzz'
check "dump: bt zzz is a one-line error naming it" \
    one_line_error zzz '"zzz" is not a PID or a task address'
lkdb notask "$V" "$D" -c 'bt 0xffffffff81000000'
check "dump: bt of an address that is no task is a one-line error" \
    one_line_error notask '0xffffffff81000000 is not a task address'

# An address nothing maps (user space: not in the kernel's page tables).
lkdb disbad "$V" "$D" -c 'dis -l 0x1000000 4'
check "dump: dis of an unmapped address: one line, the address named once" \
    test "$(st disbad)" != 0 -a "$(wc -l <"$TMP/disbad.err")" = 1 \
    -a "$(grep -o '0x1000000' "$TMP/disbad.err" | wc -l)" = 1
lkdb disnofn "$V" "$D" -c 'dis 0x1000000'
check "dump: dis of an address in no function says so and how to go on" \
    one_line_error disnofn '0x1000000: in no function gdb knows; give COUNT'

# bt -f and -c: the panicking task's stack words as crash's bt -f shows
# them, for each frame both walks agree on (crash's walk adds stale frames
# lkdb's ORC walk does not); bt -c 1 is CPU 1's task.
"$LKDB" -q "$V" "$D" -c 'bt -f' >"$TMP/btf.out" 2>&1
"$LKDB" -q "$V" "$D" -c 'bt -c 1' -c 'bt -a' >"$TMP/btc.out" 2>&1
check "dump: bt -c 1 is bt -a's CPU 1 block" python3 - "$TMP/btc.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
blocks = re.split(r'(?m)^(?=PID: )', t)
first = blocks[1]
cpu1 = [b for b in blocks[2:] if re.search(r'CPU: 1 ', b.splitlines()[0])]
sys.exit(0 if re.search(r'CPU: 1 ', first.splitlines()[0]) and cpu1 and cpu1[0].rstrip() == first.rstrip() else 1)
PY
if have_crash; then
    printf 'bt -f > %s\nquit\n' "$TMP/crash-btf.out" >"$TMP/crash-btf.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash-btf.in" >/dev/null 2>&1
    check "dump: bt -f: the words before each frame both walks reach from the same frame are crash's" \
        python3 - "$TMP/crash-btf.out" "$TMP/btf.out" <<'PY'
import re, sys
def blocks(path):
    out, prev, words = {}, None, []
    for l in open(path).read().splitlines():
        m = re.match(r' ?#\d+ \[([0-9a-f]+)\] (\S+) at ', l)
        if m:
            out[(prev, m[1], m[2])] = words
            prev, words = (m[1], m[2]), []
        elif re.match(r'    [0-9a-f]+: ', l):
            words.append(l.rstrip())
    return out
c, o = blocks(sys.argv[1]), blocks(sys.argv[2])
common = [k for k in c if k in o and k[0] is not None]
bad = [k for k in common if c[k] != o[k]]
print('# frames both have after the same frame: %d (%d words), differing: %s'
      % (len(common), sum(len(c[k]) for k in common), bad[:2]))
sys.exit(0 if len(common) >= 5 and sum(len(c[k]) for k in common) > 10 and not bad else 1)
PY
else
    ok 0 "dump: bt -f as crash's # SKIP $crash_skip"
fi

lkdb task "$V" "$D" -c "task $s1" -c 'task --json '"$s1"
check "dump: task $s1 exits 0" test "$(st task)" = 0
check "dump: task $s1 prints that PID and COMMAND \"sleep\"" \
    grep -qE "^PID: +$s1 +TASK: .*COMMAND: \"sleep\"" "$TMP/task.out"
check "dump: task $s1 prints comm as crash's COMMAND: \"sleep\", no \\000s" \
    grep -qxF '  comm         "sleep"' "$TMP/task.out"
check "dump: task --json $s1" \
    grep -qE "^\\{\"pid\": $s1, .*\"command\": \"sleep\"" "$TMP/task.out"

lkdb cur "$V" "$D" -c 'task' -c 'p $task->pid'
check "dump: task (the selected CPU's) then p \$task->pid" \
    bash -c "test \$(cat '$TMP/cur.st') = 0 &&
             pid=\$(sed -nE 's/^PID: +([0-9]+) .*/\\1/p' '$TMP/cur.out' | head -n1) &&
             grep -qx \"\\\$1 = \$pid\" '$TMP/cur.out'"
done_testing

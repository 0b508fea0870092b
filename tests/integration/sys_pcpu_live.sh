#!/usr/bin/env bash
# sys and pcpu on a live guest, against the guest's own view: uname -a,
# /proc/loadavg, /proc/uptime, nproc, the zones' present pages, the taint
# mask and date; per-CPU addresses against gdb's &VAR + __per_cpu_offset[n].
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX

# Ground truth, then lkdb at once (the guest is stopped while lkdb is
# attached: its clocks stand still, so lkdb's times are at most the host
# time between the two later).  The load average may tick (every 5 s)
# in between: try up to three times.
for _ in 1 2 3; do
    t0=$(date +%s)
    "$GUEST_SH" run "$g" 'uname -n; uname -r; uname -v; uname -m; cat /proc/loadavg /proc/uptime; nproc; grep MemTotal /proc/meminfo; date +%s; grep -w present /proc/zoneinfo | tr -s " " | cut -d" " -f3 | tr "\n" " "; echo; cat /proc/sys/kernel/tainted' |
        tr -d '\r' >"$TMP/guest"
    "$LKDB" -q -r ":$port" "$V" -c sys -c 'sys --json' >"$TMP/sys" 2>"$TMP/err"
    status=$?
    t1=$(date +%s)
    load_guest=$(sed -n 5p "$TMP/guest" | awk '{ print $1 ", " $2 ", " $3 }')
    load_lkdb=$(sed -n 's/^LOAD AVERAGE: //p' "$TMP/sys")
    [[ $load_guest == "$load_lkdb" ]] && break
    echo "# load average ticked (guest $load_guest, lkdb $load_lkdb), again"
done
diag "$TMP/guest"
diag "$TMP/err"
grep -v '^{' "$TMP/sys" | diag
check "sys exits 0" test $status = 0
check "no warnings" test ! -s "$TMP/err"
field() { sed -n "s/^ *$1: //p" "$TMP/sys"; }
check "NODENAME is uname -n" test "$(field NODENAME)" = "$(sed -n 1p "$TMP/guest")"
check "RELEASE is uname -r" test "$(field RELEASE)" = "$(sed -n 2p "$TMP/guest")"
check "VERSION is uname -v" test "$(field VERSION)" = "$(sed -n 3p "$TMP/guest")"
check "MACHINE is uname -m" test "$(field MACHINE)" = "$(sed -n 4p "$TMP/guest")"
check "CPUS is nproc" test "$(field CPUS)" = "$(sed -n 7p "$TMP/guest")"
check "LOAD AVERAGE is /proc/loadavg's" test "$load_lkdb" = "$load_guest"
check "REMOTE names the target" test "$(field REMOTE)" = ":$port"
# The [TAINTED] mark after it has its own check below.
check "KERNEL is the vmlinux" test "$(field KERNEL | sed 's/  \[TAINTED\]$//')" = "$V"
check "no PANIC line live" test -z "$(field PANIC)"
# MEMORY: as crash, the present pages (the zones' in /proc/zoneinfo).
present=$(sed -n 10p "$TMP/guest" | awk '{ for (i = 1; i <= NF; i++) s += $i; print s }')
mem_guest=$(crash_memory "$present")
check "MEMORY is the zones' present pages ($present) as crash rounds them ($mem_guest)" \
    test -n "$present" -a "$(field MEMORY)" = "$mem_guest"
# TAINTED: /proc/sys/kernel/tainted.
tainted=$(sed -n 11p "$TMP/guest")
if [[ ${tainted:-0} != 0 ]]; then
    check "KERNEL has [TAINTED] (tainted $tainted)" grep -qE '^ +KERNEL: .*  \[TAINTED\]$' "$TMP/sys"
else
    check "KERNEL has no [TAINTED] (tainted 0)" grep -qE '^ +KERNEL: [^[]*$' "$TMP/sys"
fi

python3 - "$TMP/sys" "$TMP/guest" "$((t1 - t0))" "$port" >"$TMP/py" 2>&1 <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
j = json.loads([l for l in lines if l.startswith('{')][0])
g = open(sys.argv[2]).read().splitlines()
elapsed = int(sys.argv[3])
up_guest = float(g[5].split()[0])
date_guest = int(g[8])
up = j['uptime_ns'] / 1e9
bad = []
# The timekeeper is updated at ticks, which an idle NOHZ kernel defers
# (0.4 s seen): 3 s of slack below, the host time between above.
if not (up_guest - 3 <= up <= up_guest + elapsed + 2):
    bad.append('uptime %.2f vs /proc/uptime %.2f (+%d s)' % (up, up_guest, elapsed))
if not (date_guest - 3 <= j['date_sec'] <= date_guest + elapsed + 2):
    bad.append('date %d vs guest date %d (+%d s)' % (j['date_sec'], date_guest, elapsed))
for k, i in (('nodename', 0), ('release', 1), ('version', 2), ('machine', 3)):
    if j[k] != g[i]:
        bad.append('%s %r vs %r' % (k, j[k], g[i]))
if j['cpus'] != int(g[6]) or j['cpus_online'] != int(g[6]):
    bad.append('cpus %s/%s vs nproc %s' % (j['cpus'], j['cpus_online'], g[6]))
if j['remote'] != ':' + sys.argv[4] or j['dumpfile'] is not None or j['panic'] is not None:
    bad.append('remote/dumpfile/panic %r %r %r' % (j['remote'], j['dumpfile'], j['panic']))
present = sum(int(x) for x in g[9].split())
if j['memory_bytes'] != present * 4096:
    bad.append('memory_bytes %d vs present pages %d' % (j['memory_bytes'], present))
if j['tainted_mask'] != int(g[10]):
    bad.append('tainted_mask %r vs /proc/sys/kernel/tainted %s' % (j['tainted_mask'], g[10]))
if not isinstance(j['tasks'], int) or j['tasks'] < 20:
    bad.append('tasks %r' % j['tasks'])
print('# uptime %.2f s (guest %.2f), date %d (guest %d), %d s between' % (up, up_guest, j['date_sec'], date_guest, elapsed))
for b in bad:
    print('# ' + b)
sys.exit(1 if bad else 0)
PY
py=$?
cat "$TMP/py"
check "sys --json parses; uptime and date within the time lkdb took; uts, cpus, memory agree" test $py = 0

# pcpu: addresses are &VAR + __per_cpu_offset[n]; values are gdb's.
ncpu=$(sed -n 7p "$TMP/guest")
cmds=(-c 'pcpu current_task' -c 'pcpu --json current_task' -c 'p/x &current_task')
for ((n = 0; n < ncpu; n++)); do
    cmds+=(-c "p/x __per_cpu_offset[$n]")
done
"$LKDB" -q -r ":$port" "$V" "${cmds[@]}" >"$TMP/pcpu" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "pcpu current_task exits 0" test $status = 0
# The p/x answers, last: &current_task, then each CPU's base.
mapfile -t px < <(grep -E '^\$[0-9]+ = 0x[0-9a-f]+$' "$TMP/pcpu" | tail -n $((ncpu + 1)) | grep -oE '0x[0-9a-f]+$')
off=${px[0]:-}
bases=("${px[@]:1}")
echo "# &current_task = $off, bases ${bases[*]}"
good=0
for ((n = 0; n < ncpu; n++)); do
    want=$(printf '%x' $((off + bases[n])))
    got=$(sed -n "s/^CPU $n: \([0-9a-f]*\).*/\1/p" "$TMP/pcpu")
    [[ -n $off && $got == "$want" ]] && good=$((good + 1)) ||
        echo "# CPU $n: pcpu $got, gdb $want"
done
check "pcpu current_task: CPU n at &current_task + __per_cpu_offset[n], every CPU" \
    test "$good" = "$ncpu"
grep '^\[\|^ {' "$TMP/pcpu" >"$TMP/pcpu.json"
tasks=$(python3 -c '
import json, re, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == int(sys.argv[2]), rows
for i, r in enumerate(rows):
    assert r["cpu"] == i and r["online"] and r["error"] is None, r
    m = re.match(r"\(struct task_struct \*\) (0x[0-9a-f]+)", r["value"])
    assert m, r
    print(m.group(1))
' "$TMP/pcpu.json" "$ncpu" 2>"$TMP/py")
status=$?
diag "$TMP/py"
check "pcpu --json current_task: one task_struct pointer per CPU" test $status = 0
cmds=()
for t in $tasks; do
    cmds+=(-c "p ((struct task_struct *)$t)->comm")
done
"$LKDB" -q -r ":$port" "$V" "${cmds[@]}" >"$TMP/comm" 2>"$TMP/err"
diag "$TMP/comm"
check "each CPU's current task has a readable comm" \
    test "$(grep -cE '^\$[0-9]+ = "[^"]+"' "$TMP/comm")" = "$ncpu"

# pcpu runqueues: a struct rq per CPU, whose cpu is n; one CPU alone.
"$LKDB" -q -r ":$port" "$V" -c 'pcpu --json runqueues' -c 'pcpu runqueues 1' \
    >"$TMP/rq" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "pcpu runqueues exits 0" test $status = 0
python3 -c '
import json, sys
text = open(sys.argv[1]).read()
rows = json.loads(text[:text.index("]\n") + 1])
assert len(rows) == int(sys.argv[2]), len(rows)
for i, r in enumerate(rows):
    assert r["cpu"] == i and ", cpu = %d, online = 1," % i in r["value"], (i, r["value"][:200])
' "$TMP/rq" "$ncpu" 2>"$TMP/py"
status=$?
diag "$TMP/py"
check "pcpu --json runqueues: struct rq with cpu = n on each CPU n" test $status = 0
check "pcpu runqueues 1: CPU 1 only" \
    test "$(grep '^CPU ' "$TMP/rq" | cut -d: -f1)" = "CPU 1" -a \
         "$(grep -cE '^\$[0-9]+ = \{.*, cpu = 1, online = 1,' "$TMP/rq")" = 1

# Errors: one line naming what is wrong.
"$LKDB" -q -r ":$port" "$V" -c 'pcpu jiffies' >"$TMP/out" 2>"$TMP/err"
check "pcpu of a non-per-CPU symbol fails" test $? != 0
check "... with one line naming it" \
    test "$(cat "$TMP/err")" = "lkdb: pcpu: jiffies is not a per-CPU symbol"
"$LKDB" -q -r ":$port" "$V" -c "pcpu runqueues $ncpu" >"$TMP/out" 2>"$TMP/err"
check "pcpu of a CPU out of range fails" test $? != 0
check "... with one line naming it" \
    grep -qx "lkdb: pcpu: CPU $ncpu out of range (possible CPUs: 0-$((ncpu - 1)))" "$TMP/err"
diag "$TMP/err"

done_testing

#!/usr/bin/env bash
# runq: on the shared dump (ELF and flattened) each CPU's CURRENT is the
# task ps marks running there ('>'), nothing queued on the idle guest, as
# crash 8.0.2 prints it byte for byte.  Live: busy loops the guest pins
# with taskset (two on CPU 1, one on CPU 0) are each on their CPU's run
# queue, running or in the fair tree, as the guest's /proc/PID/stat says
# where they ran; --json has the text's tasks.  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c runq -c ps >"$TMP/r$f.out" 2>"$TMP/r$f.err"
    status=$?
    diag "$TMP/r$f.err"
    check "dump ($f): runq exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/r$f.err"
    check "dump ($f): each CPU's CURRENT is the task ps marks running on it" \
        python3 - "$TMP/r$f.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
cur = {int(c): (int(p), a) for c, p, a in
       re.findall(r'(?m)^CPU (\d+) RUNQUEUE: [0-9a-f]+\n  CURRENT: PID: (\d+) +TASK: ([0-9a-f]+)', t)}
run = {int(c): (int(p), a) for p, c, a in re.findall(r'(?m)^> +(\d+) +\d+ +(\d+) +([0-9a-f]{16}) ', t)}
print('# runq %s, ps %s' % (cur, run))
sys.exit(0 if cur and {c: (p, a.lstrip('0')) for c, (p, a) in cur.items()} ==
         {c: (p, a.lstrip('0')) for c, (p, a) in run.items()} else 1)
PY
done
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'runq > %s\nrunq -t > %s\nrunq -m > %s\nps > %s\nquit\n' "$TMP/crash.out" "$TMP/crash-t.out" \
        "$TMP/crash-m.out" "$TMP/crash-ps.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crash.in" >/dev/null 2>&1
    "$LKDB" -q "$V" "$d/vmcore.elf" -c runq >"$TMP/ours.out" 2>&1
    "$LKDB" -q "$V" "$d/vmcore.elf" -c 'runq -t' >"$TMP/ours-t.out" 2>&1
    "$LKDB" -q "$V" "$d/vmcore.elf" -c 'runq -m' >"$TMP/ours-m.out" 2>&1
    # crash 8.0.2's task table misses some tasks of these kernels (its ps
    # lacks them; it warns "not found in PID hash"), and its runq leaves a
    # queued task it does not know out without a word.  Such lines of
    # lkdb's are left out (a queue left empty says "[no tasks queued]" as
    # crash's does); every other byte is compared.
    check "crash: runq byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash.out") lines; queued tasks crash's ps lacks aside)" \
        python3 - "$TMP/crash.out" "$TMP/ours.out" "$TMP/crash-ps.out" <<'PY'
import re, sys
crash, ours = open(sys.argv[1]).read().split('\n'), open(sys.argv[2]).read().split('\n')
known = {m[1] for m in (re.match(r'^[ >]*(\d+) ', l) for l in open(sys.argv[3])) if m}
kept, dropped, queue = [], [], []
def close():
    kept.extend(queue if queue else ['     [no tasks queued]'])
    queue.clear()
inside = False
for l in ours:
    q = re.match(r'^ +\[\d+\] PID: (\d+) ', l)
    if q or (inside and l == '     [no tasks queued]'):
        if q and q[1] not in known:
            dropped.append(q[1])
        elif q:
            queue.append(l)
        continue
    if inside:
        close()
    inside = bool(re.match(r'^  (RT PRIO_ARRAY|CFS RB_ROOT): ', l))
    kept.append(l)
if inside:
    close()
print('# queued tasks crash does not know, left out: %s' % (dropped or 'none'))
sys.exit(0 if known and any(l.startswith('CPU ') for l in kept) and kept == crash else 1)
PY
    check "crash: runq -t byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash-t.out") lines)" \
        cmp "$TMP/crash-t.out" "$TMP/ours-t.out"
    check "crash: runq -m byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash-m.out") lines)" \
        cmp "$TMP/crash-m.out" "$TMP/ours-m.out"
else
    ok 0 "crash: runq as crash's # SKIP $crash_skip"
    ok 0 "crash: runq -t as crash's # SKIP $crash_skip"
    ok 0 "crash: runq -m as crash's # SKIP $crash_skip"
fi

# Live: three busy loops, pinned; where the guest says each ran.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'for c in 1 1 0; do taskset -c $c sh -c "while :; do :; done" >/dev/null 2>&1 & echo busy $!; done' |
    tr -d '\r' | awk '$1 == "busy" { print $2 }' >"$TMP/busy"
busy=$(tr '\n' ' ' <"$TMP/busy")
echo "# busy loops: $busy"
stop_busy() { [[ -n $busy ]] && "$GUEST_SH" run "$g" "kill $busy" >/dev/null 2>&1; busy=; }
trap stop_busy EXIT
sleep 2
"$GUEST_SH" run "$g" "for p in $busy; do echo \$p \$(cut -d' ' -f39 /proc/\$p/stat); done" | tr -d '\r' >"$TMP/where"
"$LKDB" -q -r ":$port" "$V" -c runq -c 'runq --json' >"$TMP/live.out" 2>"$TMP/live.err"
status=$?
"$LKDB" -q -r ":$port" "$V" -c 'runq -m --json' >"$TMP/live-m.json" 2>>"$TMP/live.err"
diag "$TMP/live.err"
stop_busy
check "live: runq exits 0" test "$status" = 0
check "live: each busy loop is on the run queue of the CPU it ran on (running or queued), --json the same" \
    python3 - "$TMP/where" "$TMP/live.out" <<'PY'
import json, re, sys
where = {int(l.split()[0]): int(l.split()[1]) for l in open(sys.argv[1]) if len(l.split()) == 2}
t = open(sys.argv[2]).read()
text, j = t[:t.index('[{')], json.loads(t[t.index('[{'):])
queued = {}
for block in re.split(r'(?m)^(?=CPU \d+ RUNQUEUE)', text):
    m = re.match(r'CPU (\d+) ', block)
    if m:
        for p in re.findall(r'PID: (\d+) ', block):
            queued.setdefault(int(p), set()).add(int(m[1]))
jq = {}
for q in j:
    for task in [q['current']] + q['rt'] + q['cfs']:
        jq.setdefault(task['pid'], set()).add(q['cpu'])
print('# where the guest says they ran %s; on the run queues %s' % (where, {p: queued.get(p) for p in where}))
sys.exit(0 if len(where) == 3 and all(queued.get(p) == {c} for p, c in where.items())
         and queued == jq else 1)
PY
check "live: runq -m: a busy loop current on its CPU began to run less than 2 s before (the queue's clock)" \
    python3 - "$TMP/live-m.json" "$TMP/busy" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
busy = {int(l) for l in open(sys.argv[2]) if l.strip()}
cur = [q for q in j if q['current']['pid'] in busy]
print('# busy loops current: %s' % [(q['cpu'], q['current']['pid'], q['since_ns']) for q in cur])
sys.exit(0 if cur and all(q['since_ns'] is not None and q['since_ns'] < 2e9 and
                          q['clock'] >= q['last_arrival'] for q in cur) else 1)
PY

one_line_errors "$V" "$d/vmcore.elf" -- 'runq -x' 'runq 1' 'runq -t -m'
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help runq' >"$TMP/help.out" 2>&1
check "help runq gives the synopsis and the --json schema" \
    bash -c "grep -qF 'Usage: runq [-t|-m|-g] [--json]' '$TMP/help.out' && grep -q 'cfs_rb_root, cfs: \[TASK\]' '$TMP/help.out'"
done_testing

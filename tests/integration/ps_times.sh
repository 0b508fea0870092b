#!/usr/bin/env bash
# ps -l, -m, -t and -s.  Live, on the shared guest: a "sleep 300" the test
# starts, then waits 3 s for, has been off the CPU for 3 s or more by
# ps -m; its START TIME is its /proc/PID/stat starttime (ticks of 1/100 s)
# and its RUN TIME /proc/uptime less that; -l is sorted latest first and
# -t first started first; -s puts "--" (null) for the running tasks
# only, one per CPU.  On the shared dump, crash 8.0.2's ps -l, -m, -t and
# -s values for the tasks it lists are lkdb's.  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'sleep 300 >/dev/null 2>&1 & p=$!; sleep 3; echo pid $p; echo stat $(cut -d" " -f22 /proc/$p/stat); echo uptime $(cut -d" " -f1 /proc/uptime); echo cpus $(grep -c ^processor /proc/cpuinfo)' |
    tr -d '\r' >"$TMP/truth"
diag "$TMP/truth"
fact() { awk -v k="$1" '$1 == k { print $2; exit }' "$TMP/truth"; }
p=$(fact pid)
[[ -n $p && -n $(fact stat) ]] || bail_out "the guest did not start its sleep"
"$LKDB" -q -r ":$port" "$V" -c 'ps -m --json' -c 'ps -l --json' -c "ps -t --json" -c 'ps -s --json' \
    >"$TMP/live.json" 2>"$TMP/live.err"
check "live: ps -m, -l, -t, -s --json exit 0" test $? = 0
diag "$TMP/live.err"
"$LKDB" -q -r ":$port" "$V" -c 'ps -m' -c 'ps -s' -c "ps -t $p" >"$TMP/live.txt" 2>&1
check "live: the guest agrees (sleep $p idle 3 s, start time, run time, order, running tasks)" \
    python3 - "$TMP/live.json" "$TMP/truth" "$p" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
dec, docs, i = json.JSONDecoder(), [], 0
while i < len(text):
    if text[i].isspace():
        i += 1
        continue
    d, i = dec.raw_decode(text, i)
    docs.append(d)
m, l, t, s = docs
truth = {k: v for k, v in (line.split()[:2] for line in open(sys.argv[2]) if line.strip())}
p = int(sys.argv[3])
ok = True
def check(name, cond):
    global ok
    print('#%s %s' % ('' if cond else ' FAILED', name))
    ok = ok and cond
mp = next((x for x in m if x['pid'] == p), {})
check('ps -m: sleep %d off the CPU 2.5 s .. 2 min (%s ns)' % (p, mp.get('since_ns')),
      2.5e9 <= mp.get('since_ns', 0) <= 120e9)
check('ps -l: latest first', all(a['last_arrival_ns'] >= b['last_arrival_ns'] for a, b in zip(l, l[1:])))
check('ps -m: since_ns grows down the list on each CPU',
      all(a['since_ns'] <= b['since_ns'] for c in {x['cpu'] for x in m}
          for a, b in zip([x for x in m if x['cpu'] == c], [x for x in m if x['cpu'] == c][1:])))
tp = next((x for x in t if x['pid'] == p), {})
check('ps -t: START TIME / 10 ms = /proc/%d/stat starttime %s (%s ns)' % (p, truth['stat'], tp.get('start_time_ns')),
      abs(tp.get('start_time_ns', -1e12) // 10**7 - int(truth['stat'])) <= 1)
up = float(truth['uptime'])
run = tp.get('run_time_s', -100)
check('ps -t: RUN TIME %s s = uptime %.1f - start %.1f (+ the seconds since)' % (run, up, int(truth['stat']) / 100),
      up - int(truth['stat']) / 100 - 2 <= run <= up - int(truth['stat']) / 100 + 30)
check('ps -t: first started first', all(a['start_time_ns'] <= b['start_time_ns'] for a, b in zip(t, t[1:])))
running = [x for x in s if x['kstackp'] is None]
check('ps -s: kstackp null exactly for the running tasks, one per CPU (%d)' % len(running),
      len(running) == int(truth['cpus']) and all(x['running'] for x in running) and
      all(int(x['kstackp'], 16) >= 0xffff800000000000 for x in s if x['kstackp']))
check('the same tasks in each view', len(m) == len(l) == len(t) == len(s))
sys.exit(0 if ok else 1)
PY
check "live text: ps -m's line for $p" grep -qE "^\[0 00:0[0-9]:[0-9]{2}\.[0-9]{3}\] \[IN\]  PID: $p +TASK: [0-9a-f]{16}  CPU: [0-9]+ +COMMAND: \"sleep\"$" "$TMP/live.txt"
check "live text: ps -s's header has KSTACKP" grep -qxF '   PID    PPID  CPU      KSTACKP      ST  %MEM      VSZ      RSS  COMM' "$TMP/live.txt"
check "live text: ps -t's lines" bash -c "grep -A4 '^PID: $p ' '$TMP/live.txt' | sed 1d | cut -c1-13 | tr '\n' '|' | grep -qxF '    RUN TIME:|  START TIME:|       UTIME:|       STIME:|'"

d=$(shared_dump) || exit 1
D=$d/vmcore.elf
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'ps -l > %s\nps -m > %s\nps -t > %s\nps -s > %s\nquit\n' \
        "$TMP/c-l" "$TMP/c-m" "$TMP/c-t" "$TMP/c-s" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >/dev/null 2>&1
    "$LKDB" -q "$V" "$D" -c 'ps -l' -c 'ps -m' -c 'ps -t' -c 'ps -s' >"$TMP/ours" 2>&1
    check "crash: each task crash's ps -l, -m, -t, -s lists has lkdb's values ($(grep -c '' "$TMP/c-l") tasks)" \
        python3 - "$TMP/c-l" "$TMP/c-m" "$TMP/c-t" "$TMP/c-s" "$TMP/ours" <<'PY'
import re, sys
ours = open(sys.argv[5]).read()
ok = True
lines = 0
for f, pat in ((sys.argv[1], r'\[ *(\d+)\]'), (sys.argv[2], r'\[([\d :.]+)\]')):
    c = {m.group(2): m.group(1) for m in re.finditer('(?m)^' + pat + r' \[\w\w\]  PID: +\d+ +TASK: ([0-9a-f]+)', open(f).read())}
    o = {m.group(2): m.group(1) for m in re.finditer('(?m)^' + pat + r' \[\w\w\]  PID: +\d+ +TASK: ([0-9a-f]+)', ours)}
    lines += len(c)
    for task, v in c.items():
        if o.get(task, '').strip() != v.strip():
            print('# %s: crash %s, lkdb %s' % (task, v, o.get(task)))
            ok = False
def blocks(text):
    return {m.group(1): m.group(2) for m in re.finditer(r'(?m)^PID: +\d+ +TASK: ([0-9a-f]+) .*\n((?: +[A-Z ]+: .*\n)+)', text)}
c, o = blocks(open(sys.argv[3]).read()), blocks(ours)
for task, v in c.items():
    if o.get(task) != v:
        print('# -t %s: crash %r, lkdb %r' % (task, v, o.get(task)))
        ok = False
# PID PPID CPU KSTACKP ... in both.
rows = lambda text: {(r[0], r[3]) for r in (l.lstrip('> ').split() for l in text.splitlines()) if len(r) > 8 and r[0].isdigit()}
c, o = rows(open(sys.argv[4]).read()), rows(ours)
missing = c - o
if missing:
    print('# -s rows crash has and lkdb not: %s' % sorted(missing))
    ok = False
sys.exit(0 if ok and lines and c else 1)
PY
else
    ok 0 "crash: ps -l, -m, -t, -s as crash's # SKIP $crash_skip"
fi
one_line_errors "$V" "$D" -- 'ps -l -m' 'ps -s -S' 'ps -t 99999'
"$LKDB" -q "$V" "$D" -c 'help ps' >"$TMP/help.out" 2>&1
check "help ps gives the synopsis" grep -qF 'Usage: ps [-S|-p|-c|-l|-m|-t] [-s] [-k|-u] [-G] [PID|TASK|COMM...] [--json] [--stats]' "$TMP/help.out"
done_testing

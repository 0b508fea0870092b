#!/usr/bin/env bash
# timer and timer -r.  On the shared dump: byte for byte as crash 8.0.2
# prints them (the timer wheel per CPU and base, the hrtimers per CPU and
# clock), and --json holds the text's timers.  Live, on the shared guest
# with a "sleep 300" of the test's: every hrtimer_wakeup (a sleeping
# task's hrtimer) that the guest's /proc/timer_list shows — its CPU, clock,
# soft and hard expiry — is in timer -r, no more and no fewer.  Bad input:
# one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

d=$(shared_dump) || exit 1
D=$d/vmcore.elf
"$LKDB" -q "$V" "$D" -c timer >"$TMP/wheel.txt" 2>"$TMP/wheel.err"
check "timer exits 0 on the dump, no warnings" test $? = 0 -a ! -s "$TMP/wheel.err"
"$LKDB" -q "$V" "$D" -c 'timer -r' >"$TMP/hr.txt" 2>&1
"$LKDB" -q "$V" "$D" -c 'timer --json' -c 'timer -r --json' >"$TMP/dump.json" 2>&1
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'timer > %s\ntimer -r > %s\nquit\n' "$TMP/c-wheel.txt" "$TMP/c-hr.txt" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >/dev/null 2>&1
    check "crash: timer byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/c-wheel.txt") lines)" \
        cmp "$TMP/c-wheel.txt" "$TMP/wheel.txt"
    check "crash: timer -r byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/c-hr.txt") lines)" \
        cmp "$TMP/c-hr.txt" "$TMP/hr.txt"
else
    ok 0 "crash: timer as crash's # SKIP $crash_skip"
    ok 0 "crash: timer -r as crash's # SKIP $crash_skip"
fi
check "--json: the text's timers, wheel and hrtimers (addresses and expiries); each CPU's bases named as the kernel's (STD DEF, or LOCAL GLOBAL DEF)" \
    python3 - "$TMP/dump.json" "$TMP/wheel.txt" "$TMP/hr.txt" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
dec = json.JSONDecoder()
wheel, i = dec.raw_decode(text)
hr, _ = dec.raw_decode(text[i:].lstrip())
jw = sorted((t['expires'], int(t['timer'], 16)) for b in wheel['bases'] for t in b['timers'])
tw = sorted((int(m.group(1)), int(m.group(2), 16)) for m in
            re.finditer(r'(?m)^  +(\d+) +-?\d+  +([0-9a-f]{16})  [0-9a-f]{16}  <', open(sys.argv[2]).read()))
jh = sorted((t['expires'], int(t['timer'], 16)) for b in hr for t in b['timers'])
th = sorted((int(m.group(1)), int(m.group(2), 16)) for m in
            re.finditer(r'(?m)^ +\d+ +(\d+) +-?\d+  ([0-9a-f]+)  [0-9a-f]+  <', open(sys.argv[3]).read()))
names = {}
for b in wheel['bases']:
    names.setdefault(b['cpu'], []).append(b['base'])
print('# wheel %d/%d timers, hrtimers %d/%d, bases %s' % (len(jw), len(tw), len(jh), len(th), names.get(0)))
good = all(n in (['BASE_STD', 'BASE_DEF'], ['BASE_LOCAL', 'BASE_GLOBAL', 'BASE_DEF']) for n in names.values())
sys.exit(0 if jw == tw and jh == th and jw and jh and good else 1)
PY

g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'sleep 300 >/dev/null 2>&1 & sleep 1; cat /proc/timer_list' | tr -d '\r' >"$TMP/timer_list"
"$LKDB" -q -r ":$port" "$V" -c 'timer -r --json' >"$TMP/live.json" 2>"$TMP/live.err"
check "live: timer -r --json exits 0" test $? = 0
diag "$TMP/live.err"
check "live: the hrtimer_wakeup timers of /proc/timer_list (cpu, clock, soft-hard expiry) are timer -r's" \
    python3 - "$TMP/timer_list" "$TMP/live.json" <<'PY'
import json, re, sys
want, cpu, clock = set(), None, None
lines = open(sys.argv[1]).read().splitlines()
for k, l in enumerate(lines):
    m = re.match(r'cpu: (\d+)$', l)
    if m: cpu = int(m.group(1))
    m = re.match(r' clock (\d+):$', l)
    if m: clock = int(m.group(1))
    if ', hrtimer_wakeup,' in l and k + 1 < len(lines):
        e = re.search(r'expires at (\d+)-(\d+) nsecs', lines[k + 1])
        if e: want.add((cpu, clock, int(e.group(1)), int(e.group(2))))
got = {(b['cpu'], b['clock'], t['softexpires'], t['expires'])
       for b in json.load(open(sys.argv[2])) for t in b['timers'] if t['symbol'] == 'hrtimer_wakeup'}
print('# /proc/timer_list: %d hrtimer_wakeup, lkdb: %d; only /proc: %s; only lkdb: %s'
      % (len(want), len(got), sorted(want - got)[:3], sorted(got - want)[:3]))
sys.exit(0 if want and want == got else 1)
PY
one_line_errors "$V" "$D" -- 'timer -x' 'timer 1'
"$LKDB" -q "$V" "$D" -c 'help timer' >"$TMP/help.out" 2>&1
check "help timer gives the synopsis" grep -qF 'Usage: timer [-r] [--json]' "$TMP/help.out"
done_testing

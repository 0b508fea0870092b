#!/usr/bin/env bash
# sig: live, a shell the guest starts ignoring SIGUSR1 and catching
# SIGUSR2, then stops and sends SIGUSR2 (it stays pending while stopped),
# has the masks its /proc/PID/status says: SigPnd (private pending),
# ShdPnd (shared pending), SigBlk, SigIgn, SigCgt; the text shows the
# same sets and SIG_IGN for signal 10.  On the shared dump: a sleeper's
# signals with no warning, --json as the text.  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
D=$d/vmcore.elf
read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$d/console.log" | tr -d '\r' | cut -d' ' -f3-)
p=${sleepers[0]:-1}

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c "sig $p" -c "sig --json $p" >"$TMP/d$f.out" 2>"$TMP/d$f.err"
    status=$?
    diag "$TMP/d$f.err"
    check "dump ($f): sig $p exits 0 with no warning; its 64 signals; --json the text's" \
        python3 - "$TMP/d$f.out" "$p" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
text, j = t[:t.index('[{')], json.loads(t[t.index('[{'):])[0]
rows = re.findall(r'(?m)^ ?\[(\d+)\]  ([0-9a-f]+) +(\S+) ([0-9a-f]{16}) ([0-9a-f]+) ', text)
blocked = re.search(r'(?m)^   BLOCKED: ([0-9a-f]{16})$', text)[1]
ok = len(rows) == 64 and j['pid'] == int(sys.argv[2]) and int(blocked, 16) == int(j['blocked'], 16) and \
     all(int(r[1], 16) == int(a['sigaction'], 16) and int(r[3], 16) == int(a['mask'], 16) and
         int(r[4], 16) == int(a['flags'], 16) and
         (r[2] == 'SIG_DFL') == (int(a['handler'], 16) == 0) for r, a in zip(rows, j['actions']))
sys.exit(0 if ok else 1)
PY
    check "dump ($f): no warning" test "$status" = 0 -a ! -s "$TMP/d$f.err"
done

# Live: the stopped shell with a pending SIGUSR2.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'sh -c "trap \"\" USR1; trap true USR2; while :; do sleep 1; done" >/dev/null 2>&1 & echo pid $!' |
    tr -d '\r' | awk '$1 == "pid" { print $2 }' >"$TMP/pid"
sp=$(cat "$TMP/pid")
stop_it() { [[ -n $sp ]] && "$GUEST_SH" run "$g" "kill -9 $sp" >/dev/null 2>&1; sp=; }
trap stop_it EXIT
sleep 1
"$GUEST_SH" run "$g" "kill -STOP $sp; sleep 1; kill -USR2 $sp; sleep 1; grep -E '^(SigPnd|ShdPnd|SigBlk|SigIgn|SigCgt|State):' /proc/$sp/status" |
    tr -d '\r' >"$TMP/status"
"$LKDB" -q -r ":$port" "$V" -c "sig $sp" -c "sig --json $sp" >"$TMP/live.out" 2>"$TMP/live.err"
status=$?
diag "$TMP/live.err"
echo "# PID $sp: $(tr '\n' ' ' <"$TMP/status")"
stop_it
check "live: sig exits 0" test "$status" = 0
check "live: the masks are /proc/PID/status's; SIGUSR2 pending, SIGUSR1 ignored" \
    python3 - "$TMP/status" "$TMP/live.out" <<'PY'
import json, re, sys
st = {l.split(':')[0]: l.split()[1] for l in open(sys.argv[1]) if ':' in l}
t = open(sys.argv[2]).read()
text, j = t[:t.index('[{')], json.loads(t[t.index('[{'):])[0]
got = {'SigPnd': j['private_pending']['signal'], 'ShdPnd': j['shared_pending']['signal'],
       'SigBlk': j['blocked'], 'SigIgn': j['ignored'], 'SigCgt': j['caught']}
want = {k: int(v, 16) for k, v in st.items() if k != 'State'}
got = {k: int(v, 16) for k, v in got.items()}
shared = re.search(r'(?m)^SHARED_PENDING\n    SIGNAL: ([0-9a-f]{16})$', text)
usr1 = re.search(r'(?m)^\[10\]  [0-9a-f]+ +(\S+) ', text)
print('# /proc %s\n# lkdb  %s' % (want, got))
sys.exit(0 if want == got and got['ShdPnd'] & (1 << 11) and got['SigIgn'] & (1 << 9) and
         shared and int(shared[1], 16) == got['ShdPnd'] and usr1 and usr1[1] == 'SIG_IGN' else 1)
PY

one_line_errors "$V" "$D" -- 'sig -x' 'sig 99999'
"$LKDB" -q "$V" "$D" -c 'help sig' >"$TMP/help.out" 2>&1
check "help sig gives the synopsis and the --json schema" \
    bash -c "grep -qF 'Usage: sig [PID|TASK...] [--json]' '$TMP/help.out' && grep -q 'queue: \[{sig, siginfo}\]' '$TMP/help.out'"
done_testing

#!/usr/bin/env bash
# foreach: on the shared dump, "foreach sleep task" runs task for exactly
# the guest's sleepers (its console's LKDB-SLEEPERS), "foreach IN task" for
# as many tasks as ps -S counts in IN, and each bt foreach prints is the
# one bt PID prints (for every task: foreach reads the tasks and bt's
# unwinder once and lends them to each run).  Live: a shell the guest puts to sleep uninterruptibly
# in crashme's write (msleep) is one of "foreach UN bt"'s tasks, in the
# state /proc/PID/stat says (D), with the frames /proc/PID/stack lists, in
# order.  --json: an array of the command's JSON per task.  Bad input: one
# line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
D=$d/vmcore.elf
read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$d/console.log" | tr -d '\r' | cut -d' ' -f3-)
echo "# sleepers: ${sleepers[*]}"

"$LKDB" -q "$V" "$D" -c 'foreach sleep task' >"$TMP/t.out" 2>"$TMP/t.err"
status=$?
diag "$TMP/t.err"
check "foreach sleep task: exit 0, the guest's sleepers, each once" \
    test "$status" = 0 -a -n "${sleepers[*]}" -a \
         "$(sed -n 's/^PID: \([0-9]*\) .*/\1/p' "$TMP/t.out" | sort -n | tr '\n' ' ')" = \
         "$(printf '%s\n' "${sleepers[@]}" | sort -n | tr '\n' ' ')"
check "foreach sleep task: each task's own fields (gdb's pid under its header)" \
    python3 - "$TMP/t.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
pairs = re.findall(r'(?m)^PID: (\d+) .*\n(?:.*\n)*?  pid +(\d+)$', t)
sys.exit(0 if pairs and all(a == b for a, b in pairs) else 1)
PY
"$LKDB" -q "$V" "$D" -c 'foreach IN task' -c 'ps -S' >"$TMP/in.out" 2>&1
check "foreach IN task: as many tasks as ps -S counts IN" \
    test "$(grep -c '^PID: ' "$TMP/in.out")" = "$(sed -n 's/^  IN: //p' "$TMP/in.out")"
"$LKDB" -q "$V" "$D" -c 'task --json' -c 'foreach IN task' -c 'task --json' >"$TMP/ctx.out" 2>&1
check "foreach IN task leaves the context task as it was" \
    python3 - "$TMP/ctx.out" <<'PY'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{"pid"')]
sys.exit(0 if len(docs) == 2 and docs[0]['pid'] == docs[1]['pid'] else 1)
PY
# Every task: the list and unwinder foreach reads once give each task the
# backtrace a bt of its own gives (idle tasks by task address).
"$LKDB" -q "$V" "$D" -c 'foreach bt' >"$TMP/all.out" 2>"$TMP/all.err"
status=$?
diag "$TMP/all.err"
mapfile -t ids < <(sed -n 's/^PID: \([0-9]*\) *TASK: \([0-9a-f]*\) .*/\1 \2/p' "$TMP/all.out" |
    awk '{ print ($1 == 0 ? "0x" $2 : $1) }')
bts=()
for i in "${ids[@]}"; do bts+=(-c "bt $i"); done
"$LKDB" -q "$V" "$D" "${bts[@]}" >"$TMP/each.out" 2>&1
check "foreach bt: exit 0, every task (${#ids[@]}), each backtrace the one bt of that task prints" \
    test "$status" = 0 -a "${#ids[@]}" -gt 20 -a ! -s "$TMP/all.err" -a \
         "$(grep -v '^$' "$TMP/all.out")" = "$(grep -v '^$' "$TMP/each.out")"
"$LKDB" -q "$V" "$D" -c 'foreach kernel bt' -c 'ps' -c 'bt' >"$TMP/after.out" 2>&1
"$LKDB" -q "$V" "$D" -c 'ps' -c 'bt' >"$TMP/fresh.out" 2>&1
check "after foreach, ps and bt read as a fresh session does" \
    test "$(sed -n '/^ *PID  *PPID/,$p' "$TMP/after.out")" = "$(cat "$TMP/fresh.out")"

p=${sleepers[0]:-1}
"$LKDB" -q "$V" "$D" -c "foreach $p bt" >"$TMP/fb.out" 2>&1
"$LKDB" -q "$V" "$D" -c "bt $p" >"$TMP/b.out" 2>&1
check "foreach $p bt prints what bt $p prints" cmp -s "$TMP/fb.out" "$TMP/b.out"
"$LKDB" -q "$V" "$D" -c 'foreach --json sleep bt' >"$TMP/j.out" 2>&1
check "--json: one bt object per sleeper" \
    python3 - "$TMP/j.out" "${sleepers[@]}" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if sorted(b['pid'] for b in j) == sorted(int(p) for p in sys.argv[2:]) and
         all(b['frames'] for b in j) else 1)
PY

# Live: a task in D state, in crashme_write's msleep for 15 s.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'grep -q "^crashme " /proc/modules || { insmod /crashme.ko && echo loaded; }; sh -c "echo 5 > /proc/crashme" & echo pid $!' |
    tr -d '\r' >"$TMP/dpid"
dpid=$(awk '$1 == "pid" { print $2 }' "$TMP/dpid")
loaded=$(grep -c '^loaded' "$TMP/dpid")
# The shell sleeps 15 s; then crashme goes if this test loaded it.
cleanup() {
    "$GUEST_SH" run "$g" "for i in \$(seq 30); do test -d /proc/$dpid || break; sleep 1; done; if [ $loaded = 1 ]; then rmmod crashme; fi" 60 >/dev/null 2>&1
}
trap cleanup EXIT
sleep 2
"$GUEST_SH" run "$g" "cut -d' ' -f3 /proc/$dpid/stat; sed 's/^\\[<[0-9a-f]*>\\] //; s/+.*//' /proc/$dpid/stack" | tr -d '\r' >"$TMP/dstate"
"$LKDB" -q -r ":$port" "$V" -c 'foreach UN bt' >"$TMP/un.out" 2>"$TMP/un.err"
status=$?
diag "$TMP/un.err"
echo "# PID $dpid: state and /proc/PID/stack: $(tr '\n' ' ' <"$TMP/dstate")"
check "live: foreach UN bt exits 0" test "$status" = 0
check "live: the D-state shell ($dpid) is in it, with /proc/$dpid/stack's frames in order (crashme_write, msleep)" \
    python3 - "$TMP/dstate" "$TMP/un.out" "$dpid" <<'PY'
import re, sys
lines = [l.strip() for l in open(sys.argv[1]) if l.strip()]
state, stack = lines[0], lines[1:]
t = open(sys.argv[2]).read()
blocks = {int(b.split()[0]): b for b in t.split('PID: ')[1:]}
b = blocks.get(int(sys.argv[3]), '')
frames = re.findall(r'(?m)^ *#\d+ \[[0-9a-f]+\] (\S+) at ', b)
pos, ok = 0, state == 'D' and 'crashme_write' in frames and 'msleep' in frames
for f in stack:
    if f in frames[pos:]:
        pos = frames.index(f, pos) + 1
    else:
        ok = False
print('# foreach UN bt: PIDs %s; %s frames %s' % (sorted(blocks), sys.argv[3], frames))
sys.exit(0 if ok and stack else 1)
PY

one_line_errors "$V" "$D" -- 'foreach' 'foreach IN' 'foreach no_such_comm bt' 'foreach UN ps'
"$LKDB" -q "$V" "$D" -c 'foreach sleep sig' >"$TMP/sig.out" 2>&1
check "foreach sleep sig: a SIGNAL_STRUCT for each sleeper" test "$(grep -c '^SIGNAL_STRUCT: ' "$TMP/sig.out")" = "${#sleepers[@]}"
"$LKDB" -q "$V" "$D" -c 'help foreach' >"$TMP/help.out" 2>&1
check "help foreach gives the synopsis" \
    grep -qF 'Usage: foreach [PID|TASK|COMM|STATE|kernel|user|active...] bt|task|vm|files|sig|net [ARGS...] [--json]' "$TMP/help.out"
done_testing

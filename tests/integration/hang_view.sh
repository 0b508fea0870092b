#!/usr/bin/env bash
# hang, the hang view, on a guest of its own where the test module
# hangme.ko leaves kernel threads deadlocked (scripts/crashme/hangme.c):
# lkdb-abba-1 holds hangme_rwsem and hangme_lock_a and wants hangme_lock_b,
# lkdb-abba-2 holds hangme_lock_b and wants hangme_lock_a, lkdb-abba-3
# waits behind them for hangme_lock_a, lkdb-hang-r wants hangme_rwsem for
# reading, lkdb-hang-c waits for a completion, lkdb-hang-w wants
# hangme_rwsem2 for writing while lkdb-hang-rd holds it for reading (no
# owner to follow: no deadlock claimed).  Ground truth from the
# guest: the threads' PIDs (the module's console lines), their state
# (/proc/PID/stat: D), every D task of the guest, and the locks' addresses
# (/proc/kallsyms).  Checked live and on a dump of the same guest; --json;
# crashme's msleep shows as a sleep in crashme_write; bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

g=$(own_guest hang --mem 256) || exit 1
trap '"$GUEST_SH" stop "$g" >/dev/null 2>&1' EXIT
port=$(guest_port "$g") || exit 1
cmd='insmod /hangme.ko && insmod /crashme.ko; sleep 2;'
cmd+=' (echo 5 > /proc/crashme) & echo sleeper $!; sleep 1;'
cmd+=' dmesg | sed -n "s/.*hangme: \(lkdb-[a-z0-9-]*\) pid \([0-9]*\)$/pid \1 \2/p";'
cmd+=' for s in /proc/[0-9]*/stat; do set -- $(cat $s 2>/dev/null); [ "$3" = D ] && echo D $1; done;'
cmd+=' grep -E " (hangme_lock_a|hangme_lock_b|hangme_rwsem|hangme_rwsem2|hangme_done)\b" /proc/kallsyms | sed "s/^/sym /"'
"$GUEST_SH" run "$g" "$cmd" |
    tr -d '\r' >"$TMP/truth"
diag "$TMP/truth"
[[ $(grep -c '^pid ' "$TMP/truth") == 7 && $(grep -c '^sym ' "$TMP/truth") == 5 ]] ||
    bail_out "hangme did not start its 7 threads or its symbols are not in /proc/kallsyms"

"$LKDB" -q -r ":$port" "$V" -c 'hang --json' >"$TMP/live.json" 2>"$TMP/live.err"
check "live: hang --json exits 0" test $? = 0
diag "$TMP/live.err"
"$LKDB" -q -r ":$port" "$V" -c hang >"$TMP/live.txt" 2>&1
diag "$TMP/live.txt"

# verify JSON TRUTH WHERE [live]: the hang view against the guest's facts.
verify() {
    python3 - "$@" <<'PY'
import json, sys
doc, truth, where = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
live = len(sys.argv) > 4
pid, d, sym, sleeper = {}, set(), {}, None
for l in open(truth):
    f = l.split()
    if f[:1] == ['pid']: pid[f[1]] = int(f[2])
    if f[:1] == ['D']: d.add(int(f[1]))
    if f[:1] == ['sym']: sym[f[3]] = '0x' + f[1].lstrip('0')
    if f[:1] == ['sleeper']: sleeper = int(f[1])
by = {t['pid']: t for t in doc}
a1, a2, a3, r, c, rd, wr = (pid[n] for n in ('lkdb-abba-1', 'lkdb-abba-2', 'lkdb-abba-3', 'lkdb-hang-r',
                                              'lkdb-hang-c', 'lkdb-hang-rd', 'lkdb-hang-w'))
ok = True
def check(name, cond):
    global ok
    print('%s %s: %s' % ('#' if cond else '# FAILED', where, name))
    ok = ok and cond
check('the tasks listed are all in UN state and include the 5 threads',
      all(t['state'] == 'UN' for t in doc) and {a1, a2, a3, r, c} <= set(by))
if live:
    # A task the guest counted in D may have woken since (and the reverse).
    check('as many UN tasks as the guest counted in D (%d, %d)' % (len(doc), len(d)),
          abs(len(doc) - len(d)) <= 1 and {a1, a2, a3, r, c} <= d)
def wait(p, kind, obj, owner):
    t = by.get(p, {})
    return t.get('kind') == kind and t.get('object') == sym[obj] and t.get('owner_pid') == owner
check('abba-1 waits on mutex hangme_lock_b held by abba-2', wait(a1, 'mutex', 'hangme_lock_b', a2))
check('abba-2 waits on mutex hangme_lock_a held by abba-1', wait(a2, 'mutex', 'hangme_lock_a', a1))
check('abba-3 waits on mutex hangme_lock_a held by abba-1', wait(a3, 'mutex', 'hangme_lock_a', a1))
check('hang-r waits on rwsem (read) hangme_rwsem held by abba-1', wait(r, 'rwsem (read)', 'hangme_rwsem', a1))
check('hang-c waits on completion hangme_done, no owner', wait(c, 'completion', 'hangme_done', None))
check('the object is named by its symbol', by[a1].get('object_name') == 'hangme_lock_b [hangme]')
check('deadlock abba-1 <-> abba-2 for abba-1, abba-2, abba-3 and hang-r',
      all(sorted(by[p]['deadlock'] or []) == sorted([a1, a2]) for p in (a1, a2, a3, r)))
check('no deadlock for hang-c', by[c]['deadlock'] is None and by[c]['chain'] == [])
w = by.get(wr, {})
check('hang-w waits on rwsem (write) hangme_rwsem2 held by readers, the last hang-rd; no chain, no deadlock',
      w.get('kind') == 'rwsem (write)' and w.get('object') == sym['hangme_rwsem2'] and w.get('readers') is True
      and w.get('owner_pid') == rd and w.get('chain') == [] and w.get('deadlock') is None)
check("abba-3's chain: abba-1 waiting on hangme_lock_b, then abba-2 on hangme_lock_a",
      [(x['pid'], x['object']) for x in by[a3]['chain']] ==
      [(a1, sym['hangme_lock_b']), (a2, sym['hangme_lock_a'])])
check('each waited between 1 s and 10 min',
      all(by[p]['waited_ns'] and 1e9 <= by[p]['waited_ns'] <= 600e9 for p in (a1, a2, a3, r, c)))
check('the function each waits in is its thread function',
      [by[p]['in'] for p in (a1, a2, a3, r, c)] ==
      ['hangme_abba_1', 'hangme_abba_2', 'hangme_abba_3', 'hangme_reader', 'hangme_waiter'])
if live:
    s = by.get(sleeper, {})
    check("crashme's msleep: a sleep in crashme_write", s.get('kind') == 'sleep' and s.get('in') == 'crashme_write')
sys.exit(0 if ok else 1)
PY
}
check "live: the hang view matches the guest (PIDs, states, locks, owners, cycle)" \
    verify "$TMP/live.json" "$TMP/truth" live yes
a3=$(awk '$2 == "lkdb-abba-3" { print $3 }' "$TMP/truth")
a1=$(awk '$2 == "lkdb-abba-1" { print $3 }' "$TMP/truth")
a2=$(awk '$2 == "lkdb-abba-2" { print $3 }' "$TMP/truth")
check "live text: abba-3's block ends with the cycle (DEADLOCK: PID $a1 -> PID $a2 -> PID $a1)" \
    bash -c "sed -n '/^PID: $a3 /,/^\$/p' '$TMP/live.txt' | grep -qx '    DEADLOCK: PID $a1 -> PID $a2 -> PID $a1'"
check "live text: hangme_lock_a named in abba-2's line" \
    bash -c "sed -n '/^PID: $a2 /,/^\$/p' '$TMP/live.txt' | grep -q 'waits on mutex [0-9a-f]* <hangme_lock_a \[hangme\]>, held by PID $a1 \"lkdb-abba-1\" (UN)'"
check "live text: the count of UN tasks last" grep -qE '^[0-9]+ tasks in UN state$' "$TMP/live.txt"

"$LKDB" -q -r ":$port" "$V" -c "hang 1 $a3" >"$TMP/named.txt" 2>&1
check "hang PID...: exactly the tasks named (1 and $a3), in any state" \
    test "$(sed -n 's/^PID: \([0-9]*\) .*/\1/p' "$TMP/named.txt" | tr '\n' ' ')" = "1 $a3 "

"$GUEST_SH" dump "$g" "$TMP/vmcore.elf" --format elf >&2 || bail_out "could not dump the guest"
"$LKDB" -q "$V" "$TMP/vmcore.elf" -c 'hang --json' >"$TMP/dump.json" 2>"$TMP/dump.err"
check "dump: hang --json exits 0" test $? = 0
diag "$TMP/dump.err"
check "dump: the hang view matches the guest" verify "$TMP/dump.json" "$TMP/truth" dump

one_line_errors "$V" "$TMP/vmcore.elf" -- 'hang 99999' 'hang -x' 'hang zzz'
"$LKDB" -q "$V" "$TMP/vmcore.elf" -c 'help hang' >"$TMP/help.out" 2>&1
check "help hang gives the synopsis" grep -qF 'Usage: hang [PID|TASK...] [--json]' "$TMP/help.out"
done_testing

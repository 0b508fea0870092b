#!/usr/bin/env bash
# waitq.  Live, on the shared guest: "waitq oom_reaper_wait" is the
# oom_reaper kernel thread (its PID from the guest's /proc/PID/comm), the
# STRUCT.MEMBER ADDR form finds kswapd0 on node 0's pglist_data.kswapd_wait
# and kcompactd0 on its kcompactd_wait, and pfmemalloc_wait is
# empty, said as crash says it; --json holds the same; the same on the
# shared dump.  Bad input (no argument, no such symbol or member, an
# address that is no wait queue): one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'for f in /proc/[0-9]*/comm; do p=${f#/proc/}; echo "${p%/comm} $(cat $f)"; done' |
    tr -d '\r' >"$TMP/comms"
pid_of() { awk -v c="$1" '$2 == c { print $1; exit }' "$TMP/comms"; }
reaper=$(pid_of oom_reaper) kswapd=$(pid_of kswapd0) kcompactd=$(pid_of kcompactd0)
echo "# oom_reaper $reaper, kswapd0 $kswapd, kcompactd0 $kcompactd"
[[ -n $reaper && -n $kswapd && -n $kcompactd ]] || bail_out "the guest has no oom_reaper, kswapd0 or kcompactd0"

node=$("$LKDB" -q -r ":$port" "$V" -c 'p/x node_data[0]' 2>/dev/null | sed -n 's/^\$1 = \(0x[0-9a-f]*\)$/\1/p')
[[ -n $node ]] || bail_out "no node_data[0]"
run() { # LKDB-ARGS...: the waitq commands on that target
    "$LKDB" -q "$@" -c 'waitq oom_reaper_wait' -c "waitq pglist_data.kswapd_wait $node" \
        -c "waitq pglist_data.kcompactd_wait $node" -c "waitq pglist_data.pfmemalloc_wait $node" \
        -c 'waitq --json oom_reaper_wait'
}
verify() { # OUT WHERE
    check "$2: oom_reaper_wait holds oom_reaper ($reaper), kswapd_wait kswapd0 ($kswapd), kcompactd_wait kcompactd0 ($kcompactd)" \
        test "$(sed -n 's/^PID: \([0-9]*\) .*COMMAND: "\(.*\)"$/\1 \2/p' "$1" | head -3 | tr '\n' ' ')" = \
             "$reaper oom_reaper $kswapd kswapd0 $kcompactd kcompactd0 "
    check "$2: pfmemalloc_wait is empty, as crash says it" \
        grep -qxE "wait queue [0-9a-f]+ is empty" "$1"
    check "$2: --json: the queue's symbol and its one waiter" \
        python3 -c 'import json, sys
j = json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])
sys.exit(0 if j["name"] == "oom_reaper_wait" and [w["pid"] for w in j["waiters"]] == [int(sys.argv[2])] else 1)' "$1" "$reaper"
}
run -r ":$port" "$V" >"$TMP/live.out" 2>"$TMP/live.err"
check "live: exit 0, no warnings" test $? = 0 -a ! -s "$TMP/live.err"
diag "$TMP/live.err"
verify "$TMP/live.out" live

d=$(shared_dump) || exit 1
D=$d/vmcore.elf
# The dump's own node 0 and PIDs (another boot of the same fixture).
node=$("$LKDB" -q "$V" "$D" -c 'p/x node_data[0]' 2>/dev/null | sed -n 's/^\$1 = \(0x[0-9a-f]*\)$/\1/p')
"$LKDB" -q "$V" "$D" -c 'ps --json' >"$TMP/ps.json" 2>/dev/null
pid_of() { python3 -c 'import json, sys
print(next(t["pid"] for t in json.load(open(sys.argv[1])) if t["comm"] == sys.argv[2]))' "$TMP/ps.json" "$1"; }
reaper=$(pid_of oom_reaper) kswapd=$(pid_of kswapd0) kcompactd=$(pid_of kcompactd0)
run "$V" "$D" >"$TMP/dump.out" 2>&1
verify "$TMP/dump.out" dump

one_line_errors "$V" "$D" -- 'waitq' 'waitq no_such_queue' "waitq pglist_data.no_such $node" \
    'waitq pglist_data.kswapd_wait' 'waitq 0'
"$LKDB" -q "$V" "$D" -c 'help waitq' >"$TMP/help.out" 2>&1
check "help waitq gives the synopsis" grep -qF 'Usage: waitq SYMBOL|ADDR | waitq STRUCT.MEMBER ADDR [--json]' "$TMP/help.out"
done_testing

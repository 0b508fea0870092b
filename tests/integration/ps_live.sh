#!/usr/bin/env bash
# ps on a live guest: the tasks read from memory are the guest's own: the
# thread-group leaders are exactly the PIDs in the guest's /proc, /init's
# sleepers are there as "sleep" in state IN, init and kthreadd are where
# they belong with the RSS their /proc/PID/status shows, every CPU has
# one running task ('>'), --json has the same rows as the text, and ps -S
# counts the states as the guest's /proc does.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX

read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$g/console.log" | tr -d '\r' | cut -d' ' -f2-)
nsleepers=${sleepers[0]:-0}
sleepers=("${sleepers[@]:1}")
echo "# sleepers: $nsleepers: ${sleepers[*]}"
ncpus=$("$GUEST_SH" run "$g" 'grep -c ^processor /proc/cpuinfo' | tr -d '\r' | tail -1)

# The sleepers' VmRSS just before lkdb attaches (they sleep: it holds).
"$GUEST_SH" run "$g" "for p in ${sleepers[*]}; do echo \$p \$(awk '/^VmRSS:/ { print \$2 }' /proc/\$p/status); done" |
    tr -d '\r' >"$TMP/vmrss"
start=$(date +%s%N)
"$LKDB" -q -r ":$port" "$V" -c 'ps --stats' >"$TMP/ps" 2>"$TMP/err"
status=$?
end=$(date +%s%N)
diag "$TMP/err"
echo "# lkdb -c ps: $(( (end - start) / 1000000 )) ms in all (gdb start and attach included)"
check "ps exits 0" test $status = 0
check "no warnings" test "$(grep -c 'warning' "$TMP/err")" = 0
check "crash's header" grep -qxF '   PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM' <(head -1 "$TMP/ps")
# Rows as fields; '>' is glued to the PID or stands alone.
awk 'NR > 1 { r = ($1 ~ /^>/) ? 1 : 0; sub(/^>/, ""); if ($0 ~ /^ *$/) next;
      n = split($0, f, " "); print r, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9] }' \
    "$TMP/ps" >"$TMP/rows"
check "sorted by PID" sort -k2,2n -c "$TMP/rows"
check "pid 1 is init, PPID 0, not a kernel thread" \
    awk '$2 == 1 && $3 == 0 && $10 !~ /^\[/ { f = 1 } END { exit !f }' "$TMP/rows"
check "pid 2 is [kthreadd], PPID 0" \
    awk '$2 == 2 && $3 == 0 && $10 == "[kthreadd]" { f = 1 } END { exit !f }' "$TMP/rows"
check "one swapper per CPU ($ncpus)" \
    test "$(awk '$2 == 0 && $10 ~ /^\[swapper\// ' "$TMP/rows" | wc -l)" = "$ncpus"
for ((c = 0; c < ncpus; c++)); do
    check "CPU $c has exactly one running task ('>')" \
        test "$(awk -v c=$c '$1 == 1 && $4 == c' "$TMP/rows" | wc -l)" = 1
done
check "no more '>' than CPUs" test "$(awk '$1 == 1' "$TMP/rows" | wc -l)" = "$ncpus"
check "$nsleepers sleepers announced" test "$nsleepers" -ge 1 -a "${#sleepers[@]}" = "$nsleepers"
for p in "${sleepers[@]}"; do
    check "sleeper $p: COMM sleep, state IN, PPID 1, RSS known" \
        awk -v p="$p" '$2 == p && $10 == "sleep" && $6 == "IN" && $3 == 1 && $9 ~ /^[0-9]+$/ && $9 > 0 { f = 1 } END { exit !f }' "$TMP/rows"
done
# Before 6.2 (SPLIT_RSS_COUNTING) each thread caches up to 64 page counts
# that /proc's VmRSS leaves out and lkdb adds in: RSS is at least VmRSS
# there; since 6.2 (percpu_counter, summed as /proc sums it) it is equal.
split=0
"$LKDB" -q "$V" -c 'p sizeof(((struct task_struct *)0)->rss_stat)' >/dev/null 2>&1 && split=1
check "each sleeper's RSS is its /proc/PID/status VmRSS (kB$( ((split)) && echo ', or more: per-thread counts'))" \
    python3 - "$TMP/vmrss" "$TMP/rows" "$split" <<'PY'
import sys
want = dict(l.split() for l in open(sys.argv[1]) if len(l.split()) == 2)
got = {r[1]: r[8] for r in (l.split() for l in open(sys.argv[2]))}
split = sys.argv[3] == '1'
def fine(v, g):
    return g is not None and g.isdigit() and (int(g) >= int(v) if split else g == v)
bad = {p: (v, got.get(p)) for p, v in want.items() if not fine(v, got.get(p))}
print('# %d sleepers, VmRSS vs RSS differ: %s' % (len(want), bad))
sys.exit(0 if want and not bad else 1)
PY
check "%MEM is a number everywhere" test "$(awk '$7 !~ /^[0-9]+\.[0-9]$/' "$TMP/rows" | wc -l)" = 0

# --json: the same rows.
"$LKDB" -q -r ":$port" "$V" -c 'ps --json' >"$TMP/json" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "ps --json exits 0" test $status = 0
python3 - "$TMP/json" "$TMP/rows" >"$TMP/py" 2>&1 <<'PY'
import json, sys
tasks = json.load(open(sys.argv[1]))
rows = [l.split() for l in open(sys.argv[2])]
# The guest runs between the two commands: compare the rows both have.
def key(t):
    name = "[%s]" % t["comm"] if t["kernel_thread"] else t["comm"]
    return (str(t["pid"]), str(t["ppid"]), str(t["cpu"]), "%016x" % int(t["task"], 16), name)
j = {"%016x" % int(t["task"], 16): key(t) for t in tasks}
r = {x[4]: (x[1], x[2], x[3], x[4], x[9]) for x in rows}
both = set(j) & set(r)
assert len(both) >= 0.9 * len(r), "only %d of %d tasks in both" % (len(both), len(r))
stable = [a for a in both if j[a][:2] == r[a][:2] and j[a][3:] == r[a][3:]]
assert len(stable) == len(both), [ (j[a], r[a]) for a in both if a not in stable ]
assert [t["pid"] for t in tasks] == sorted(t["pid"] for t in tasks)
print("%d json tasks, %d text rows, %d in both" % (len(tasks), len(rows), len(both)))
PY
status=$?
diag "$TMP/py"
check "--json: the text's rows (pid, ppid, task, comm), sorted by PID" test $status = 0

# The leaders are exactly the guest's /proc.  The agent runs each command
# in a "sh -c" of its own: the listing below (shell built-ins only, no
# fork) leaves out that one process, so the guest is as idle as when lkdb
# looks.  Kernel workers may come and go between the two: up to 3 tries,
# each lkdb's view before and after the guest's must equal it.
leaders() {
    "$LKDB" -q -r ":$port" "$V" -c 'ps --json' 2>/dev/null | python3 -c '
import json, sys
print("\n".join(str(t["pid"]) for t in json.load(sys.stdin)
                if t["pid"] == t["tgid"] and t["pid"] > 0))' | sort -n
}
same=1
for try in 1 2 3; do
    leaders >"$TMP/before"
    "$GUEST_SH" run "$g" 'cd /proc && for p in [0-9]*; do echo "$p"; done; echo "self $$"' |
        tr -d '\r' >"$TMP/guest.raw"
    leaders >"$TMP/after"
    self=$(awk '$1 == "self" { print $2 }' "$TMP/guest.raw")
    grep -E '^[0-9]+$' "$TMP/guest.raw" | grep -vx "$self" | sort -n >"$TMP/guest"
    echo "# try $try: guest /proc: $(wc -l <"$TMP/guest") processes (its agent's sh -c $self left out), lkdb: $(wc -l <"$TMP/before") and $(wc -l <"$TMP/after") leaders"
    if cmp -s "$TMP/before" "$TMP/guest" && cmp -s "$TMP/after" "$TMP/guest"; then
        same=0
        break
    fi
    diff "$TMP/before" "$TMP/guest" | diag
done
check "the leaders are exactly the PIDs of the guest's /proc" test $same = 0
check "the guest's /proc has at least 20 processes" test "$(wc -l <"$TMP/guest")" -ge 20

# ps -S against the guest's own count per state (/proc/PID/task/*/stat's
# state letter; the shell that reads them and its pipeline left out), read
# before and after lkdb's: a state's count within what moved between them;
# the idle tasks (PID 0, not in /proc) are RU.
states() {
    # PID STATE PPID per thread, less this shell ($$) and its pipeline
    "$GUEST_SH" run "$g" 'cat /proc/[0-9]*/task/[0-9]*/stat 2>/dev/null | sed "s/^\([0-9]*\) .*) /\1 /" | awk -v me=$$ "\$1 != me && \$3 != me { print \$2 }" | sort | uniq -c' |
        tr -d '\r'
}
for try in 1 2 3; do
    states >"$TMP/st.before"
    "$LKDB" -q -r ":$port" "$V" -c 'ps -S' -c 'ps -S --json' -c ps >"$TMP/ps-S" 2>&1
    states >"$TMP/st.after"
    if python3 - "$TMP/st.before" "$TMP/st.after" "$TMP/ps-S" "$ncpus" <<'PY'
import json, re, sys
names = {'R': 'RU', 'S': 'IN', 'D': 'UN', 'I': 'ID', 'Z': 'ZO', 'T': 'ST', 't': 'TR', 'X': 'DE', 'P': 'PA'}
def guest(path):
    c = {}
    for l in open(path):
        m = re.match(r'^ *(\d+) (\S)$', l)
        if m:
            c[names.get(m[2], m[2])] = c.get(names.get(m[2], m[2]), 0) + int(m[1])
    return c
before, after = guest(sys.argv[1]), guest(sys.argv[2])
t = open(sys.argv[3]).read()
text = {m[1]: int(m[2]) for m in re.finditer(r'(?m)^  ([A-Z]{2}): (\d+)$', t)}
j = json.loads(next(l for l in t.splitlines() if l.startswith('[{"state"')))
rows = [l for l in t.splitlines() if re.match(r'^[> ] +\d+ ', l)]
st = {}
for l in rows:
    s = l[1:].split()[4]
    st[s] = st.get(s, 0) + 1
ncpus = int(sys.argv[4])
ok = text == {e['state']: e['count'] for e in j} == st and \
     [e['state'] for e in j] == list(dict.fromkeys(l[1:].split()[4] for l in rows))
for s in set(before) | set(after) | set(text):
    lo = min(before.get(s, 0), after.get(s, 0)) - 2
    hi = max(before.get(s, 0), after.get(s, 0)) + 2 + (ncpus if s == 'RU' else 0)
    ok = ok and lo <= text.get(s, 0) <= hi
print('# guest %s .. %s, lkdb ps -S %s' % (before, after, text))
sys.exit(0 if ok and text.get('IN', 0) >= 5 else 1)
PY
    then same=0; break; else same=1; fi
done
check "ps -S: each state's count as the guest's /proc counts it (idle tasks RU); the rows' ST; --json the same" test $same = 0

# ps -c 1 and ps -p: init's children are the processes whose /proc/PID/stat
# PPID is 1 (and the idle tasks init forked for the other CPUs, PID 0), a
# sleeper's parents are swapper, init, itself; -k and -u split the rows,
# bracketed or not; -G keeps the thread-group leaders.
for try in 1 2 3; do
    "$GUEST_SH" run "$g" 'for f in /proc/[0-9]*/stat; do read -r l < $f; set -- ${l##*) }; [ "$2" = 1 ] && echo ${l%% *}; done' |
        tr -d '\r' | sort -n >"$TMP/kids.before"
    "$LKDB" -q -r ":$port" "$V" -c 'ps -c 1' -c "ps -p ${sleepers[0]}" -c 'ps -k' -c 'ps -u' -c ps -c 'ps -G --json' >"$TMP/pc" 2>&1
    "$GUEST_SH" run "$g" 'for f in /proc/[0-9]*/stat; do read -r l < $f; set -- ${l##*) }; [ "$2" = 1 ] && echo ${l%% *}; done' |
        tr -d '\r' | sort -n >"$TMP/kids.after"
    if python3 - "$TMP/kids.before" "$TMP/kids.after" "$TMP/pc" "${sleepers[0]}" <<'PY'
import json, re, sys
before = {int(l) for l in open(sys.argv[1]) if l.strip()}
after = {int(l) for l in open(sys.argv[2]) if l.strip()}
t = open(sys.argv[3]).read()
heads = re.findall(r'(?m)^( *)PID: (\d+) ', t)
kids = set()
i = 1
while i < len(heads) and heads[i][0] == '  ':
    kids.add(int(heads[i][1]))
    i += 1
chain = [(len(sp), int(p)) for sp, p in heads[i:i + 3]]
rows = [l for l in t.splitlines() if re.match(r'^[> ] +\d+ +\d+ ', l)]
blocks = t.split('   PID    PPID')
k = [l for l in blocks[1].splitlines()[1:] if re.match(r'^[> ] +\d+ ', l)]
u = [l for l in blocks[2].splitlines()[1:] if re.match(r'^[> ] +\d+ ', l)]
allrows = [l for l in blocks[3].splitlines()[1:] if re.match(r'^[> ] +\d+ ', l)]
g = json.loads(t[t.index('[{'):])
kids.discard(0)
ok = heads[0][1] == '1' and before & after <= kids <= before | after and \
     chain == [(0, 0), (1, 1), (2, int(sys.argv[4]))] and \
     all(l.rstrip().endswith(']') for l in k) and not any(l.rstrip().endswith(']') for l in u) and \
     len(k) + len(u) == len(allrows) and g and all(e['pid'] == e['tgid'] for e in g)
print('# /proc children of 1 %s .. %s; ps -c 1 %s; ps -p chain %s; -k %d, -u %d of %d rows'
      % (sorted(before), sorted(after), sorted(kids), chain, len(k), len(u), len(allrows)))
sys.exit(0 if ok else 1)
PY
    then same=0; break; else same=1; fi
done
check "ps -c 1 has the processes whose PPID /proc says is 1; ps -p climbs from swapper; -k, -u, -G select as said" test $same = 0

# Bad usage is refused.
"$LKDB" -q -r ":$port" "$V" -c 'ps -x' >"$TMP/out" 2>&1
status=$?
diag "$TMP/out"
check "ps -x: usage error, exit 1" test $status = 1
done_testing

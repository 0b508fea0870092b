#!/usr/bin/env bash
# runq -g: each CPU's fair queue by task group, against the guest's own
# cgroups.  The guest mounts cgroup2 with the cpu controller and runs busy
# loops in /lkdb-busy (two), /lkdb-nest/lkdb-inner (one, a
# level deeper) and /lkdb-slow (one, cpu.max 0.1%: throttled nearly
# always).  Live: each loop's PID shows under a TASK_GROUP named as the
# last part of its /proc/PID/cgroup path, as deep as that path, the inner
# group under <lkdb-nest>; the slow group (THROTTLED), shown though its
# parent's tree does not hold it; --json has the text's lines.  A dump of
# the guest after a sysrq panic: every loop under its group, and crash
# 8.0.2's lines in lkdb's (but for the tasks crash does not find on such
# dumps).  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
g=$(own_guest runq-groups --mem 256) || exit 1
port=$(guest_port "$g") || exit 1
setup='mkdir -p /sys/fs/cgroup; grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup;'
setup+=' c=/sys/fs/cgroup; echo +cpu >$c/cgroup.subtree_control;'
setup+=' mkdir -p $c/lkdb-busy $c/lkdb-nest $c/lkdb-slow; echo +cpu >$c/lkdb-nest/cgroup.subtree_control;'
setup+=' mkdir -p $c/lkdb-nest/lkdb-inner; echo "1000 1000000" >$c/lkdb-slow/cpu.max;'
setup+=' for d in lkdb-busy lkdb-busy lkdb-nest/lkdb-inner lkdb-slow; do'
setup+=' sh -c "while :; do :; done" >/dev/null 2>&1 & echo $! >$c/$d/cgroup.procs; echo loop $! $d; done'
"$GUEST_SH" run "$g" "$setup" | tr -d '\r' >"$TMP/setup"
diag "$TMP/setup"
mapfile -t loops < <(awk '$1 == "loop" { print $2 }' "$TMP/setup")
"$GUEST_SH" run "$g" "for p in ${loops[*]}; do echo cg \$p \$(cut -d: -f3 /proc/\$p/cgroup); done" |
    tr -d '\r' | awk '$1 == "cg"' >"$TMP/cgroups"
diag "$TMP/cgroups"
check "the guest runs 4 busy loops in its cgroups" test "$(grep -c " /lkdb-" "$TMP/cgroups")" = 4
sleep 2
"$LKDB" -q -r ":$port" "$V" -c 'runq -g' -c 'runq -g --json' >"$TMP/live.all" 2>"$TMP/live.err"
status=$?
diag "$TMP/live.err"
awk -v t="$TMP/live.out" -v j="$TMP/live.json" '/^\[/ { isj = 1 } { print > (isj ? j : t) }' "$TMP/live.all"
diag "$TMP/live.out"
check "live: runq -g exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/live.err"
check "live: each loop under the TASK_GROUP of its cgroup, as deep; lkdb-slow THROTTLED; --json the same" \
    python3 - "$TMP/cgroups" "$TMP/live.out" "$TMP/live.json" <<'PY'
import json, re, sys
want = {}
for l in open(sys.argv[1]):
    _, pid, path = (l.split() + [""])[:3]
    want[int(pid)] = path.strip('/').split('/')
text = open(sys.argv[2]).read().splitlines()
found, bad, stack, slow_throttled = {}, [], [], None
for l in text:
    if l.startswith('CPU '):
        stack = []
    m = re.match(r'^( *)TASK_GROUP: ([0-9a-f]+)  CFS_RQ: ([0-9a-f]+) (?: <([^>]*)>)?( \(THROTTLED\))?$', l)
    if m:
        depth = (len(m[1]) - 2) // 3
        stack = stack[:depth - 1] + [m[4] or '']
        if m[4] == 'lkdb-slow':
            slow_throttled = bool(m[5])
        continue
    m = re.match(r'^( *)\[ *(\d+)\] PID: (\d+) ', l)
    if m:
        depth = (len(m[1]) - 5) // 3
        pid = int(m[3])
        if pid in want:
            found[pid] = stack[:depth]
for pid, path in want.items():
    if found.get(pid) != path:
        bad.append('PID %d: cgroup %s, lkdb %s' % (pid, path, found.get(pid)))
if slow_throttled is not True:
    bad.append('lkdb-slow: THROTTLED %s' % slow_throttled)
j = json.load(open(sys.argv[3]))
jlines = []
for c in j:
    for x in c['lines']:
        if x['kind'] == 'group':
            jlines.append(('group', x['depth'], int(x['task_group'], 16), int(x['cfs_rq'], 16), x['name'] or '', x['throttled']))
        elif x['kind'] == 'task':
            jlines.append(('task', x['depth'], x['task']['pid'], x['current']))
        else:
            jlines.append(('empty', x['depth']))
tlines = []
for l in text:
    m = re.match(r'^( *)TASK_GROUP: ([0-9a-f]+)  CFS_RQ: ([0-9a-f]+) (?: <([^>]*)>)?( \(THROTTLED\))?$', l)
    if m:
        tlines.append(('group', (len(m[1]) - 2) // 3, int(m[2], 16), int(m[3], 16), m[4] or '', bool(m[5])))
        continue
    m = re.match(r'^( *)\[ *-?\d+\] PID: (\d+) .*?( \[CURRENT\])?$', l)
    if m:
        tlines.append(('task', (len(m[1]) - 5) // 3, int(m[2]), bool(m[3])))
        continue
    m = re.match(r'^( *)\[no tasks queued\]$', l)
    if m:
        tlines.append(('empty', (len(m[1]) - 5) // 3))
if jlines != tlines:
    bad.append('--json lines differ from the text (%d, %d)' % (len(jlines), len(tlines)))
print('# loops: %s\n# found: %s\n# %s' % (want, found, bad or 'as the guest put them'))
sys.exit(0 if not bad else 1)
PY
kaslr=$(guest_kaslr_offset "$g")
"$GUEST_SH" run "$g" --no-wait 'echo c > /proc/sysrq-trigger' >/dev/null 2>&1
"$GUEST_SH" wait "$g" 'end Kernel panic' 60 >/dev/null 2>&1
"$GUEST_SH" dump "$g" "$TMP/vmcore.elf" --format elf >/dev/null 2>&1
"$LKDB" -q "$V" "$TMP/vmcore.elf" -c 'runq -g' >"$TMP/dump.out" 2>"$TMP/dump.err"
status=$?
diag "$TMP/dump.err"
check "dump: runq -g exits 0 with no warning, every loop under its group" \
    bash -c "test $status = 0 -a ! -s '$TMP/dump.err' &&
             for p in ${loops[*]}; do grep -qE \"^ +\\[120\\] PID: \$p \" '$TMP/dump.out' || exit 1; done &&
             grep -q '<lkdb-inner>' '$TMP/dump.out' && grep -q '<lkdb-slow> (THROTTLED)' '$TMP/dump.out'"
if have_crash; then
    # crash 8.0.2 does not find the tasks started after boot on these
    # dumps ("active task ... not found in PID hash"; its ps lists none of
    # them) and shows their queues as "[no tasks queued]": its other
    # lines, in its order, must be lkdb's.
    printf 'runq -g > %s\nquit\n' "$TMP/crash.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$TMP/vmcore.elf" -i "$TMP/crash.in" >/dev/null 2>&1
    diag "$TMP/crash.out"
    check "crash: crash 8.0.2's runq -g lines (group headers, names, THROTTLED, the tasks it knows) are lkdb's, in order" \
        python3 - "$TMP/crash.out" "$TMP/dump.out" <<'PY'
import sys
crash = [l for l in open(sys.argv[1]).read().splitlines() if not l.endswith('[no tasks queued]')]
lkdb = open(sys.argv[2]).read().splitlines()
it = iter(lkdb)
missing = [l for l in crash if not any(l == x for x in it)]
groups = [l for l in lkdb if 'TASK_GROUP: ' in l]
ok = not missing and groups == [l for l in crash if 'TASK_GROUP: ' in l] and len(groups) >= 6
print('# %d of crash\'s lines, %d group lines; not in lkdb\'s order: %s' % (len(crash), len(groups), missing[:3]))
sys.exit(0 if ok else 1)
PY
else
    ok 0 "crash: runq -g as crash's # SKIP $crash_skip"
fi
"$GUEST_SH" stop "$g" >/dev/null 2>&1
one_line_errors "$V" "$TMP/vmcore.elf" -- 'runq -g -t' 'runq -g x' 'runq -x'
"$LKDB" -q "$V" "$TMP/vmcore.elf" -c 'help runq' >"$TMP/help.out" 2>&1
check "help runq gives -g and its --json lines" \
    bash -c "grep -qF 'runq [-t|-m|-g] [--json]' '$TMP/help.out' && grep -qF 'lines: [{kind: \"group\", depth, task_group,' '$TMP/help.out'"
done_testing

#!/usr/bin/env bash
# tree on the shared dump (ELF and flattened).  Ground truth: the PID
# XArray of init_pid_ns (its idr) holds a struct pid at each PID the
# kernel's task list has (ps, less the idle tasks, PID 0): with -p the
# indexes are those PIDs and each entry's pid.numbers[0].nr is its index
# (gdb); free_vmap_area_root in order (-l) is sorted by va_start and has
# the free_vmap_area_list's areas; a sleeper's maple tree of VMAs covers
# its /proc/PID/maps.  crash 8.0.2 prints the same lines byte for
# byte (pre-order, -l, -p, -s; XArray, -p).  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
D=$d/vmcore.elf

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'ps --json' >"$TMP/ps.json" 2>&1
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'tree -t xarray -p -r pid_namespace.idr init_pid_ns' >"$TMP/pids.out" 2>"$TMP/pids.err"
    diag "$TMP/pids.err"
    check "dump ($f): the PID XArray's indexes are ps's PIDs (idle tasks aside), in order" \
        python3 - "$TMP/ps.json" "$TMP/pids.out" <<'PY'
import json, re, sys
pids = sorted({t['pid'] for t in json.load(open(sys.argv[1])) if t['pid'] > 0})
idx = [int(m.group(1)) for m in re.finditer(r'^  index: (\d+)  position: root(/\d+)+$',
                                              open(sys.argv[2]).read(), re.M)]
print('# %d PIDs in ps, %d entries in the XArray' % (len(pids), len(idx)))
sys.exit(0 if idx and idx == pids else 1)
PY
done
"$LKDB" -q "$V" "$D" -c 'tree -t x -r pid_namespace.idr -s pid.numbers[0].nr init_pid_ns' >"$TMP/nr.out" 2>&1
check "-s: each struct pid's numbers[0].nr is its index (gdb's value, crash's line)" \
    python3 - "$TMP/pids.out" "$TMP/nr.out" <<'PY'
import re, sys
idx = re.findall(r'^  index: (\d+)', open(sys.argv[1]).read(), re.M)
nrs = re.findall(r'^  numbers\[0\]\.nr = (\d+),$', open(sys.argv[2]).read(), re.M)
sys.exit(0 if idx and idx == nrs else 1)
PY

# The free vmalloc areas: in a tree and a list on 6.1 and 6.12 alike
# (the busy ones moved to per-node trees in 6.9).
"$LKDB" -q "$V" "$D" -c 'tree -l -o vmap_area.rb_node -s vmap_area.va_start free_vmap_area_root' \
    -c 'list -H free_vmap_area_list -o vmap_area.list' >"$TMP/va.out" 2>&1
diag "$TMP/va.out"
check "free_vmap_area_root in order (-l): va_start ascending, the areas of free_vmap_area_list" \
    python3 - "$TMP/va.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read().splitlines()
tree = [l for i, l in enumerate(t) if i + 1 < len(t) and t[i + 1].startswith('  va_start')]
starts = [int(l.split('=')[1].strip(' ,')) for l in t if l.startswith('  va_start')]
listed = [l for l in t[2 * len(tree):] if re.match(r'^[0-9a-f]+$', l)]
print('# %d areas in the tree, %d in the list' % (len(tree), len(listed)))
sys.exit(0 if tree and starts == sorted(starts) and sorted(tree) == sorted(listed) else 1)
PY

"$LKDB" -q "$V" "$D" -c 'tree -t x -p -r pid_namespace.idr init_pid_ns' \
    -c 'tree --json -t x -r pid_namespace.idr init_pid_ns' >"$TMP/json.out" 2>&1
check "--json: the text's entries, positions and indexes" \
    python3 - "$TMP/json.out" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
text, j = t[:t.index('[')], json.loads(t[t.index('['):])
rows = re.findall(r'^([0-9a-f]+)\n  index: (\d+)  position: (\S+)$', text, re.M)
ok = rows and [(int(a, 16), int(i), p) for a, i, p in rows] == \
     [(int(e['address'], 16), e['index'], e['position']) for e in j]
sys.exit(0 if ok else 1)
PY

# A maple tree: the sleeper's VMAs (mm_struct.mm_mt) cover what its
# /proc/PID/maps said, range by range (-p), each entry a vm_area_struct
# whose vm_start and vm_end are its range (gdb, -s); --json the same.
upid=$(awk '$1 == "user-page" { print $2; exit }' "$d/guest-proc")
grep '^maps ' "$d/guest-proc" | cut -d' ' -f2 >"$TMP/maps"
mm=$("$LKDB" -q "$V" "$D" -c "vm $upid" | awk 'NR == 3 { print $1 }')
"$LKDB" -q "$V" "$D" -c "tree -t maple -p -r mm_struct.mm_mt $mm" \
    -c "tree -t m -r mm_struct.mm_mt -s vm_area_struct.vm_start,vm_end $mm" \
    -c "tree -t maple --json -r mm_struct.mm_mt $mm" >"$TMP/maple.out" 2>&1
check "tree -t maple: PID $upid's VMAs (mm $mm) cover /proc/$upid/maps's ranges; -s and --json agree" \
    python3 - "$TMP/maps" "$TMP/maple.out" <<'PY'
import json, re, sys
maps = [tuple(int(x, 16) for x in l.split('-')) for l in open(sys.argv[1]) if l.strip()]
t = open(sys.argv[2]).read()
text, j = t[:t.index('[{')], json.loads(t[t.index('[{'):])
ranges = [(a, int(f, 16), int(l, 16) + 1) for a, f, l in
          re.findall(r'(?m)^([0-9a-f]+)\n  range: ([0-9a-f]+)-([0-9a-f]+)$', text)]
members = [(a, int(s), int(e)) for a, s, e in
           re.findall(r'(?m)^([0-9a-f]+)\n  vm_start = (\d+),\n  vm_end = (\d+),$', text)]
js = [('%x' % int(e['address'], 16), int(e['first'], 16), int(e['last'], 16) + 1) for e in j]
print('# %d ranges in maps, %d entries' % (len(maps), len(ranges)))
sys.exit(0 if maps and [r[1:] for r in ranges] == maps and ranges == members == js else 1)
PY

one_line_errors "$V" "$D" -- 'tree' 'tree -t avl init_pid_ns' 'tree no_such_symbol_here' \
    'tree -t x -l init_pid_ns' 'tree -o no_such_struct.member vmap_area_root' 'tree -N -r 8 vmap_area_root' \
    'tree -t maple -N init_mm' 'tree -t maple -l init_mm'

# crash on the same dump, byte for byte.
forms=('tree -t rbtree -o vmap_area.rb_node vmap_area_root' 'tree -l -t rbtree -o vmap_area.rb_node vmap_area_root'
       'tree -p -t rbtree -o vmap_area.rb_node vmap_area_root'
       'tree -t rbtree -o vmap_area.rb_node -s vmap_area.va_start,va_end vmap_area_root'
       'tree -t xarray -r pid_namespace.idr init_pid_ns' 'tree -t xarray -p -r pid_namespace.idr init_pid_ns')
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    # crash's own redirection: its stdout interleaves when not a terminal.
    i=0
    for form in "${forms[@]}"; do
        i=$((i + 1))
        printf '%s > %s\n' "$form" "$TMP/crash.$i"
    done >"$TMP/crash.in"
    echo quit >>"$TMP/crash.in"
    timeout 600 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >/dev/null 2>&1
    i=0
    for form in "${forms[@]}"; do
        i=$((i + 1))
        "$LKDB" -q "$V" "$D" -c "$form" >"$TMP/ours.$i" 2>&1
        diff "$TMP/crash.$i" "$TMP/ours.$i" | head -n 5 | diag
        check "crash: $form prints crash's $(grep -c '' "$TMP/crash.$i" 2>/dev/null) lines" \
            bash -c "test -s '$TMP/ours.$i' && cmp -s '$TMP/crash.$i' '$TMP/ours.$i'"
    done
else
    for form in "${forms[@]}"; do ok 0 "crash: $form # SKIP $crash_skip"; done
fi
done_testing

#!/usr/bin/env bash
# struct, union and *NAME on the shared dump, against crash 8.0.2 on the
# same dump (line for line where lkdb does not differ on purpose) and the
# guest's own view (a sleeper's PID and comm through its task_struct);
# --json; the vmlinux alone (no target) for a layout; bad input one line.
# lkdb differs from crash on purpose where crash puts a named anonymous
# member's offset on its closing line (mm_struct's lru_gen, dentry's d_u)
# and where crash names module addresses (gdb has no module symbols until
# mod -s): those forms are left out of the comparison.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
D=$d/vmcore.elf
read -r upid _ < <(sed -n 's/^user-page //p' "$d/guest-proc")
task=$("$LKDB" -q "$V" "$D" -c 'ps --json' | python3 -c "import json,sys; print(['%x' % int(t['task'], 16) for t in json.load(sys.stdin) if t['pid'] == $upid][0])")
echo "# sleeper $upid: task $task"

"$LKDB" -q "$V" "$D" -c "struct task_struct.pid,comm $task" -c "*task_struct.pid 0x$task" >"$TMP/m.out" 2>"$TMP/m.err"
diag "$TMP/m.out" "$TMP/m.err"
check "struct task_struct.pid,comm: the sleeper's PID and comm \"sleep\", crash's \"  member = value,\" lines" \
    test "$(sed -n 1p "$TMP/m.out")" = "  pid = $upid," -a -n "$(sed -n '2{/^  comm = "sleep\\000/p}' "$TMP/m.out")"
check "*task_struct.pid is struct task_struct.pid" test "$(sed -n 3p "$TMP/m.out")" = "  pid = $upid,"

"$LKDB" -q "$V" "$D" -c 'struct list_head --json' -c "struct task_struct.pid --json $task" >"$TMP/j.out" 2>&1
check "--json: a layout's type, size and definition; a member's value at an address" \
    python3 - "$TMP/j.out" "$upid" "$task" <<'PY'
import json, sys
dec = json.JSONDecoder()
t = open(sys.argv[1]).read()
a, end = dec.raw_decode(t)
b, _ = dec.raw_decode(t[end:].lstrip())
ok = a == {'type': 'list_head', 'size': 16, 'definition':
           'struct list_head {\n    struct list_head *next;\n    struct list_head *prev;\n}\n'} and \
     b == [{'address': '0x' + sys.argv[3], 'values': {'pid': sys.argv[2]}}]
sys.exit(0 if ok else 1)
PY

"$LKDB" -q "$V" -c 'struct list_head -o' >"$TMP/novm.out" 2>&1
diag "$TMP/novm.out"
check "the vmlinux alone (no target): struct list_head -o with offsets and SIZE: 16" \
    test "$(cat "$TMP/novm.out")" = "$(printf 'struct list_head {\n   [0] struct list_head *next;\n   [8] struct list_head *prev;\n}\nSIZE: 16')"

if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    forms=("struct task_struct -o" "struct task_struct" "struct page" "struct qstr -o" "struct qstr"
           "struct file -o" "struct inode -o" "struct list_head -o $task" "*list_head"
           "struct task_struct.pid,comm,tasks $task" "struct list_head $task 2")
    printf '%s\n' "${forms[@]}" quit >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" 2>&1 |
        grep -vE '^(WARNING|crash):' | sed '1{/^$/d}' >"$TMP/crash.out"
    args=()
    for f in "${forms[@]}"; do args+=(-c "$f"); done
    "$LKDB" -q "$V" "$D" "${args[@]}" >"$TMP/ours.out" 2>&1
    diff "$TMP/crash.out" "$TMP/ours.out" | head -n 20 | diag
    check "crash: ${#forms[@]} forms of struct print crash's lines ($(wc -l <"$TMP/ours.out") lines)" \
        cmp -s "$TMP/crash.out" "$TMP/ours.out"
else
    ok 0 "crash: struct prints crash's lines # SKIP $crash_skip"
fi

one_line_errors "$V" "$D" -- 'struct' 'struct no_such_struct_here' 'struct a-b' 'struct list_head.next' \
    'struct -q list_head' "struct list_head $task 0" 'union list_head'
# task -R: task_struct members of given tasks (gdb's values), the sleeper's
# pid and comm as ps has them; --json the same; the context stays.
"$LKDB" -q "$V" "$D" -c "task -R pid,comm 1 $upid" -c "task -R pid --json $upid" -c 'task --json' >"$TMP/r.out" 2>&1
check "task -R pid,comm 1 $upid: each task's header and members; --json; the context unchanged" \
    python3 - "$TMP/r.out" "$upid" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
u = sys.argv[2]
pids = re.findall(r'(?m)^  pid = (\d+),$', t)
comms = re.findall(r'(?m)^  comm = "(\w+)', t)
docs = [json.loads(l) for l in t.splitlines() if l.startswith('[{') or l.startswith('{')]
ok = pids == ['1', u] and comms == ['init', 'sleep'] and \
     docs[0][0]['values'] == {'pid': u} and docs[1]['pid'] != int(u)
sys.exit(0 if ok else 1)
PY
done_testing

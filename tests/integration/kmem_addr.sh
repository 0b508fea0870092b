#!/usr/bin/env bash
# kmem ADDR on the shared dump: what an address is.  Ground truth: a task's
# task_struct is an allocated object of the task_struct cache (ps gives
# its address), its stack holds its kernel stack (task->stack from gdb),
# a symbol's address is that symbol (sym), a sleeper's user page (from its
# /proc/PID/pagemap) is a page of no slab with lru in its flags; and crash
# 8.0.2's kmem -S, whose free and allocated objects of kmalloc-64 must be
# lkdb's too.  kmem -p: crash's page lines.  --json; bad input one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
D=$d/vmcore.elf
read -r upid uaddr uentry < <(sed -n 's/^user-page //p' "$d/guest-proc")
task1=$("$LKDB" -q "$V" "$D" -c 'ps --json' | python3 -c 'import json,sys; print(["%x" % int(t["task"], 16) for t in json.load(sys.stdin) if t["pid"] == 1][0])')
stack=$("$LKDB" -q "$V" "$D" -c "p/x ((struct task_struct *)0x$task1)->stack" | sed -n 's/^\$1 = 0x//p')
jiffies=$("$LKDB" -q "$V" "$D" -c 'sym jiffies_64' | awk 'NR == 1 { print $1 }')
upage=$("$LKDB" -q "$V" "$D" -c "ptov $(printf '%x' $(( (0x$uentry & ((1 << 55) - 1)) * 4096 )))" | awk 'NR == 2 { print $1 }')
echo "# task 1 $task1, its stack $stack, jiffies_64 $jiffies, pid $upid's user page at $upage"

"$LKDB" -q "$V" "$D" -c "kmem $task1" -c "kmem $(printf '%x' $((0x$task1 + 100)))" >"$TMP/task.out" 2>"$TMP/task.err"
diag "$TMP/task.out" "$TMP/task.err"
check "kmem TASK: an allocated object of task_struct at the task's address, offset 0" \
    bash -c "grep -qE '^[0-9a-f]{16} +[0-9]+ +[0-9]+  task_struct\$' '$TMP/task.out' &&
             grep -qE '^  $task1 +0  allocated\$' '$TMP/task.out'"
check "kmem TASK+100: the same object, offset 100" grep -qE "^  $task1 +100  allocated\$" "$TMP/task.out"

"$LKDB" -q "$V" "$D" -c "kmem $(printf '%x' $((0x$stack + 5000)))" -c "kmem $jiffies" -c 'kmem crashme_write+4' \
    -c "kmem $upage" >"$TMP/other.out" 2>"$TMP/other.err"
diag "$TMP/other.out" "$TMP/other.err"
check "kmem in task 1's stack: its kernel stack, 5000 bytes in" \
    grep -qE "^[0-9a-f]+: the kernel stack of PID 1 \(init, task $task1\), 5000 bytes into it at $stack\$" "$TMP/other.out"
check "kmem jiffies_64's address: that symbol, in the kernel image" \
    grep -qE "^$jiffies: jiffies_64\+0x0/0x[0-9a-f]+, in the kernel image\$" "$TMP/other.out"
check "kmem crashme_write+4: that function in the module crashme" \
    grep -qE '^[0-9a-f]+: crashme_write\+0x4/0x[0-9a-f]+ \[crashme\], in a module$' "$TMP/other.out"
check "kmem of pid $upid's user page: a page of no slab, on an LRU" \
    bash -c "grep -qE '^$upage: in the direct map, a page of no slab\$' '$TMP/other.out' && grep -qE ' [a-z_,]*lru' '$TMP/other.out'"

"$LKDB" -q "$V" "$D" -c "kmem --json $task1" -c "kmem --json $(printf '%x' $((0x$stack + 8)))" >"$TMP/json.out" 2>&1
check "--json: the object's cache, offset and state; the stack's PID" \
    python3 - "$TMP/json.out" "$task1" <<'PY'
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
ok = a['kind'] == 'slab' and a['name'] == 'task_struct' and a['object'] == '0x' + sys.argv[2] and \
     a['offset'] == 0 and a['state'] == 'allocated' and b['kind'] == 'stack' and b['pid'] == 1
sys.exit(0 if ok else 1)
PY

if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'kmem -S kmalloc-64\nquit\n' >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >"$TMP/crash.out" 2>&1
    # crash: "   ADDR  (cpu N cache)" free, "  [ADDR]" allocated
    python3 - "$TMP/crash.out" >"$TMP/objs" <<'PY'
import re, sys
for l in open(sys.argv[1]):
    m = re.match(r'^   ([0-9a-f]{16})\b', l) or re.match(r'^  \[([0-9a-f]{16})\]$', l)
    if m:
        print('free' if l.startswith('   ') else 'allocated', m.group(1))
PY
    args=()
    while read -r _ a; do args+=(-c "kmem --json $a"); done <"$TMP/objs"
    "$LKDB" -q "$V" "$D" "${args[@]}" >"$TMP/states.json" 2>&1
    check "crash: kmalloc-64's $(grep -c ^free "$TMP/objs") free and $(grep -c ^allocated "$TMP/objs") allocated objects (kmem -S) are lkdb's too" \
        python3 - "$TMP/objs" "$TMP/states.json" <<'PY'
import json, sys
want = [l.split() for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2]) if l.startswith('{')]
bad = [(w, g.get('state')) for w, g in zip(want, got) if g.get('state') != w[0] or g.get('name') != 'kmalloc-64']
print('# %d objects, %d differ %s' % (len(want), len(bad), bad[:3]))
sys.exit(0 if want and len(got) == len(want) and not bad and any(w[0] == 'free' for w in want) else 1)
PY
else
    ok 0 "crash: kmalloc-64's objects as crash's kmem -S # SKIP $crash_skip"
fi

# kmem -p: a line per page of RAM's memory sections; one page named three
# ways (its struct page, its physical address, a kernel virtual address in
# it) is the same line; the sleeper's user page (pagemap's PFN) is on an
# LRU; --json has the text's pages.  crash 8.0.2 prints the same lines.
upfn=$(( 0x$uentry & ((1 << 55) - 1) ))
"$LKDB" -q "$V" "$D" -c 'kmem -p' >"$TMP/p.out" 2>"$TMP/p.err"
sections=$(( ($(grep -c '^[0-9a-f]' "$TMP/p.out") * 4096 + (1 << 27) - 1) >> 27 ))
echo "# kmem -p: $(grep -c '' "$TMP/p.out") lines, $sections memory sections"
check "kmem -p: crash's header, then a line per page in physical order, no error" \
    python3 - "$TMP/p.out" "$TMP/p.err" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
phys = [int(l.split()[1], 16) for l in lines[1:]]
ok = lines[0].split() == 'PAGE PHYSICAL MAPPING INDEX CNT FLAGS'.split() and \
     phys == sorted(phys) and len(phys) % 32768 == 0 and phys[0] == 0 and \
     not open(sys.argv[2]).read()
sys.exit(0 if ok else 1)
PY
uline=$(awk -v p="$(printf '%x' $((upfn * 4096)))" '$2 == p' "$TMP/p.out")
echo "# pid $upid's user page: $uline"
check "kmem -p: pid $upid's user page (pagemap PFN) is on an LRU, mapped" \
    bash -c "grep -qE ' [a-z_,]*lru' <<<'$uline' && test \"\$(awk '{print \$3}' <<<'$uline')\" != 0"
upg=$(awk '{print $1}' <<<"$uline")
"$LKDB" -q "$V" "$D" -c "kmem -p $upg $(printf '%x' $((upfn * 4096 + 123))) $upage" -c "kmem -p --json $upg" >"$TMP/p3.out" 2>&1
check "kmem -p by struct page, physical and virtual address: the same line, the whole list's" \
    test "$(grep -cxF "$uline" "$TMP/p3.out")" = 3
check "kmem -p --json: the text's page" \
    python3 - "$TMP/p3.out" "$uline" <<'PY'
import json, sys
t = open(sys.argv[1]).read()
j = json.loads(t[t.index('['):])[0]
f = sys.argv[2].split(None, 6)
ok = (j['page'], j['physical'], j['mapping'], j['index'], j['count'], j['flags']) == \
     ('0x' + f[0], '0x' + f[1], '0x' + f[2], int(f[3], 16), int(f[4]), '0x' + f[5]) and \
     j['flag_names'] == (f[6] if len(f) > 6 else '')
sys.exit(0 if ok else 1)
PY
if have_crash; then
    printf 'kmem -p\nquit\n' >"$TMP/crashp.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crashp.in" 2>&1 |
        grep -vE '^(WARNING|crash):|^$' >"$TMP/crashp.out"
    diff "$TMP/crashp.out" "$TMP/p.out" | head -n 10 | diag
    check "crash: kmem -p prints crash's $(grep -c '' "$TMP/crashp.out") lines byte for byte" \
        cmp -s "$TMP/crashp.out" "$TMP/p.out"
else
    ok 0 "crash: kmem -p prints crash's lines # SKIP $crash_skip"
fi

one_line_errors "$V" "$D" -- 'kmem no_such_symbol_here' 'kmem -i 1234' 'kmem ffff0000 extra' \
    'kmem -p no_such_symbol_here' 'kmem -i -p' 'kmem -p ffff800000000000'
done_testing

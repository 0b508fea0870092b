#!/usr/bin/env bash
# rd on the shared dump (ELF and flattened) and the live shared guest,
# against the guest's own view: -a linux_banner is /proc/version, -p at
# the start of /proc/iomem's "Kernel code" is _text, -s on sys_call_table
# names read and write (syscalls 0 and 1).  crash 8.0.2 on the same dump
# prints the same lines byte for byte.  A read that runs into a task's
# stack guard page prints what came before and one error naming the
# address; bad arguments give one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
version=$(sed -n 's/^proc-version //p' "$d/guest-proc")
code=$(shared_fact "$d" kernel-code)
code=${code%%-*}
echo "# /proc/version: $version"
echo "# Kernel code at physical 0x$code"

# text_of FILE: the -a lines' characters, joined
text_of() { sed -nE 's/^ *[0-9a-f]+:  //p' "$1" | tr -d '\n'; }
# values FILE: the entries of hex lines, one per line
values() { sed -nE 's/^ *[0-9a-f]+:  (([0-9a-f]+ )+).*/\1/p' "$1" | tr ' ' '\n' | sed '/^$/d'; }

for f in elf flat; do
    D=$d/vmcore.$f
    "$LKDB" -q "$V" "$D" -c 'rd -a linux_banner' >"$TMP/a.out" 2>"$TMP/a.err"
    check "dump ($f): rd -a linux_banner is the guest's /proc/version" \
        test "$(text_of "$TMP/a.out")" = "$version" -a ! -s "$TMP/a.err"
    check "dump ($f): rd -a puts 60 characters on a line, each line at its address" \
        python3 - "$TMP/a.out" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
addrs = [int(l.split(':')[0], 16) for l in lines]
texts = [l.split(':  ', 1)[1] for l in lines]
ok = all(len(t) == 60 for t in texts[:-1]) and \
     all(addrs[i + 1] - addrs[i] == 60 for i in range(len(addrs) - 1))
sys.exit(0 if ok and len(lines) > 1 else 1)
PY
    "$LKDB" -q "$V" "$D" -c 'rd linux_banner 6' >"$TMP/hex.out" 2>&1
    check "dump ($f): rd linux_banner 6: three lines whose characters start /proc/version" \
        test "$(wc -l <"$TMP/hex.out") $(sed -E 's/.*   //' "$TMP/hex.out" | tr -d '\n')" = "3 ${version:0:48}"
    "$LKDB" -q "$V" "$D" -c "rd -p 0x$code 4" -c 'rd _text 4' >"$TMP/phys.out" 2>&1
    diag "$TMP/phys.out"
    check "dump ($f): rd -p at the Kernel code start has _text's values" \
        test "$(values "$TMP/phys.out" | head -n 4 | tr '\n' ' ')" = "$(values "$TMP/phys.out" | tail -n 4 | tr '\n' ' ')" -a \
             "$(grep -c '' "$TMP/phys.out")" = 4
    "$LKDB" -q "$V" "$D" -c 'rd -s sys_call_table 2' >"$TMP/sym.out" 2>&1
    diag "$TMP/sym.out"
    check "dump ($f): rd -s sys_call_table 2 names syscalls 0 and 1, read and write" \
        grep -qE '^ *[0-9a-f]+:  __x64_sys_read +__x64_sys_write +$' "$TMP/sym.out"
done
D=$d/vmcore.elf

# --json: the entries, their addresses and values as the text has them.
"$LKDB" -q "$V" "$D" -c 'rd linux_banner 3' -c 'rd --json linux_banner 3' -c 'rd -a --json linux_banner' >"$TMP/json.out" 2>&1
check "--json: the text's addresses and values, and -a's string" \
    python3 - "$TMP/json.out" "$version" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
lines = text.splitlines()
hexl = [l for l in lines if re.match(r'^ *[0-9a-f]+:  ', l)]
start = int(hexl[0].split(':')[0], 16)
vals = [int(v, 16) for l in hexl for v in l.split(':  ', 1)[1].split('   ')[0].split()]
dec = json.JSONDecoder()
i = text.index('[')
rows, end = dec.raw_decode(text, i)
obj, _ = dec.raw_decode(text, text.index('{"address"', end))
ok = [r['value'] for r in rows] == vals and \
     [int(r['address'], 16) for r in rows] == [start + 8 * k for k in range(3)] and \
     all(r['symbol'] is None for r in rows) and obj['string'] == sys.argv[2]
sys.exit(0 if ok else 1)
PY

# -u: a sleeper's first user page (its /proc/PID/maps) starts with its
# program's ELF header; a kernel thread has no user memory.
read -r upid uaddr _ < <(sed -n 's/^user-page //p' "$d/guest-proc")
"$LKDB" -q "$V" "$D" -c "task $upid" -c "rd -u -32 $uaddr 2" -c "rd -u -a $(printf %x $((0x$uaddr + 1)))" >"$TMP/u.out" 2>&1
grep -E '^ *[0-9a-f]+:  ' "$TMP/u.out" | diag
check "rd -u in task $upid's memory: the ELF magic at its first mapping ($uaddr)" \
    grep -qE "^ *$(printf '%x' $((0x$uaddr))):  464c457f [0-9a-f]{8} +\.ELF" "$TMP/u.out"
check "rd -u -a: the characters after the magic's first byte" \
    grep -qE "^ *$(printf '%x' $((0x$uaddr + 1))):  ELF\$" "$TMP/u.out"
"$LKDB" -q "$V" "$D" -c 'task 2' -c "rd -u $uaddr" >"$TMP/ku.out" 2>"$TMP/ku.err"
check "rd -u with a kernel thread as the context: one error saying so" \
    bash -c "test \"\$(grep -c '' '$TMP/ku.err')\" = 1 && grep -q '^lkdb: rd: the context task, PID 2 (kthreadd), is a kernel thread' '$TMP/ku.err'"

# A read into the guard page after a task's (vmalloc'ed) stack: the part
# before it, then one error naming the guard page's address.
task1=$("$LKDB" -q "$V" "$D" -c 'ps --json' | python3 -c 'import json,sys; print(["%x" % int(t["task"], 16) for t in json.load(sys.stdin) if t["pid"] == 1][0])')
stack=$("$LKDB" -q "$V" "$D" -c "p/x ((struct task_struct *)0x$task1)->stack" | sed -n 's/^\$1 = //p')
echo "# pid 1: task 0x$task1, stack $stack"
if [[ $stack =~ ^0x[0-9a-f]+$ ]]; then
    guard=$(printf '%x' $((stack + 16384)))
    "$LKDB" -q "$V" "$D" -c "rd $(printf '%x' $((stack + 16384 - 16))) 4" >"$TMP/guard.out" 2>"$TMP/guard.err"
    status=$?
    diag "$TMP/guard.out" "$TMP/guard.err"
    check "a read running into the stack's guard page shows the line before it and exits 1" \
        test "$status" = 1 -a "$(grep -c '' "$TMP/guard.out")" = 1
    check "its error is one line naming the guard page 0x$guard and how far it got" \
        test "$(grep -c '' "$TMP/guard.err")" = 1 -a -n "$(grep -F "after 16 of 32 bytes: address 0x$guard: not mapped" "$TMP/guard.err")"
else
    ok 1 "a read running into the stack's guard page shows the line before it and exits 1 (no stack address: $stack)"
    ok 1 "its error is one line naming the guard page and how far it got"
fi

# crash on the same dump, line for line (crash's -a leaves its last line
# without a newline, so only its full lines are compared).
forms=('rd linux_banner 6' 'rd -32 jiffies 5' 'rd -16 linux_banner 9' 'rd -8 linux_banner 20'
       "rd -p $code 4" 'rd -d jiffies 3' 'rd -D jiffies 2' 'rd -x jiffies 3' 'rd -s sys_call_table 4'
       'rd -o 8 linux_banner 2')
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    # -e with the hex end crash takes (lkdb takes SYMBOL+OFF too).
    banner=$(sed -nE '1s/^ *([0-9a-f]+):.*/\1/p' "$TMP/hex.out")
    forms+=("rd -e $(printf '%x' $((0x$banner + 40))) $banner")
    for form in "${forms[@]}"; do
        printf '%s\n' "$form"
    done >"$TMP/crash.in"
    echo quit >>"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" 2>&1 |
        grep -vE '^(WARNING|crash):|^$' >"$TMP/crash.out"
    args=()
    for form in "${forms[@]}"; do args+=(-c "$form"); done
    "$LKDB" -q "$V" "$D" "${args[@]}" >"$TMP/ours.out" 2>&1
    diff "$TMP/crash.out" "$TMP/ours.out" | diag
    check "crash: ${#forms[@]} forms of rd print crash's lines byte for byte" \
        cmp -s "$TMP/crash.out" "$TMP/ours.out"
    # -N: crash's entries; its characters are of the swapped value, lkdb's
    # stay the memory's (a deliberate difference).
    printf 'rd -N -32 linux_banner 4\nquit\n' >"$TMP/crashN.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crashN.in" 2>&1 |
        grep -vE '^(WARNING|crash):|^$' >"$TMP/crashN.out"
    "$LKDB" -q "$V" "$D" -c 'rd -N -32 linux_banner 4' >"$TMP/oursN.out" 2>&1
    diag "$TMP/crashN.out" "$TMP/oursN.out"
    check "crash: rd -N -32 has crash's entries; its characters are the memory's, /proc/version's" \
        test "$(values "$TMP/crashN.out")" = "$(values "$TMP/oursN.out")" -a \
             "$(sed -E 's/.*   //' "$TMP/oursN.out")" = "${version:0:16}"
    "$LKDB" -q "$V" "$D" -c "rd -e linux_banner+40 linux_banner" >"$TMP/esym.out" 2>&1
    check "rd -e takes SYMBOL+OFF as well: the same lines as crash's -e with the address" \
        test "$(cat "$TMP/esym.out")" = "$(tail -n "$(grep -c '' "$TMP/esym.out")" "$TMP/ours.out")"
else
    ok 0 "crash: rd prints crash's lines byte for byte # SKIP $crash_skip"
    ok 0 "crash: rd -N -32 has crash's entries # SKIP $crash_skip"
    ok 0 "rd -e takes SYMBOL+OFF as well # SKIP $crash_skip"
fi

# Live: the guest's own /proc/version and Kernel code; physical memory
# through the kernel's direct map.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
lversion=$("$GUEST_SH" run "$g" 'cat /proc/version' | tr -d '\r')
lcode=$("$GUEST_SH" run "$g" 'grep "Kernel code" /proc/iomem' | tr -d '\r ' | cut -d- -f1)
"$LKDB" -q -r ":$port" "$V" -c 'rd -a linux_banner' >"$TMP/la.out" 2>"$TMP/la.err"
check "live: rd -a linux_banner is /proc/version" \
    test "$(text_of "$TMP/la.out")" = "$lversion" -a ! -s "$TMP/la.err"
"$LKDB" -q -r ":$port" "$V" -c "rd -p $lcode 4" -c 'rd _text 4' >"$TMP/lp.out" 2>&1
diag "$TMP/lp.out"
check "live: rd -p at the Kernel code start (0x$lcode) has _text's values" \
    test "$(values "$TMP/lp.out" | head -n 4 | tr '\n' ' ')" = "$(values "$TMP/lp.out" | tail -n 4 | tr '\n' ' ')" -a \
         "$(grep -c '' "$TMP/lp.out")" = 4

# Bad arguments: one line naming rd and what is wrong, exit status 1.
one_line_errors "$V" "$D" -- 'rd' 'rd -q linux_banner' 'rd -32 -s jiffies' 'rd no_such_symbol_here' \
    'rd jiffies 0' 'rd -e 1 jiffies' 'rd -p no_hex' 'rd ffff000000000000' 'rd -a linux_banner 2000000' \
    'rd -u -p 1' 'rd -u ffffffff81000000' 'rd -u 8' 'rd -u zz'

# A long rd is read and printed a chunk at a time: into a pipe that closes
# (head) it ends with it, instead of reading all 160 MB first.
timeout 120 "$LKDB" -q "$V" "$D" -c 'rd -p 0 20000000 | head -n 2' >"$TMP/head.out" 2>"$TMP/head.err"
status=$?
diag "$TMP/head.err"
check "rd -p 0 20000000 | head -n 2: two lines, and lkdb ends with head (status $status)" \
    test "$status" = 0 -a "$(grep -c '' "$TMP/head.out")" = 2
done_testing

#!/usr/bin/env bash
# vtop and ptov on the shared dump (ELF and flattened) and the live shared
# guest, against the guest's own view: a sleeper's user page is where its
# /proc/PID/pagemap says; _text and jiffies are where /proc/iomem's
# "Kernel code" puts the (physically contiguous) kernel image; a direct-map
# address from ptov walks back to its physical address; a stack's guard
# page is not mapped.  crash 8.0.2 on the same dump prints the same lines
# (it prints the PAGE header once per session, lkdb once per address; and
# crash 8.0.2 cannot do vtop -u on 6.1, whose VMAs are in a maple tree).
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
code=$(shared_fact "$d" kernel-code)
code=$((0x${code%%-*}))
read -r upid uaddr uentry < <(sed -n 's/^user-page //p' "$d/guest-proc")
echo "# Kernel code at 0x$(printf '%x' $code); pid $upid's page at 0x$uaddr: pagemap $uentry"

# phys FILE: the PHYSICAL of each VIRTUAL line
phys() { awk 'prev ~ /^VIRTUAL/ { print $2 } { prev = $0 }' "$1"; }
# sym_of NAME DUMP: a symbol's run-time address (hex, no 0x)
sym_of() { "$LKDB" -q "$V" "$2" -c "sym $1" | awk 'NR == 1 { print $1 }'; }

for f in elf flat; do
    D=$d/vmcore.$f
    "$LKDB" -q "$V" "$D" -c "vtop -u -c $upid $uaddr" >"$TMP/u.out" 2>"$TMP/u.err"
    diag "$TMP/u.out" "$TMP/u.err"
    want=$(( (0x$uentry & ((1 << 55) - 1)) * 4096 ))
    check "dump ($f): vtop -u: pid $upid's 0x$uaddr is at its pagemap's PFN (0x$(printf '%x' $want))" \
        test "$(( (0x$uentry >> 63) & 1 ))" = 1 -a "$(phys "$TMP/u.out")" = "$(printf '%x' $want)"
    check "dump ($f): vtop -u shows the four levels, the PTE's flags with USER, the page" \
        bash -c "grep -q '^   PTE: ' '$TMP/u.out' && grep -qE '\\(PRESENT\\|USER' '$TMP/u.out' && grep -qE '^[0-9a-f]{16} +$(printf '%x' $want) ' '$TMP/u.out'"
    text=$(sym_of _text "$D")
    jiffies=$(sym_of jiffies "$D")
    "$LKDB" -q "$V" "$D" -c "vtop $text" -c 'vtop jiffies' >"$TMP/k.out" 2>"$TMP/k.err"
    check "dump ($f): vtop _text is the Kernel code start, jiffies as far in as its symbol" \
        test "$(phys "$TMP/k.out" | tr '\n' ' ')" = "$(printf '%x %x ' $code $((code + 0x$jiffies - 0x$text)))"
    "$LKDB" -q "$V" "$D" -c 'ptov 1234000' >"$TMP/p.out" 2>&1
    direct=$(awk 'NR == 2 { print $1 }' "$TMP/p.out")
    "$LKDB" -q "$V" "$D" -c "vtop $direct" >"$TMP/back.out" 2>&1
    check "dump ($f): ptov 1234000 is $direct, which vtop walks back to 1234000" \
        test -n "$direct" -a "$(phys "$TMP/back.out")" = 1234000
done
D=$d/vmcore.elf

# The guard page after pid 1's stack: not mapped, the walk shown to the PTE.
task1=$("$LKDB" -q "$V" "$D" -c 'ps --json' | python3 -c 'import json,sys; print(["%x" % int(t["task"], 16) for t in json.load(sys.stdin) if t["pid"] == 1][0])')
stack=$("$LKDB" -q "$V" "$D" -c "p/x ((struct task_struct *)0x$task1)->stack" | sed -n 's/^\$1 = 0x//p')
guard=$(printf '%x' $((0x$stack + 16384)))
"$LKDB" -q "$V" "$D" -c "vtop $guard" -c "vtop --json $guard" >"$TMP/g.out" 2>&1
diag "$TMP/g.out"
check "the stack's guard page $guard is not mapped, its PTE 0" \
    bash -c "grep -qx '$guard  (not mapped)' '$TMP/g.out' && grep -qE '^   PTE: [0-9a-f]+ => 0\$' '$TMP/g.out'"
check "--json: physical null, the levels to the PTE, no page" \
    python3 - "$TMP/g.out" <<'PY'
import json, sys
t = open(sys.argv[1]).read()
r = json.loads(t[t.index('[{'):])[0]
sys.exit(0 if r['physical'] is None and r['page'] is None and
         [l['level'] for l in r['levels']][-1] == 'PTE' and r['levels'][-1]['entry'] == '0x0' else 1)
PY

# --json of a mapped address: the text's figures.
"$LKDB" -q "$V" "$D" -c 'vtop jiffies' -c 'vtop --json jiffies' >"$TMP/j.out" 2>&1
check "--json: the text's physical address, entries and page" \
    python3 - "$TMP/j.out" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
r = json.loads(t[t.index('[{'):])[0]
text = t[:t.index('[{')]
phys = re.search(r'^[0-9a-f]+  ([0-9a-f]+)', text, re.M).group(1)
entries = re.findall(r'=> ([0-9a-f]+)', text)
page = re.search(r'MAPPING +INDEX CNT FLAGS\n([0-9a-f]{16}) +' + phys[:-3] + '000 ', text)
ok = int(r['physical'], 16) == int(phys, 16) and \
     [int(l['entry'], 16) for l in r['levels'][1:]] == [int(e, 16) for e in entries] and \
     r['page'] is not None and page and int(r['page']['address'], 16) == int(page.group(1), 16)
sys.exit(0 if ok else 1)
PY

if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'vtop %s\nvtop %s\nvtop %x\nvtop %s\nvtop %s\nptov 1234000\nptov 5400000 1000\nquit\n' \
        "$(sym_of jiffies "$D")" "$task1" $((0x$stack + 100)) "$guard" "$direct" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" 2>&1 |
        grep -vE '^(WARNING|crash):|^      PAGE       PHYSICAL' | sed '1{/^$/d}' >"$TMP/crash.out"
    "$LKDB" -q "$V" "$D" -c "vtop $(sym_of jiffies "$D")" -c "vtop $task1" -c "vtop $(printf '%x' $((0x$stack + 100)))" \
        -c "vtop $guard" -c "vtop $direct" -c 'ptov 1234000' -c 'ptov 5400000 1000' 2>&1 |
        grep -v '^      PAGE       PHYSICAL' >"$TMP/ours.out"
    diff "$TMP/crash.out" "$TMP/ours.out" | diag
    check "crash: vtop of data, a task, a stack, a guard page, the direct map, and ptov: crash's lines" \
        cmp -s "$TMP/crash.out" "$TMP/ours.out"
else
    ok 0 "crash: vtop and ptov print crash's lines # SKIP $crash_skip"
fi

# Live, against the guest as it is now.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
read -r lpid laddr lentry < <("$GUEST_SH" run "$g" 'p=$(pidof sleep | cut -d" " -f1); a=$(head -n1 /proc/$p/maps | cut -d- -f1); echo $p $a $(dd if=/proc/$p/pagemap bs=8 skip=$((0x$a / 4096)) count=1 2>/dev/null | od -An -tx8)' | tr -d '\r')
lcode=$("$GUEST_SH" run "$g" 'grep "Kernel code" /proc/iomem' | tr -d '\r ' | cut -d- -f1)
"$LKDB" -q -r ":$port" "$V" -c "vtop -u -c $lpid $laddr" -c 'vtop _text' >"$TMP/live.out" 2>"$TMP/live.err"
diag "$TMP/live.out" "$TMP/live.err"
check "live: pid $lpid's 0x$laddr is at its pagemap's PFN, _text at Kernel code 0x$lcode" \
    test "$(phys "$TMP/live.out" | tr '\n' ' ')" = "$(printf '%x %x ' $(( (0x$lentry & ((1 << 55) - 1)) * 4096 )) $((0x$lcode)))"

# Bad input: one line naming the command, exit status 1.
one_line_errors "$V" "$D" -- 'vtop' 'vtop -u -k 1000' 'vtop -q 1000' 'vtop no_such_symbol_here' 'vtop ffff000000000000' \
    'vtop -u -c 2 400000' 'vtop -c 99999 -u 400000' 'ptov' 'ptov zz' 'ptov 10000000000000'
done_testing

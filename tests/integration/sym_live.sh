#!/usr/bin/env bash
# sym on a live guest with KASLR on, against the guest's own /proc/kallsyms:
# addresses name the symbol kallsyms has there, names give kallsyms'
# address, ADDRESS+5 is SYMBOL+0x5; bad input is a one-line error naming
# it; --json parses.  Its time against gdb's info symbol + info line is
# printed as a figure.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX

# Ground truth: a few well-known functions and some random global ones
# (kallsyms lines of vmlinux only: module lines have a 4th field).
"$GUEST_SH" run "$g" \
    'grep -E " [Tt] (panic|schedule|do_sys_open|vfs_write|ksys_write)$" /proc/kallsyms; awk "NF == 3 && \$2 == \"T\" && ++n % 1200 == 600" /proc/kallsyms' |
    tr -d '\r' | awk 'NF == 3' >"$TMP/picked"
diag "$TMP/picked"
n_picked=$(wc -l <"$TMP/picked")
check "picked 15 to 30 kallsyms functions" test "$n_picked" -ge 15 -a "$n_picked" -le 30
# Every name kallsyms has at those addresses (aliases: any of them will do).
pattern=$(awk '{ printf "%s^%s ", (NR > 1 ? "|" : ""), $1 }' "$TMP/picked" |
          sed 's/ |/|/g; s/ $//')
"$GUEST_SH" run "$g" "grep -E '($pattern) ' /proc/kallsyms" | tr -d '\r' |
    awk 'NF == 3' >"$TMP/at"
kallsyms_current=$("$GUEST_SH" run "$g" "grep ' current_task\$' /proc/kallsyms" |
                   tr -d '\r' | awk '{ print $1 }')

addrs=$(awk '{ print $1 }' "$TMP/picked" | tr '\n' ' ')
plus5=$(awk '{ print $1 "+5" }' "$TMP/picked" | tr '\n' ' ')
names=$(awk '{ print $3 }' "$TMP/picked" | tr '\n' ' ')

"$LKDB" -q -r ":$port" "$V" -c "sym $addrs" -c "sym $plus5" -c "sym $names" \
    -c 'sym current_task' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "sym of addresses, ADDRESS+5 and names exits 0" test $status = 0
# The result lines (inline frames are the indented ones).
grep -v '^ ' "$TMP/out" >"$TMP/lines"
check "one line per argument" \
    test "$(wc -l <"$TMP/lines")" = $((3 * n_picked + 1))

bad=0
i=0
while read -r addr type name; do
    i=$((i + 1))
    at=$(sed -n "${i}p" "$TMP/lines")
    five=$(sed -n "$((n_picked + i))p" "$TMP/lines")
    by_name=$(sed -n "$((2 * n_picked + i))p" "$TMP/lines")
    # ADDRESS (t) NAME+0x0/SIZE [FILE:LINE]: NAME and t as kallsyms has
    # them at ADDRESS (any of its names there)
    got=$(awk '{ print $3 }' <<<"$at")
    got_name=${got%%+0x0/*}
    got_type=$(awk '{ print $2 }' <<<"$at")
    if [[ $at != "$addr "* || $got != *+0x0/* ]] ||
       ! awk -v a="$addr" -v t="${got_type:1:1}" -v n="$got_name" \
            '$1 == a && $2 == t && $3 == n { found = 1 } END { exit !found }' "$TMP/at"; then
        echo "# $addr $type $name: sym ADDRESS gave: $at"
        bad=$((bad + 1))
    fi
    [[ $five == *" $got_name+0x5/"* ]] ||
        { echo "# $addr+5: $five"; bad=$((bad + 1)); }
    [[ $by_name == "$addr ($type) $name+0x0/"* ]] ||
        { echo "# $name: sym NAME gave: $by_name"; bad=$((bad + 1)); }
done <"$TMP/picked"
check "addresses name kallsyms' symbol at +0x0, ADDRESS+5 is +0x5, names give kallsyms' address and type" \
    test $bad = 0
check "source lines are shown (kernel/panic.c for panic)" \
    grep -qE " \(T\) panic\+0x0/0x[0-9a-f]+ kernel/panic\.c:[0-9]+$" "$TMP/out"
check "per-CPU current_task is at the guest's kallsyms offset, not moved" \
    grep -qx "$kallsyms_current (D) current_task+0x0/0x8 (per-CPU offset)" "$TMP/out"

# Bad input: exit 1, one line on stderr naming the argument.
for arg in 0x1234 no_such_symbol_xyz zzz panic+zz ffffffffc0001234; do
    "$LKDB" -q -r ":$port" "$V" -c "sym $arg" >"$TMP/out" 2>"$TMP/err"
    status=$?
    diag "$TMP/err"
    check "sym $arg: exit 1, one-line error naming it" \
        test $status = 1 -a "$(grep -vc '^lkdb: detached from' "$TMP/err")" = 1 \
        -a ! -s "$TMP/out"
    first=$(grep -v '^lkdb: detached from' "$TMP/err")
    check "sym $arg: the error names the argument" \
        test "${first#"lkdb: sym: $arg: "}" != "$first" -o \
             "${first#"lkdb: sym: 0x$arg: "}" != "$first"
done
check "a module-area address says modules are not loaded yet" \
    grep -qF '(modules are not loaded yet)' "$TMP/err"

# --json parses and agrees with kallsyms.
first_addr=$(awk 'NR == 1 { print $1 }' "$TMP/picked")
"$LKDB" -q -r ":$port" "$V" -c "sym --json panic $first_addr current_task" \
    >"$TMP/json" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "sym --json exits 0" test $status = 0
check "--json parses: 3 objects, addresses and the per-CPU flag right" \
    python3 -c "
import json, sys
d = json.load(open('$TMP/json'))
panic = [l.split() for l in open('$TMP/picked') if l.split()[2] == 'panic'][0]
keys = {'address', 'type', 'name', 'offset', 'size', 'file', 'line', 'inlined'}
ok = (len(d) == 3 and all(keys <= set(o) for o in d)
      and int(d[0]['address'], 16) == int(panic[0], 16)
      and d[0]['file'] == 'kernel/panic.c' and d[0]['line'] > 0
      and int(d[1]['address'], 16) == int('$first_addr', 16)
      and d[2]['percpu'] and int(d[2]['address'], 16) == int('$kallsyms_current', 16))
sys.exit(0 if ok else 1)"

# A figure, not a check (timing is for the benchmarks): sym against gdb's
# info symbol + info line on the same addresses, one session each.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
gdb_cmds=()
for a in $addrs; do gdb_cmds+=(-c "info symbol 0x$a" -c "info line *0x$a"); done
t_base=$(seconds "$LKDB" -q -r ":$port" "$V" -c 'p 1')
t_sym=$(seconds "$LKDB" -q -r ":$port" "$V" -c "sym $addrs")
t_gdb=$(seconds "$LKDB" -q -r ":$port" "$V" "${gdb_cmds[@]}")
echo "# $n_picked addresses: lkdb start-up only ${t_base} s; with sym ${t_sym} s; with gdb info symbol + info line ${t_gdb} s"
done_testing

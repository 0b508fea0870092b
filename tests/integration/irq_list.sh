#!/usr/bin/env bash
# irq against the guest's own /proc/interrupts: on the shared dump (read
# just before the panic; ELF and flattened) and live.  irq -s has the
# numbered IRQs /proc/interrupts has, with their actions' names, and per
# CPU counts no smaller than it read and, for the IRQs that stay quiet
# (keyboard, ACPI, RTC), the same; irq lists every IRQ below nr_irqs with
# those actions.  --json has the text's IRQs; crash 8.0.2 prints the same
# bytes for irq and irq -s on the dump.  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1
sed -n 's/^interrupts //p' "$d/guest-proc" >"$TMP/interrupts"
check "the guest printed /proc/interrupts" test -s "$TMP/interrupts"

# irq_compare PROC_INTERRUPTS IRQ_S_OUT IRQ_OUT JSON
irq_compare() {
    python3 - "$@" <<'PY'
import json, re, sys
proc, cpus = {}, 0
for l in open(sys.argv[1]):
    if re.match(r'^\s+CPU\d', l):
        cpus = len(l.split())
        continue
    m = re.match(r'^\s*(\d+):\s+(.*)$', l)
    if m and cpus:
        f = m[2].split()
        counts = [int(x) for x in f[:cpus]]
        names = ' '.join(f[cpus + 2:]).split(', ') if len(f) > cpus + 2 else []
        proc[int(m[1])] = (counts, names)
ours = {}
for l in open(sys.argv[2]):
    m = re.match(r'^\s*(\d+): ((?:\s*\d+ )+)\s*(\S+)\s+(.*)$', l)
    if m:
        ours[int(m[1])] = ([int(x) for x in m[2].split()], m[4].split(','))
rows = {}
for l in open(sys.argv[3]):
    m = re.match(r'^\s*(\d+)\s+([0-9a-f]{16}|\(unused\))\s+([0-9a-f]{16}|\(unused\))\s*(?:"(.*)")?\s*$', l)
    if m:
        rows[int(m[1])] = m[4]
j = json.load(open(sys.argv[4]))
bad = []
if set(proc) != set(ours):
    bad.append('IRQs: /proc %s, lkdb %s' % (sorted(proc), sorted(ours)))
for irq in set(proc) & set(ours):
    pc, pn = proc[irq]
    oc, on = ours[irq]
    if pn != on:
        bad.append('IRQ %d: names %s, lkdb %s' % (irq, pn, on))
    quiet = any(n in ('i8042', 'acpi', 'rtc0') for n in on)
    if len(pc) != len(oc) or any(o < p or (quiet and o != p) or o - p > 5000 for p, o in zip(pc, oc)):
        bad.append('IRQ %d: counts %s, lkdb %s' % (irq, pc, oc))
    if rows.get(irq) != on[0]:
        bad.append('IRQ %d: irq shows %s' % (irq, rows.get(irq)))
if [(e['irq'], [a['name'] for a in e['actions']], e['counts']) for e in j] != \
   [(i, ours[i][1], ours[i][0]) for i in sorted(ours)]:
    bad.append('--json differs from irq -s')
print('# %d IRQs with actions in /proc/interrupts, %d in irq -s, %d rows in irq; %s'
      % (len(proc), len(ours), len(rows), bad[:4] or 'as the guest counts them'))
sys.exit(0 if proc and len(rows) > len(ours) and not bad else 1)
PY
}
for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'irq -s' >"$TMP/s$f.out" 2>"$TMP/s$f.err"
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'irq' >"$TMP/i$f.out" 2>>"$TMP/s$f.err"
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'irq -s --json' >"$TMP/j$f.out" 2>>"$TMP/s$f.err"
    diag "$TMP/s$f.err"
    check "dump ($f): irq and irq -s exit with no warning" test ! -s "$TMP/s$f.err"
    check "dump ($f): irq -s has /proc/interrupts' IRQs, actions and counts" \
        irq_compare "$TMP/interrupts" "$TMP/s$f.out" "$TMP/i$f.out" "$TMP/j$f.out"
done
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'irq 1 4' >"$TMP/two.out" 2>&1
check "irq 1 4: the header and those two IRQs" test "$(grep -c '' "$TMP/two.out")" = 3 -a \
    "$(awk 'NR > 1 { print $1 }' "$TMP/two.out" | tr '\n' ' ')" = "1 4 "
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'irq > %s\nirq -s > %s\nirq -a > %s\nquit\n' "$TMP/crash-i.out" "$TMP/crash-s.out" \
        "$TMP/crash-a.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$d/vmcore.elf" -i "$TMP/crash.in" >/dev/null 2>&1
    "$LKDB" -q "$V" "$d/vmcore.elf" -c 'irq -a' >"$TMP/a.out" 2>&1
    check "crash: irq byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash-i.out") lines)" \
        cmp "$TMP/crash-i.out" "$TMP/ielf.out"
    check "crash: irq -s byte for byte as crash 8.0.2's" cmp "$TMP/crash-s.out" "$TMP/self.out"
    # crash 8.0.2 prints no CPUs in AFFINITY on 6.1 (it reads the
    # off-stack cpumask wrongly): the rest of each line is compared; the
    # CPUs are checked live against /proc/irq/N/smp_affinity_list.
    check "crash: irq -a as crash 8.0.2's but for the AFFINITY column ($(grep -c '' "$TMP/crash-a.out") lines)" \
        cmp <(cut -c1-25 "$TMP/crash-a.out") <(cut -c1-25 "$TMP/a.out")
else
    ok 0 "crash: irq as crash's # SKIP $crash_skip"
    ok 0 "crash: irq -s as crash's # SKIP $crash_skip"
    ok 0 "crash: irq -a as crash's # SKIP $crash_skip"
fi

# Live: /proc/interrupts, then lkdb attaches (one attach for all three).
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
"$GUEST_SH" run "$g" 'cat /proc/interrupts' | tr -d '\r' >"$TMP/live-interrupts"
"$LKDB" -q -r ":$port" "$V" -c 'irq -s' -c 'irq' -c 'irq -s --json' >"$TMP/live.all" 2>"$TMP/live.err"
status=$?
diag "$TMP/live.err"
awk -v s="$TMP/live-s" -v i="$TMP/live-i" -v j="$TMP/live-j" '
    /^ +CPU0/ { part = 1 } /^ IRQ / { part = 2 } /^\[/ { part = 3 }
    { print > (part == 1 ? s : part == 2 ? i : j) }' "$TMP/live.all"
check "live: irq exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/live.err"
check "live: irq -s has /proc/interrupts' IRQs, actions and counts" \
    irq_compare "$TMP/live-interrupts" "$TMP/live-s" "$TMP/live-i" "$TMP/live-j"
# irq -a against each IRQ's /proc/irq/N/smp_affinity_list; one IRQ moved
# to CPU 1 first, so that not every IRQ has every CPU: IRQ 3, the serial
# line the guest agent answers on, whose next interrupt applies the move
# (an edge IRQ's new affinity waits for it: /proc shows the pending one).
"$GUEST_SH" run "$g" 'echo 1 > /proc/irq/3/smp_affinity_list' >/dev/null
"$GUEST_SH" run "$g" 'for d in /proc/irq/[0-9]*; do echo aff ${d##*/} $(cat $d/smp_affinity_list); done' |
    tr -d '\r' >"$TMP/affinity"
"$LKDB" -q -r ":$port" "$V" -c 'irq -a' -c 'irq -a --json' >"$TMP/live-a" 2>&1
"$GUEST_SH" run "$g" 'echo 0-1 > /proc/irq/3/smp_affinity_list' >/dev/null 2>&1
check "live: irq -a's CPUs are each IRQ's /proc/irq/N/smp_affinity_list (IRQ 3 moved to CPU 1); --json the same" \
    python3 - "$TMP/affinity" "$TMP/live-a" <<'PY'
import json, re, sys
want = {int(f[1]): f[2] for f in (l.split() for l in open(sys.argv[1])) if len(f) == 3 and f[0] == 'aff'}
t = open(sys.argv[2]).read()
got = {int(i): c for i, c in re.findall(r'(?m)^ *(\d+) .{20} (\S+)$', t)}
j = json.loads(t[t.index('[{'):])
def span(cpus):
    out, i = [], 0
    while i < len(cpus):
        k = i
        while k + 1 < len(cpus) and cpus[k + 1] == cpus[k] + 1:
            k += 1
        out.append(str(cpus[i]) if k == i else '%d-%d' % (cpus[i], cpus[k]))
        i = k + 1
    return ','.join(out)
jg = {q['irq']: span(q['affinity']) for q in j}
print('# /proc %s\n# lkdb %s' % (want, got))
sys.exit(0 if got and got.get(3) == '1' and all(want.get(i) == c for i, c in got.items()) and jg == got else 1)
PY

one_line_errors "$V" "$d/vmcore.elf" -- 'irq -x' 'irq 99999' 'irq abc' 'irq -s -a'
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help irq' >"$TMP/help.out" 2>&1
check "help irq gives the synopsis and the --json schema" \
    bash -c "grep -qF 'Usage: irq [-s|-a] [IRQ...] [--json]' '$TMP/help.out' && grep -q 'actions: \[{irqaction, name}\]' '$TMP/help.out'"
done_testing

#!/usr/bin/env bash
# Backtraces of real kdump dumps (scripts/make-kdump.sh: crashkernel=,
# kexec -p, the capture kernel copies /proc/vmcore; ELF as captured and
# makedumpfile -c -d 31), as crash gives them:
#   oops  (crashme's NULL write, panic_on_oops): bt of the oopsing task runs
#         machine_kexec, __crash_kexec, crash_kexec, oops_end, page_fault_oops,
#         exc_page_fault, asm_exc_page_fault, then the [exception RIP] block
#         whose function and registers are those of the kernel's own oops
#         report on the console, its faulting line (bt -l, mod -s) that of
#         addr2line on crashme.ko, and below it the console's Call Trace;
#   sysrq (echo c > /proc/sysrq-trigger): machine_kexec, __crash_kexec, then the console's
#         Call Trace from panic on;
#   irq   (Alt-SysRq-C, QEMU's sendkey): the panicking CPU from machine_kexec
#         on its IRQ stack through the keyboard interrupt's frames as the
#         console's <IRQ> part, "--- <IRQ stack> ---", then the interrupted
#         code with the console's registers;
#   bt -a: the other CPU, stopped by the crash NMI, from crash_nmi_callback
#         on its NMI stack through the NMI entry's registers, then
#         "--- <NMI exception stack> ---" and the code it interrupted.
# On 6.1 also against crash 8.0.2 on the same dumps: the NMI CPU's frames,
# registers and marker line for line (crash drops a .part.N suffix the
# kernel's own traces keep), and lkdb's oops frames through the exception
# block a run of crash's (crash goes on with stale frames below the
# syscall that lkdb's walk does not have).
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
CHECK=$(dirname "$0")/kdump_check.py

kd=$(bash "$LKDB_SCRIPTS/make-kdump.sh" --fixture "$FIXTURE_ENV" oops sysrq irq 2>"$TMP/make.log") || {
    diag "$TMP/make.log"
    bail_out "the kdump dumps could not be made (scripts/make-kdump.sh)"
}
OOPS=$(sed -n 1p <<<"$kd")
SYSRQ=$(sed -n 2p <<<"$kd")
IRQ=$(sed -n 3p <<<"$kd")

# The faulting line, from addr2line on the module (ground truth for bt -l).
fault_sym=$(grep -a -m1 -oE 'RIP: 0010:crashme_write\+0x[0-9a-f]+' "$OOPS/console.log" | sed 's/.*://')
fn_addr=$(nm "$LKDB_CRASHME_KO" | awk '$3 == "crashme_write" { print $1; exit }')
fault_off=${fault_sym#*+}
want_line=$(addr2line -e "$LKDB_CRASHME_KO" "$(printf '0x%x' $((0x$fn_addr + fault_off)))" | sed 's/ (discriminator.*//')
echo "# the oops: $fault_sym, addr2line: $want_line; vmcore.kdump: makedumpfile -c -d $(cat "$OOPS/vmcore.kdump.level")"

for fmt in elf kdump; do
    D=$OOPS/vmcore.$fmt
    "$LKDB" -q "$V" "$D" -c "mod -s crashme $LKDB_CRASHME_KO" -c 'bt -l' >"$TMP/oops-$fmt.txt" 2>"$TMP/oops-$fmt.err"
    check "oops ($fmt): bt -l exits 0, no warnings" test $? = 0 -a ! -s "$TMP/oops-$fmt.err"
    diag "$TMP/oops-$fmt.err"
    check "oops ($fmt): machine_kexec, __crash_kexec, crash_kexec, oops_end, page fault path, the exception block with the console's RIP and registers, its addr2line, then the console's Call Trace" \
        python3 "$CHECK" oops "$OOPS/console.log" "$TMP/oops-$fmt.txt" "$want_line"

    D=$SYSRQ/vmcore.$fmt
    "$LKDB" -q "$V" "$D" -c 'bt -a' >"$TMP/sysrq-$fmt.txt" 2>"$TMP/sysrq-$fmt.err"
    check "sysrq ($fmt): bt -a exits 0" test $? = 0
    diag "$TMP/sysrq-$fmt.err"
    check "sysrq ($fmt): the panicking task from machine_kexec and __crash_kexec, then the console's Call Trace from panic on; the other CPU from crash_nmi_callback on its NMI stack, the marker, then the interrupted code" \
        python3 "$CHECK" sysrq "$SYSRQ/console.log" "$TMP/sysrq-$fmt.txt"
done

# A panic in an interrupt (Alt-SysRq-C on the keyboard): the walk begins
# on the CPU's IRQ stack.
for fmt in elf kdump; do
    "$LKDB" -q "$V" "$IRQ/vmcore.$fmt" -c 'bt -a' >"$TMP/irq-$fmt.txt" 2>"$TMP/irq-$fmt.err"
    check "irq ($fmt): bt -a exits 0, no warnings" test $? = 0 -a ! -s "$TMP/irq-$fmt.err"
    diag "$TMP/irq-$fmt.err"
    "$LKDB" -q "$V" "$IRQ/vmcore.$fmt" -c 'bt -a --json' >"$TMP/irq-$fmt.json" 2>&1
    check "irq ($fmt): machine_kexec, __crash_kexec, then the console's <IRQ> frames from panic on, '--- <IRQ stack> ---', the interrupt entry with the console's RIP and registers and the frames below; --json marks the last IRQ frame" \
        python3 "$CHECK" irq "$IRQ/console.log" "$TMP/irq-$fmt.txt" "$TMP/irq-$fmt.json"
done

# bt -e and bt -F of the oopsing task (the compressed dump).
"$LKDB" -q "$V" "$OOPS/vmcore.kdump" -c 'bt -e' >"$TMP/e.txt" 2>"$TMP/e.err"
check "bt -e exits 0, no warnings" test $? = 0 -a ! -s "$TMP/e.err"
diag "$TMP/e.err"
check "bt -e: the fault's exception frame with the console's RIP and registers, and the system call's user-mode frame" \
    python3 "$CHECK" eframes "$OOPS/console.log" "$TMP/e.txt"
"$LKDB" -q "$V" "$OOPS/vmcore.kdump" -c 'bt -e --json' >"$TMP/e.json" 2>&1
check "bt -e --json: the text's frames (addresses, user or kernel)" python3 -c '
import json, re, sys
j = json.load(open(sys.argv[1]))
t = re.findall(r"(KERNEL|USER)-MODE EXCEPTION FRAME AT: ([0-9a-f]+)", open(sys.argv[2]).read())
sys.exit(0 if [("USER" if f["user"] else "KERNEL", f["address"][2:]) for f in j["exception_frames"]] == t and t else 1)
' "$TMP/e.json" "$TMP/e.txt"
"$LKDB" -q "$V" "$OOPS/vmcore.kdump" -c 'bt -F' >"$TMP/F.txt" 2>"$TMP/F.err"
check "bt -F exits 0, no warnings" test $? = 0 -a ! -s "$TMP/F.err"
check "bt -F: each frame's return-address word named as that frame's function; slab objects named by cache" \
    python3 "$CHECK" fwords "$TMP/F.txt"
"$LKDB" -q "$V" "$OOPS/vmcore.kdump" -c 'bt -FF' >"$TMP/FF.txt" 2>&1
check "bt -FF: slab words as [address:cache]" grep -qE '\[ffff[0-9a-f]{12}:[a-z][a-z0-9_-]*\]' "$TMP/FF.txt"
one_line_errors "$V" "$OOPS/vmcore.kdump" -- 'bt -e -f' 'bt -e -l' 'bt -F --json'

"$LKDB" -q "$V" "$SYSRQ/vmcore.kdump" -c 'bt -a --json' >"$TMP/sysrq.json" 2>"$TMP/sysrq-json.err"
diag "$TMP/sysrq-json.err"
check "--json: the NMI entry's exception names the NMI stack it leaves; the panicking task starts at machine_kexec" \
    python3 "$CHECK" json "$TMP/sysrq.json"

if have_crash; then
    for fmt in elf kdump; do
        printf 'bt -a > %s\nquit\n' "$TMP/crash-oops-$fmt.txt" >"$TMP/crash.in"
        timeout 300 crash -s "$V" "$OOPS/vmcore.$fmt" -i "$TMP/crash.in" >/dev/null 2>&1
        "$LKDB" -q "$V" "$OOPS/vmcore.$fmt" -c 'bt -a' >"$TMP/lkdb-oops-$fmt.txt" 2>/dev/null
        check "crash ($fmt): the NMI CPU's frames, registers and marker line for line; the oops frames a run of crash's with its exception registers" \
            python3 "$CHECK" crash "$TMP/crash-oops-$fmt.txt" "$TMP/lkdb-oops-$fmt.txt"
    done
    printf 'bt -e > %s\nbt -F > %s\nbt -FF > %s\nquit\n' "$TMP/crash-e.txt" "$TMP/crash-F.txt" "$TMP/crash-FF.txt" >"$TMP/crash.in"
    timeout 300 crash -s "$V" "$OOPS/vmcore.kdump" -i "$TMP/crash.in" >/dev/null 2>&1
    check "crash: bt -e byte for byte as crash's, its header line too ($(grep -c 'EXCEPTION FRAME AT' "$TMP/crash-e.txt") frames)" \
        cmp "$TMP/crash-e.txt" "$TMP/e.txt"
    printf 'bt -f > %s\nquit\n' "$TMP/crash-f.txt" >"$TMP/crash.in"
    timeout 300 crash -s "$V" "$OOPS/vmcore.kdump" -i "$TMP/crash.in" >/dev/null 2>&1
    "$LKDB" -q "$V" "$OOPS/vmcore.kdump" -c 'bt -f' >"$TMP/f.txt" 2>&1
    check "crash: bt -f, the words after the exception frame (its pt_regs up to the next frame) as crash's" \
        python3 "$CHECK" eframe_words "$TMP/crash-f.txt" "$TMP/f.txt"
    check "crash: bt -F, every stack word both print the same (symbols, [cache], hex)" \
        python3 "$CHECK" words "$TMP/crash-F.txt" "$TMP/F.txt"
    check "crash: bt -FF, the same ([address:cache])" \
        python3 "$CHECK" words "$TMP/crash-FF.txt" "$TMP/FF.txt"
    printf 'bt > %s\nquit\n' "$TMP/crash-irq.txt" >"$TMP/crash.in"
    timeout 300 crash -s "$V" "$IRQ/vmcore.kdump" -i "$TMP/crash.in" >/dev/null 2>&1
    "$LKDB" -q "$V" "$IRQ/vmcore.kdump" -c 'bt' >"$TMP/lkdb-irq.txt" 2>&1
    check "crash: bt of the panic in an interrupt, line for line through '--- <IRQ stack> ---' (below it crash reads a bogus exception frame)" \
        python3 "$CHECK" crash_irq "$TMP/crash-irq.txt" "$TMP/lkdb-irq.txt"
else
    ok 0 "crash (elf): bt -a as crash's # SKIP $crash_skip"
    ok 0 "crash (kdump): bt -a as crash's # SKIP $crash_skip"
    ok 0 "crash: bt -e as crash's # SKIP $crash_skip"
    ok 0 "crash: bt -f after the exception frame as crash's # SKIP $crash_skip"
    ok 0 "crash: bt -F as crash's # SKIP $crash_skip"
    ok 0 "crash: bt -FF as crash's # SKIP $crash_skip"
    ok 0 "crash: bt of the panic in an interrupt as crash's # SKIP $crash_skip"
fi

done_testing

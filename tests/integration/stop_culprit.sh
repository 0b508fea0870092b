#!/usr/bin/env bash
# The stop, as a kernel developer meets it: `lkdb qemu --module-path DIR`
# on the fixture (or, with LKDB_FIXTURE_ENV, on a kernel built from
# source: tests/integration/built_kernel.sh), out-of-tree test modules
# inserted after boot, and the commands a person types after the report.
#
#  1. pokeme.ko lands where a boot module's freed init section was (checked
#     first: the guest's /sys/module/*/sections/.init.text and kallsyms, and
#     the section sizes in the .ko files).  Its NULL store oopses at
#     pokeme_poke+0x0: the report names pokeme_poke as the console's RIP
#     line does, with addr2line's file:line of pokeme.ko, the path whole;
#     never the other module's init_module or file; gdb's `info symbol` of
#     the address says pokeme_poke too.
#  2. crashme's NULL write: gdb's selected frame is crashme_write with the
#     registers of the fault -- `info locals` has its dev (0x0) and cmd,
#     `list` shows the faulting line (addr2line of crashme.ko), `up` goes
#     to its caller, whose pc is the console's first Call Trace entry (the
#     guest's kallsyms).  `bt` keeps the [exception RIP: ...] label and
#     `bt -l` gives the faulting line under it.
#  3. crashme's panic(): the frame is panic()'s caller, at the line of the
#     call (addr2line one byte before the return address the console's Call
#     Trace shows), with its locals.
#  4. without the module's object file: the report still names the fault
#     (the module's kallsyms) and says how to get its line; gdb's frame is
#     still the fault's.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
moddir=$(dirname "$LKDB_CRASHME_KO")
POKEME_KO=$moddir/pokeme.ko
CRASHME_KO=$LKDB_CRASHME_KO
[[ -f $POKEME_KO ]] || bail_out "$POKEME_KO missing (run scripts/build-crashme.sh)"
for t in addr2line objdump readelf socat; do
    command -v "$t" >/dev/null || bail_out "$t is needed (binutils, socat)"
done
G=$TMP/g
mkdir -p "$G"

# lkdb qemu with the fixture's agent on ttyS1 as $G/agent.sock and QEMU's
# pid in $G/qemu.pid, so guest.sh run talks to it.  $1: output prefix;
# the rest: lkdb's -c arguments.  The guest side runs in the background
# (guest_side, defined by the caller).
run_lkdb() {
    local out=$1
    shift
    rm -f "$G/agent.sock" "$G/qemu.pid"
    guest_side "$out" &
    local side=$!
    timeout 600 "$LKDB" qemu --console-log "$out.console" "${module_path[@]}" "$V" "$@" -- \
        -accel tcg -smp 2 -m 512 -kernel "$LKDB_VMLINUZ" -initrd "$LKDB_INITRD" \
        -append 'console=ttyS0 panic=0 lkdb.sleepers=1' -nodefaults -no-reboot \
        -chardev "socket,id=agent,path=$G/agent.sock,server=on,wait=off" -serial chardev:agent \
        -pidfile "$G/qemu.pid" >"$out.out" 2>"$out.err"
    echo $? >"$out.status"
    wait "$side"
}
module_path=(--module-path "$moddir")
# Until lkdb lets the guest run and the guest's init is ready.
wait_guest() {
    wait_for "$1.err" 'waiting for a panic' 300 && wait_for "$1.console" 'LKDB-READY' 300
}
agent() { "$GUEST_SH" run "$G" "$@" | tr -d '\r'; }

# The address of a symbol in the guest's kallsyms file $1.
kallsyms_addr() { awk -v s="$2" '$3 == s { print $1; exit }' "$1"; }
# "SECTION VALUE" of a symbol of an object file, from its symbol table.
object_symbol() {
    objdump -t "$1" | awk -v s="$2" 'NF >= 5 && $NF == s && $(NF-2) != "*UND*" { print $(NF-2), $1; exit }'
}
# addr2line's "FILE:LINE" of SECTION+OFFSET (hex) of a module object.
ko_line() {
    addr2line -e "$1" -j "$2" "$3" | head -n1 | sed 's/ (discriminator [0-9]*)$//'
}
# "FUNC+0xOFF/0xSIZE [MODULE]" of the first "RIP: 0010:" line of a console.
console_rip() {
    tr -d '\r' <"$1" | grep -m1 -oE 'RIP: 0010:[^ ]+( \[[^]]+\])?' | sed 's/^RIP: 0010://'
}
# The offset (as a number) in FUNC+0xOFF/0xSIZE.
rip_offset() {
    local o=${1#*+}
    echo $((${o%%/*}))
}

# ---- 1 and 2. pokeme's oops, then crashme's ---------------------------------
guest_side() {
    wait_guest "$1" || return
    agent 'cat /proc/kallsyms' >"$1.kallsyms0"
    agent 'for f in /sys/module/*/sections/.init.text; do m=${f#/sys/module/}; echo "${m%%/*} $(cat $f)"; done' >"$1.inits"
    agent 'insmod /pokeme.ko && grep -w pokeme /proc/kallsyms' >"$1.kallsyms"
    agent --no-wait 'echo 1 > /sys/module/pokeme/parameters/poke'
    # lkdb runs its commands and continues; the kernel ends its oops report
    wait_for "$1.out" '^Continuing\.' 300 || return
    wait_for "$1.console" 'end trace' 300 || return
    agent 'insmod /crashme.ko && cat /proc/kallsyms' >"$1.kallsyms2"
    agent --no-wait 'echo 1 > /proc/crashme'
    # lkdb continues again: the console gets the whole second oops (its
    # Call Trace, which a guest stopped and ended at once might not have
    # printed yet); then a panic stops lkdb for its quit.
    wait_for_count "$1.out" '^Continuing\.' 2 300 || return
    wait_for_count "$1.console" 'end trace' 2 300 || return
    agent --no-wait 'echo c > /proc/sysrq-trigger'
}
O=$TMP/oops
run_lkdb "$O" -c 'bt -l' -c 'info symbol $pc' -c 'info args' -c 'up' -c continue \
    -c 'info locals' -c 'list' -c 'up' -c 'p $pc' -c 'bt' -c 'bt -l' -c continue -c quit
diag "$O.err"
check "lkdb qemu ends 0 after both oopses, a panic and the commands" test "$(cat "$O.status")" = 0
pokeme_part=$(sed '/^Continuing\./q' "$O.out")
# From the first Continuing to the second: the crashme oops and its commands.
crashme_part=$(sed -n '/^Continuing\./,$p' "$O.out" | sed '1!{/^Continuing\./,$d}')
sed '1,/^\*\*\*$/d' <<<"$pokeme_part" | grep -v '^ ' | diag

poke=$(kallsyms_addr "$O.kallsyms" pokeme_poke)
echo "# pokeme_poke at ${poke:-?} (guest kallsyms)"
# Which boot module's freed .init.text it lies in: sysfs keeps the old
# address, the .ko its size.
former=''
while read -r mod addr; do
    ko=$(find "$LKDB_DEBUG_MODULES_DIR" -name "$mod.ko" | head -n1)
    [[ -n $ko && -n $poke && $addr == 0x* ]] || continue
    size=$(readelf -S -W "$ko" | awk '{ for (i = 1; i < NF; i++) if ($i == ".init.text") { print $(i + 4); exit } }')
    [[ -n $size ]] || continue
    if ((0x$poke >= addr && 0x$poke < addr + 0x$size)); then
        former="$mod $ko $((0x$poke - addr))"
    fi
done <"$O.inits"
echo "# former init section there: ${former:-none}"
check "pokeme: its code lies in a boot module's freed .init.text (the case to test)" test -n "$former"
read -r former_mod former_ko former_off <<<"$former"
# What the old module had there, never to be named: the symbols of its
# .init.text (init_module and the function it aliases) and its source file.
former_names=$(objdump -t "${former_ko:-/dev/null}" 2>/dev/null |
    awk 'NF >= 5 && $(NF-2) == ".init.text" && $NF !~ /^\./ { print $NF }' | paste -sd'|')
former_file=$(addr2line -e "${former_ko:-/dev/null}" -j .init.text "$(printf '0x%x' "${former_off:-0}")" 2>/dev/null | head -n1 | sed 's/:.*//')
echo "# ${former_mod:-?}'s init code there: ${former_names:-?} in ${former_file:-?}"

con_rip=$(console_rip "$O.console")
read -r sec val < <(object_symbol "$POKEME_KO" pokeme_poke)
poke_line=$(ko_line "$POKEME_KO" "${sec:-.text}" "$(printf '0x%x' $((0x${val:-0} + $(rip_offset "$con_rip"))))")
echo "# console RIP: $con_rip; addr2line: $poke_line"
report=$(sed -n '/^\*\*\* Kernel oops/,/^\*\*\*$/p' <<<"$pokeme_part")
check "pokeme: the report's RIP is the console's, with addr2line's file:line, the path whole" \
    grep -qxF "    RIP: 0010:$con_rip  $poke_line" <<<"$report"
check "pokeme: nothing of the freed init code is named (${former_names:-?}, ${former_file##*/})" \
    bash -c "test -n \"\$1\" && ! grep -qE -- '(^|[^a-z_])(${former_names:-none})\\+|${former_file##*/}' <<<\"\$1\"" _ "$report"
check "pokeme: gdb's info symbol of the fault is pokeme_poke" \
    grep -qE '^pokeme_poke( \+ [0-9]+)? in section \.text of .*pokeme\.ko$' <<<"$pokeme_part"
check "pokeme: gdb's frame is pokeme_poke, its argument where is NULL" \
    grep -qE '^where = 0x0' <<<"$pokeme_part"
check "pokeme: bt -l has the faulting line under the exception's label" \
    bash -c "grep -A1 -xF '    [exception RIP: $con_rip]' <<<\"\$1\" | grep -qxF '    ${poke_line/:/: }'" _ "$pokeme_part"
check "pokeme: up is pokeme_set" grep -qE '^#[0-9]+ +0x[0-9a-f]+ in pokeme_set ' <<<"$pokeme_part"

# crashme's oops: the second RIP line of the console.
crashme_con=$(tr -d '\r' <"$O.console" | sed -n '/crashme: loaded/,$p')
con_rip=$(console_rip <(cat <<<"$crashme_con"))
read -r sec val < <(object_symbol "$CRASHME_KO" crashme_write)
fault_line=$(ko_line "$CRASHME_KO" "${sec:-.text}" "$(printf '0x%x' $((0x${val:-0} + $(rip_offset "$con_rip"))))")
line_no=${fault_line##*:}
echo "# console RIP: $con_rip; addr2line: $fault_line"
check "oops: gdb's frame is crashme_write at the faulting line (addr2line)" \
    grep -qE "^    #[0-9]+ +(0x[0-9a-f]+ in )?crashme_write \\(.*\\) at ${fault_line//./\\.}\$" <<<"$crashme_part"
check "oops: info locals has crashme_write's dev (NULL) and cmd (\"1\\n\")" \
    bash -c "grep -qE '^dev = 0x0( |\$)' <<<\"\$1\" && grep -qF 'cmd = \"1\\n' <<<\"\$1\"" _ "$crashme_part"
check "oops: list shows the faulting line" \
    grep -qE "^${line_no:-none}[[:space:]]+dev->last_len = len;" <<<"$crashme_part"
# The caller: the console's first Call Trace entry, at the guest's address.
caller=$(sed -n '/Call Trace:/,/<\/TASK>/p' <<<"$crashme_con" | grep -m1 -oE '^\[[ 0-9.]+\]  [a-z_0-9.]+\+0x[0-9a-f]+' | sed 's/^\[[^]]*\]  //')
caller_fn=${caller%%+*}
caller_addr=$(kallsyms_addr "$O.kallsyms2" "$caller_fn")
caller_pc=$(printf '%x' $((0x${caller_addr:-0} + ${caller#*+})))
echo "# console's caller: $caller = $caller_pc"
check "oops: up goes to the caller, at the console's return address" \
    grep -qE "^\\\$[0-9]+ = .* 0x$caller_pc <" <<<"$crashme_part"
# bt's output: what follows the report's closing "***".
bt_part=$(sed '1,/^\*\*\*$/d' <<<"$crashme_part")
check "oops: bt after the report keeps the [exception RIP: ...] label" \
    grep -qxF "    [exception RIP: $con_rip]" <<<"$bt_part"
check "oops: bt -l gives the faulting line under the label, the path whole" \
    bash -c "grep -A1 -xF '    [exception RIP: $con_rip]' <<<\"\$1\" | grep -qxF '    ${fault_line/:/: }'" _ "$bt_part"

# ---- 3. crashme's panic (a boot of its own: after an oops the kernel
# prints no stack for a panic) ------------------------------------------------
guest_side() {
    wait_guest "$1" || return
    agent 'insmod /crashme.ko' >/dev/null
    agent --no-wait 'echo 4 > /proc/crashme'
}
C=$TMP/panic
run_lkdb "$C" -c 'info locals' -c 'frame' -c quit
diag "$C.err"
check "panic: lkdb qemu ends 0 after the report and the commands" test "$(cat "$C.status")" = 0
panic_part=$(cat "$C.out")
# panic()'s caller from the console's Call Trace: the first [crashme]
# entry; the call is one byte before the return address.
panic_con=$(tr -d '\r' <"$C.console" | sed -n '/Kernel panic - not syncing: crashme/,$p')
pcaller=$(grep -m1 -oE '[a-z_0-9.]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[crashme\]' <<<"$panic_con")
pfn=${pcaller%%+*}
read -r psec pval < <(object_symbol "$CRASHME_KO" "$pfn")
panic_line=$(ko_line "$CRASHME_KO" "${psec:-.text}" "$(printf '0x%x' $((0x${pval:-0} + $(rip_offset "$pcaller") - 1)))")
echo "# console: panic() called from $pcaller; addr2line of the call: $panic_line"
check "panic: the report names the console's caller and the call's line" \
    grep -qxF "    panic() called from: $pcaller  $panic_line" <<<"$panic_part"
check "panic: gdb's frame is crashme_write at the panic() call (addr2line)" \
    grep -qE "^    #[0-9]+ +(0x[0-9a-f]+ in )?crashme_write \\(.*\\) at ${panic_line//./\\.}\$" <<<"$panic_part"
check "panic: info locals has cmd (\"4\\n\")" grep -qF 'cmd = "4\n' <<<"$panic_part"

# ---- 4. no object file for the module ----------------------------------------
# The default module path has no crashme.ko: the report still names the
# fault from the module's kallsyms, says how to get its line, and gdb's
# frame is still the fault's.
guest_side() {
    wait_guest "$1" || return
    agent 'insmod /crashme.ko && cat /proc/kallsyms' >"$1.kallsyms"
    agent --no-wait 'echo 1 > /proc/crashme'
}
N=$TMP/noobject
module_path=()
run_lkdb "$N" -c quit
diag "$N.err"
check "no object file: lkdb qemu ends 0" test "$(cat "$N.status")" = 0
con_rip=$(console_rip "$N.console")
fault_pc=$(printf '%x' $((0x$(kallsyms_addr "$N.kallsyms" crashme_write) + $(rip_offset "$con_rip"))))
echo "# console RIP: $con_rip = $fault_pc"
check "no object file: the report names the console's RIP and how to get its line" \
    grep -qxF "    RIP: 0010:$con_rip  (no source line: no object file for crashme; mod -s crashme FILE, or --module-path DIR)" "$N.out"
check "no object file: gdb's frame is still the fault's" \
    grep -qE "^    #[0-9]+ +0x$fault_pc in \?\? \(\)\$" "$N.out"
done_testing

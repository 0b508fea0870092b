#!/usr/bin/env bash
# Dumps of a panicked guest, read in-process through kernel-helpers/dumps/dump.h
# (tests/integration/dump-probe.c): QEMU's ELF dump and its flattened
# kdump-compressed dump (dump-guest-memory -z, which QEMU 7.2 writes in
# makedumpfile's flattened format).  Ground truth is the guest's console:
# LKDB-RELEASE, "Kernel Offset: 0x... from 0xffffffff81000000" printed at
# panic, LKDB-MODULES; and the vmlinux's own linux_banner.
#
# The guest kernel hands VMCOREINFO to QEMU (-device vmcoreinfo, see
# guest.sh) only once its qemu_fw_cfg driver is loaded.  When the fixture's
# initramfs loads it at boot, the dumps are the suite's shared ones
# (lib.sh's shared_dump).  Otherwise this test boots a guest of its own
# with the module appended to a copy of the initrd and insmods it before
# the crash, after first checking that a dump taken without it is refused
# with a clear message.
#
# Global --json: ps and log give the text's rows as JSON.
#
# Environment: LKDB_DUMP_PROBE, the dump-probe binary (set by meson).
. "$(dirname "$0")/lib.sh"

PROBE=${LKDB_DUMP_PROBE:-$(dirname "$LKDB")/../tests/integration/dump-probe}
if [[ ! -x $PROBE ]]; then
    echo "Bail out! dump-probe not found at $PROBE (set LKDB_DUMP_PROBE)"
    exit 1
fi
V=$LKDB_VMLINUX
g=''
cleanup() {
    [[ -z $g ]] || "$GUEST_SH" stop "$g" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# value KEY FILE: the value of a dump-probe "key: value" line
value() { sed -n "s/^$1: //p" "$2" | head -n1; }
# probe NAME DUMP: run dump-probe with the vmlinux, output in $TMP/NAME.out
probe() {
    "$PROBE" "$2" "$V" >"$TMP/$1.out" 2>"$TMP/$1.err"
    local status=$?
    diag "$TMP/$1.out" "$TMP/$1.err"
    return $status
}
size_of() { stat -c %s "$1"; }

# --- the dumps ------------------------------------------------------------
# own_dumps: a guest whose kernel hands VMCOREINFO to QEMU only once
# qemu_fw_cfg.ko is inserted: a dump before that is refused; then the
# panic and both dumps into $TMP, its console into $console.
own_dumps() {
    local ko=$LKDB_MODULES_DIR/kernel/drivers/firmware/qemu_fw_cfg.ko
    if [[ ! -f $ko ]]; then
        echo "1..0 # SKIP $ko not in the fixture (a partial modules tree); the guest needs it for VMCOREINFO"
        exit 0
    fi
    # A second cpio archive appended to the initrd adds /lkdb-extra/.
    mkdir -p "$TMP/extra/lkdb-extra"
    cp "$ko" "$TMP/extra/lkdb-extra/"
    if ! (cd "$TMP/extra" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$TMP/extra.cpio.gz" ||
        ! cat "$LKDB_INITRD" "$TMP/extra.cpio.gz" >"$TMP/initrd.gz"; then
        bail_out "cannot build the initrd with qemu_fw_cfg.ko"
    fi
    export LKDB_INITRD=$TMP/initrd.gz
    g=$(own_guest dump --sleepers 2 --mem 256) || exit 1
    # No VMCOREINFO yet: dump-guest-memory also works on a running guest.
    "$GUEST_SH" dump "$g" "$TMP/novmci.elf" --format elf >/dev/null 2>"$TMP/dump.err" ||
        diag "$TMP/dump.err"
    "$PROBE" "$TMP/novmci.elf" >"$TMP/novmci.out" 2>"$TMP/novmci.err"
    local status=$?
    diag "$TMP/novmci.err"
    check "a dump without VMCOREINFO is refused, naming the file and -device vmcoreinfo" \
        test $status != 0 -a "$(wc -l <"$TMP/novmci.err")" = 1 \
        -a -n "$(grep -F "$TMP/novmci.elf: no VMCOREINFO in this dump" "$TMP/novmci.err" | grep -F -- '-device vmcoreinfo')"
    rm -f "$TMP/novmci.elf"
    "$GUEST_SH" run "$g" 'insmod /lkdb-extra/qemu_fw_cfg.ko' >"$TMP/insmod.out" 2>&1 ||
        diag "$TMP/insmod.out"
    check "the guest handed its VMCOREINFO to QEMU (fw_cfg etc/vmcoreinfo)" \
        "$GUEST_SH" run "$g" 'test -d /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo'
    "$GUEST_SH" run "$g" --no-wait 'echo c > /proc/sysrq-trigger' >/dev/null 2>&1
    "$GUEST_SH" wait "$g" 'end Kernel panic' 60 >/dev/null || bail_out "the guest did not panic"
    "$GUEST_SH" dump "$g" "$TMP/vmcore.elf" --format elf >/dev/null 2>"$TMP/dump.err"
    "$GUEST_SH" dump "$g" "$TMP/vmcore.flat" --format kdump-zlib >/dev/null 2>>"$TMP/dump.err"
    diag "$TMP/dump.err"
    console=$(tr -d '\r' <"$g/console.log")
    "$GUEST_SH" stop "$g" >/dev/null 2>&1
    g=''
    dump=([elf]=$TMP/vmcore.elf [flat]=$TMP/vmcore.flat)
}
declare -A dump
if grep -q 'qemu_fw_cfg' "$LKDB_KERNEL_DIR/boot-modules.list" 2>/dev/null; then
    d=$(shared_dump) || exit 1
    # A guest whose kernel refuses qemu_fw_cfg (module_blacklist): its
    # VMCOREINFO never reaches QEMU.
    g=$(own_guest novmci --sleepers 1 --mem 128 --extra-append module_blacklist=qemu_fw_cfg) || exit 1
    "$GUEST_SH" dump "$g" "$TMP/novmci.elf" --format elf >/dev/null 2>"$TMP/dump.err" ||
        diag "$TMP/dump.err"
    "$GUEST_SH" stop "$g" >/dev/null 2>&1
    g=''
    "$PROBE" "$TMP/novmci.elf" >"$TMP/novmci.out" 2>"$TMP/novmci.err"
    status=$?
    diag "$TMP/novmci.err"
    check "a dump without VMCOREINFO is refused, naming the file and -device vmcoreinfo" \
        test $status != 0 -a "$(wc -l <"$TMP/novmci.err")" = 1 \
        -a -n "$(grep -F "$TMP/novmci.elf: no VMCOREINFO in this dump" "$TMP/novmci.err" | grep -F -- '-device vmcoreinfo')"
    rm -f "$TMP/novmci.elf"
    check "the guest handed its VMCOREINFO to QEMU (fw_cfg etc/vmcoreinfo)" \
        test "$(shared_fact "$d" vmcoreinfo)" = yes
    console=$(tr -d '\r' <"$d/console.log")
    dump=([elf]=$d/vmcore.elf [flat]=$d/vmcore.flat)
else
    own_dumps
fi
release=$(sed -n 's/^LKDB-RELEASE: //p' <<<"$console" | head -n1)
offset=$(sed -n 's/.*Kernel Offset: \(0x[0-9a-f]*\) from 0xffffffff81000000.*/\1/p' <<<"$console" | head -n1)
modules=$(sed -n 's/^LKDB-MODULES: *//p' <<<"$console" | head -n1)
echo "# console: release $release, Kernel Offset $offset, modules: $modules"
[[ -n $release && -n $offset ]] || bail_out "no LKDB-RELEASE or Kernel Offset on the console"
check "QEMU wrote the ELF dump" test -s "${dump[elf]}"
check "QEMU wrote the kdump-zlib dump in the flattened format" \
    test "$(head -c 12 "${dump[flat]}" 2>/dev/null)" = makedumpfile
echo "# dump sizes: ELF $(size_of "${dump[elf]}") bytes, flattened $(size_of "${dump[flat]}") bytes"

# --- both dumps read the same kernel, through its page tables -----------------
for kind in elf flat; do
    name=ELF format=ELF
    [[ $kind == flat ]] && name=flattened format=flattened
    probe "$kind" "${dump[$kind]}"
    check "$name: dump_open succeeds" test $? = 0
    out=$TMP/$kind.out
    check "$name: format is $format" test "$(value format "$out")" = "$format"
    check "$name: OSRELEASE equals the console's LKDB-RELEASE" \
        test "$(value osrelease "$out")" = "$release"
    check "$name: KERNELOFFSET equals the console's Kernel Offset" \
        test "$(value kerneloffset "$out")" = "$offset"
    check "$name: vmlinux matches by build-id" test "$(value vmlinux "$out")" = ok
    check "$name: linux_banner read at symbol + KERNELOFFSET equals the vmlinux's" \
        test "$(value banner-matches "$out")" = yes
    check "$name: registers of both vCPUs, their stacks (vmalloc) readable" \
        test "$(value nr_cpus "$out")" = 2 -a "$(grep -c '^cpu[01]\.stack: ok ' "$out")" = 2
    missing=''
    for m in $modules; do
        grep -qE "^modules:.* $m( |$)" "$out" || missing+=" $m"
    done
    check "$name: the module list (module space) has the console's modules${missing:+ (missing:$missing)}" \
        test -n "$modules" -a -z "$missing"
    check "$name: physical memory past the dump is a FAULT naming the address" \
        grep -qE '^phys-absent: error: physical address 0x[0-9a-f]+: page not in the dump' "$out"
    printf '# %s: open %ss, first read %ss\n' "$name" "$(value time-open "$out")" \
        "$(value time-first-read "$out")"
done
# What the kernel holds, not the moment of the dump (the panicking CPU
# still spins, so its registers differ between the two dumps).
same_kernel() { grep -E '^(osrelease|build-id|kerneloffset|nr_cpus|vmlinux|banner|modules):' "$1"; }
check "ELF and flattened dumps read the same kernel" \
    diff <(same_kernel "$TMP/elf.out") <(same_kernel "$TMP/flat.out")

# --- makedumpfile -R -----------------------------------------------------------
if command -v makedumpfile >/dev/null 2>&1; then
    makedumpfile -R "$TMP/vmcore.R" <"${dump[flat]}" >"$TMP/R.log" 2>&1
    check "makedumpfile -R reassembles the flattened dump" test $? = 0
    "$PROBE" --reassemble "${dump[flat]}" "$TMP/vmcore.ours" >"$TMP/ours.out" 2>&1
    diag "$TMP/ours.out"
    check "our reassembly is byte for byte makedumpfile -R's" cmp "$TMP/vmcore.R" "$TMP/vmcore.ours"
    rm -f "$TMP/vmcore.ours"
    probe R "$TMP/vmcore.R"
    check "makedumpfile -R's file opens as kdump-compressed" \
        test "$(value format "$TMP/R.out")" = kdump-compressed
    # Same dump: everything but the timings and the format name agrees.
    everything() { grep -vE '^(time-[a-z-]+|format):' "$1"; }
    check "reading it gives exactly what reading the flattened dump gave" \
        diff <(everything "$TMP/flat.out") <(everything "$TMP/R.out")
    rm -f "$TMP/vmcore.R"
else
    for t in "makedumpfile -R reassembles the flattened dump" \
        "our reassembly is byte for byte makedumpfile -R's" \
        "makedumpfile -R's file opens as kdump-compressed" \
        "reading it gives exactly what reading the flattened dump gave"; do
        ok 0 "$t # SKIP makedumpfile not installed"
    done
fi

# --- truncated copies: clear one-line errors -----------------------------------
head -c 1M "${dump[elf]}" >"$TMP/trunc.elf"
"$PROBE" "$TMP/trunc.elf" >/dev/null 2>"$TMP/trunc.err"
status=$?
diag "$TMP/trunc.err"
check "a truncated ELF dump (1 MiB) is refused: one line naming it, 'truncated'" \
    test $status = 1 -a "$(wc -l <"$TMP/trunc.err")" = 1 \
    -a -n "$(grep -F "$TMP/trunc.elf: truncated" "$TMP/trunc.err")"
head -c 1M "${dump[flat]}" >"$TMP/trunc.flat"
"$PROBE" "$TMP/trunc.flat" >/dev/null 2>"$TMP/trunc.err"
status=$?
diag "$TMP/trunc.err"
check "a truncated flattened dump (1 MiB) is refused: one line naming it, 'truncated'" \
    test $status = 1 -a "$(wc -l <"$TMP/trunc.err")" = 1 \
    -a -n "$(grep -F "$TMP/trunc.flat: truncated flattened dump" "$TMP/trunc.err")"

# --- corrupt page data: libkdumpfile's error, spelt right ------------------
# The reassembled kdump-compressed dump with the start of every zlib page
# overwritten: reading any page fails to decompress.
"$PROBE" --reassemble "${dump[flat]}" "$TMP/vmcore.kd" >/dev/null 2>&1
python3 - "$TMP/vmcore.kd" >"$TMP/spoil.out" 2>&1 <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b')
h = f.read(4096)
block_size, sub_hdr, bitmap_blocks = struct.unpack_from('<iiI', h, 428)
# the second half of the bitmap blocks: the pages in the dump, one
# page descriptor each, after the bitmaps
half = bitmap_blocks * block_size // 2
f.seek((1 + sub_hdr) * block_size + half)
pages = sum(bin(b).count('1') for b in f.read(half))
desc = (1 + sub_hdr + bitmap_blocks) * block_size
spoilt = 0
for i in range(pages):
    f.seek(desc + 24 * i)
    off, size, flags, _ = struct.unpack('<qIIQ', f.read(24))
    if flags & 1:      # DUMP_DH_COMPRESSED_ZLIB
        f.seek(off)
        f.write(b'\xff' * min(size, 16))
        spoilt += 1
print('# %d pages, %d zlib pages spoilt' % (pages, spoilt))
sys.exit(0 if spoilt else 1)
PY
spoil=$?
cat "$TMP/spoil.out"
"$LKDB" -q "$V" "$TMP/vmcore.kd" -c sys >/dev/null 2>"$TMP/lkdb.err"
status=$?
diag "$TMP/lkdb.err"
check "a dump whose zlib pages are corrupt: one line naming it, \"Decompression failed\" spelt right" \
    test $spoil = 0 -a $status = 2 -a "$(wc -l <"$TMP/lkdb.err")" = 1 \
    -a -n "$(grep -F "$TMP/vmcore.kd: " "$TMP/lkdb.err" | grep -F 'Decompression failed')" \
    -a -z "$(grep -F 'Decompresion' "$TMP/lkdb.err")"
rm -f "$TMP/vmcore.kd"

# --- lkdb VMLINUX VMCORE: gdb through lkdb-dump-server, log in-process ------
# (the guest is gone: its console was kept in $console)
panic_line=$(grep -a -m1 -o 'Kernel panic - not syncing: .*' <<<"$console" | tr -d '\r')
last_line=$(grep -a 'end Kernel panic' <<<"$console" | tail -1 | tr -d '\r' | sed 's/^\[ *[0-9.]*\] //')
check "the console has the panic line and the end marker (ground truth)" \
    test -n "$panic_line" -a -n "$last_line"
# The flattened dump is reassembled once: lkdb-dump-server reads lkdb's
# copy, so it works here with a TMPDIR where it could not make its own.
server=$(dirname "$LKDB")/../server/lkdb-dump-server
printf '#!/bin/sh\nTMPDIR=/nonexistent/lkdb exec "%s" "$@"\n' "$server" >"$TMP/server-no-tmp"
chmod +x "$TMP/server-no-tmp"
for kind in elf flat; do
    server_env=()
    [[ $kind == flat ]] && server_env=(LKDB_DUMP_SERVER="$TMP/server-no-tmp")
    env "${server_env[@]}" "$LKDB" "$V" "${dump[$kind]}" -c 'p init_uts_ns.name.release' \
        -c 'info threads' -c 'thread apply all bt 8' -c log \
        >"$TMP/lkdb.out" 2>"$TMP/lkdb.err"
    status=$?
    diag "$TMP/lkdb.err"
    check "lkdb on the $kind dump: exit 0" test $status = 0
    check "lkdb on the $kind dump: names the dump, its format and the offset" \
        grep -qE "^lkdb: ${dump[$kind]} \[.*\]: Linux $release, 2 CPUs, KASLR offset $offset\$" "$TMP/lkdb.err"
    check "lkdb on the $kind dump: gdb reads the release the console printed${server_env:+ (the server reads the copy lkdb reassembled)}" \
        grep -qF "\"$release\"" "$TMP/lkdb.out"
    check "lkdb on the $kind dump: one gdb thread per CPU" \
        test "$(grep -cE '^[* ] +[0-9]+ +Thread [0-9]+ \(CPU [0-9]\)' "$TMP/lkdb.out")" = 2
    check "lkdb on the $kind dump: a CPU's bt goes through sysrq_handle_crash into panic" \
        bash -c "grep -A1 ' in panic ' '$TMP/lkdb.out' | grep -q sysrq_handle_crash"
    check "lkdb on the $kind dump: log has the console's panic line" \
        grep -qF "$panic_line" "$TMP/lkdb.out"
    check "lkdb on the $kind dump: log ends with the console's last kernel line" \
        bash -c "grep '^\[' '$TMP/lkdb.out' | tail -1 | grep -qF -- '$last_line'"
    "$LKDB" -q "$V" "${dump[$kind]}" -c sys -c 'sys --json' >"$TMP/sys.out" 2>"$TMP/sys.err"
    status=$?
    diag "$TMP/sys.err"
    check "sys on the $kind dump: exit 0, no warnings" test $status = 0 -a ! -s "$TMP/sys.err"
    check "sys on the $kind dump: PANIC is the console's panic line" \
        grep -qxF "       PANIC: \"$panic_line\"" "$TMP/sys.out"
    check "sys on the $kind dump: DUMPFILE names the file and its format" \
        grep -qE "^    DUMPFILE: ${dump[$kind]}  \[(ELF|flattened)\]\$" "$TMP/sys.out"
    check "sys on the $kind dump: RELEASE is the console's" grep -qxF "     RELEASE: $release" "$TMP/sys.out"
    check "sys on the $kind dump: 2 CPUs" grep -qE '^        CPUS: 2( |$)' "$TMP/sys.out"
    sleepers=$(grep -a -m1 '^LKDB-SLEEPERS:' <<<"$console" | cut -d' ' -f3-)
    "$LKDB" -q "$V" "${dump[$kind]}" -c ps >"$TMP/ps.out" 2>"$TMP/ps.err"
    check "ps on the $kind dump: exit 0, no warnings" test $? = 0 -a ! -s "$TMP/ps.err"
    sed 's/^>/> /' "$TMP/ps.out" >"$TMP/ps.rows"   # '>' as a field of its own
    check "ps on the $kind dump: the console named the sleepers" test -n "$sleepers"
    for p in $sleepers; do
        check "ps on the $kind dump: sleeper $p is sleep in state IN" \
            awk -v p="$p" '$1 == p && $NF == "sleep" && $5 == "IN" { f = 1 } END { exit !f }' "$TMP/ps.rows"
    done
    check "ps on the $kind dump: the panicking sh is running ('>') in state RU" \
        awk '$1 == ">" && $NF == "sh" && $6 == "RU" { f = 1 } END { exit !f }' "$TMP/ps.rows"
    check "ps on the $kind dump: one '>' per CPU" test "$(grep -c '^>' "$TMP/ps.out")" = 2
    # Global --json: one JSON document per command, the text's rows.
    "$LKDB" -q "$V" "${dump[$kind]}" -c log >"$TMP/log.out" 2>"$TMP/log.err"
    "$LKDB" -q --json "$V" "${dump[$kind]}" -c ps -c log >"$TMP/json.out" 2>"$TMP/json.err"
    status=$?
    diag "$TMP/log.err" "$TMP/json.err"
    check "--json -c ps -c log on the $kind dump: exit 0, no warnings" test $status = 0 -a ! -s "$TMP/json.err"
    check "--json on the $kind dump: ps and log are valid JSON with the text's rows (pid, ppid, task, state, comm; log lines)" \
        python3 - "$TMP/json.out" "$TMP/ps.out" "$TMP/log.out" <<'PY'
import json, re, sys
raw = open(sys.argv[1], encoding='utf-8').read()
dec, docs, i = json.JSONDecoder(), [], 0
while raw[i:].strip():
    i += len(raw[i:]) - len(raw[i:].lstrip())
    doc, i = dec.raw_decode(raw, i)
    docs.append(doc)
ps, log = docs
# ps: '>' PID PPID CPU TASK ST %MEM VSZ RSS COMM ([COMM] for kernel threads)
text = []
for l in open(sys.argv[2], encoding='utf-8', errors='replace').read().splitlines():
    m = re.match(r'^([> ])\s*(\d+)\s+(\d+)\s+\S+\s+([0-9a-f]{16})\s+(\S+)\s+\S+\s+\S+\s+\S+\s+(.*)$', l)
    if m:
        text.append((m[1] == '>', int(m[2]), int(m[3]), m[4], m[5], m[6]))
js = [(t['running'], t['pid'], t['ppid'], '%016x' % int(t['task'], 16), t['state'],
       '[%s]' % t['comm'] if t['kernel_thread'] else t['comm']) for t in ps]
# log: the text's lines rebuilt from the records, as the text mode shows
# them (a prefix on each line of a record, control bytes as \xNN)
def shown(line):
    return ''.join('\\x%02x' % ord(c) if (ord(c) < 0x20 and c != '\t') or ord(c) == 0x7f else c
                   for c in line)
lines = []
for r in log:
    prefix = '[%5d.%06d]' % (r['ts_nsec'] // 10**9, r['ts_nsec'] % 10**9 // 1000)
    if r['caller'] is not None:
        prefix += '[%6s]' % r['caller']
    lines += ['%s %s' % (prefix, shown(t)) for t in r['text'].split('\n')]
log_text = open(sys.argv[3], encoding='utf-8', errors='replace').read().splitlines()
print('# ps: %d text rows, %d JSON; log: %d text lines, %d from %d JSON records'
      % (len(text), len(js), len(log_text), len(lines), len(log)))
bad = [a for a, b in zip(text, js) if a != b][:2] + [a for a, b in zip(log_text, lines) if a != b][:2]
print('# first differences: %r' % bad)
sys.exit(0 if text and js == text and log and lines == log_text else 1)
PY
done

# The wrong vmlinux for a dump: refused before gdb starts, naming both.
other=$(dirname "$LKDB")/../tests/unit/vmlinux-fixture
"$LKDB" "$other" "${dump[elf]}" -c 'p 1' >"$TMP/lkdb.out" 2>"$TMP/lkdb.err"
status=$?
diag "$TMP/lkdb.err"
check "a vmlinux of another build is refused for the dump (exit 2, one line)" \
    test $status = 2 -a "$(wc -l <"$TMP/lkdb.err")" = 1
# The build-ids as binutils reads them from the two files (the dump's
# kernel is $V: the dump matched it above).
build_id_of() { readelf -n "$1" | sed -n 's/^ *Build ID: \([0-9a-f]*\)$/\1/p' | head -n1; }
kernel_id=$(build_id_of "$V") other_id=$(build_id_of "$other")
echo "# build-ids: the dumped kernel ${kernel_id:-?}, the other vmlinux ${other_id:-?}"
names_both_build_ids() {
    [[ -n $kernel_id && -n $other_id && $kernel_id != "$other_id" ]] &&
        grep -qF "$kernel_id" "$TMP/lkdb.err" && grep -qF "$other_id" "$TMP/lkdb.err"
}
check "the refusal names both build-ids" names_both_build_ids
"$LKDB" "$V" "$TMP/trunc.elf" -c 'p 1' >/dev/null 2>"$TMP/lkdb.err"
status=$?
check "lkdb on a truncated dump: exit 2 naming the file" \
    bash -c "test $status = 2 && grep -q '^lkdb: $TMP/trunc.elf: truncated' '$TMP/lkdb.err'"
"$LKDB" "$V" "$V" -c 'p 1' >/dev/null 2>"$TMP/lkdb.err"
status=$?
diag "$TMP/lkdb.err"
check "lkdb with a non-dump file as VMCORE: exit 2 naming it" \
    bash -c "test $status = 2 && grep -q '^lkdb: $V: ' '$TMP/lkdb.err'"
rm -f "$TMP"/vmcore.* "$TMP"/trunc.*
done_testing

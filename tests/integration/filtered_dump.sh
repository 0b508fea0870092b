#!/usr/bin/env bash
# A filtered dump: QEMU's ELF dump of a panicked guest (the suite's shared
# dump, lib.sh's shared_dump), cut down by
# `makedumpfile -d 31 -c` (zero, cache, private cache, user and free pages
# excluded) to a kdump-compressed dump, as a distribution's kdump service
# would write it.  Kernel data is kept, so sys, ps and log still work; a page
# makedumpfile excluded must read as an error naming the address (not as
# zeros), and lkdb must go on with its next command.
#
# Ground truth: the guest's console (LKDB-RELEASE, LKDB-SLEEPERS, the panic
# line), and the unfiltered ELF dump (the excluded page reads fine there).
#
# makedumpfile 1.7.2 (Debian 12) reads an ELF dump's program headers right
# after the ELF header, ignoring e_phoff; QEMU 7.2 puts its section headers
# there and the program headers after them ("get_elf_info: Can't get the
# number of PT_LOAD").  This test then moves the program headers to offset
# 64 in its copy of the dump (dropping the section headers, which hold
# nothing makedumpfile needs) before filtering.
. "$(dirname "$0")/lib.sh"

if ! command -v makedumpfile >/dev/null 2>&1; then
    echo "1..0 # SKIP makedumpfile not installed (scripts/install-deps.sh --test)"
    exit 0
fi
if ! grep -q 'qemu_fw_cfg' "$LKDB_KERNEL_DIR/boot-modules.list" 2>/dev/null; then
    echo "1..0 # SKIP qemu_fw_cfg is not loaded at boot: no VMCOREINFO for makedumpfile (see dump_formats.sh)"
    exit 0
fi
V=$LKDB_VMLINUX

# le FILE OFFSET BYTES: an unsigned little-endian field of a file
le() { od -An -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' '; }

# --- ground truth, a copy of the ELF dump -------------------------------------
d=$(shared_dump) || exit 1
console=$(tr -d '\r' <"$d/console.log")
release=$(sed -n 's/^LKDB-RELEASE: //p' <<<"$console" | head -n1)
sleepers=$(sed -n 's/^LKDB-SLEEPERS: [0-9]* //p' <<<"$console" | head -n1)
panic_line=$(grep -a -m1 -o 'Kernel panic - not syncing: .*' <<<"$console")
echo "# console: release $release, sleepers $sleepers, panic line: $panic_line"
[[ -n $release && -n $sleepers && -n $panic_line ]] ||
    bail_out "no LKDB-RELEASE, LKDB-SLEEPERS or panic line on the dumped guest's console"
# A copy of its own: its program headers may be moved below.
cp "$d/vmcore.elf" "$TMP/vmcore.elf" || bail_out "cannot copy the shared dump"

# --- makedumpfile -d 31 -c ------------------------------------------------------------
elf=$TMP/vmcore.elf
phoff=$(le "$elf" 32 8)
phnum=$(le "$elf" 56 2)
if [[ $phoff != 64 ]]; then
    echo "# program headers at $phoff, not 64: moving them for makedumpfile (see the top of this file)"
    chmod u+w "$elf"
    dd if="$elf" of="$elf" bs=1 skip="$phoff" seek=64 count=$((phnum * 56)) conv=notrunc status=none &&
        printf '\x40\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0' | dd of="$elf" bs=1 seek=32 conv=notrunc status=none &&
        printf '\0\0\0\0' | dd of="$elf" bs=1 seek=60 conv=notrunc status=none
    check "the ELF dump's program headers moved to offset 64" test "$(le "$elf" 32 8)" = 64
fi
makedumpfile -d 31 -c "$elf" "$TMP/filtered.dump" >"$TMP/mdf.out" 2>&1
status=$?
tr '\r' '\n' <"$TMP/mdf.out" | grep -v '^ *$' | grep -v '%\]' | diag
check "makedumpfile -d 31 -c wrote a kdump-compressed dump" \
    test $status = 0 -a "$(head -c 8 "$TMP/filtered.dump" 2>/dev/null)" = 'KDUMP   '
elf_size=$(stat -c %s "$elf")
filt_size=$(stat -c %s "$TMP/filtered.dump" 2>/dev/null || echo 0)
echo "# sizes: ELF $elf_size bytes, filtered $filt_size bytes"
check "the filtered dump is smaller than a fifth of the ELF dump" test $((filt_size * 5)) -lt "$elf_size"

# --- sys, ps, log on the filtered dump -----------------------------------------------
"$LKDB" -q "$V" "$TMP/filtered.dump" -c sys -c ps -c log >"$TMP/lkdb.out" 2>"$TMP/lkdb.err"
status=$?
diag "$TMP/lkdb.err"
check "lkdb -c sys -c ps -c log on the filtered dump: exit 0, no warnings" \
    test $status = 0 -a ! -s "$TMP/lkdb.err"
check "sys: DUMPFILE names the file as kdump-compressed" \
    grep -qxF "    DUMPFILE: $TMP/filtered.dump  [kdump-compressed]" "$TMP/lkdb.out"
check "sys: RELEASE is the console's" grep -qxF "     RELEASE: $release" "$TMP/lkdb.out"
check "sys: PANIC is the console's panic line" grep -qxF "       PANIC: \"$panic_line\"" "$TMP/lkdb.out"
sed 's/^>/> /' "$TMP/lkdb.out" >"$TMP/rows"
for p in $sleepers; do
    check "ps: sleeper $p is sleep in state IN" \
        awk -v p="$p" '$1 == p && $NF == "sleep" && $5 == "IN" { f = 1 } END { exit !f }' "$TMP/rows"
done
check "ps: the panicking sh is running ('>') in state RU" \
    awk '$1 == ">" && $NF == "sh" && $6 == "RU" { f = 1 } END { exit !f }' "$TMP/rows"
check "log: has the console's panic line" grep -qF "] $panic_line" "$TMP/lkdb.out"

# --- a page makedumpfile excluded ---------------------------------------------------
# The kdump header (block 0) gives block_size, sub_hdr_size, bitmap_blocks and
# max_mapnr at offsets 428..443; the bitmaps follow the sub-header: the first
# half marks RAM, the second the pages in the dump.  Take the first PFN from
# 16 MiB up that is RAM but not in the dump.
pfn=$(python3 - "$TMP/filtered.dump" <<'EOF'
import struct, sys
with open(sys.argv[1], 'rb') as f:
    h = f.read(448)
    bs, sub, blocks, maxmapnr = struct.unpack_from('<iiii', h, 428)
    f.seek(bs * (1 + sub))
    bm = f.read(bs * blocks)
half = len(bm) // 2
bit = lambda b, p: (b[p >> 3] >> (p & 7)) & 1
for p in range(0x1000, min(maxmapnr, half * 8)):
    if bit(bm, p) and not bit(bm[half:], p):
        print('0x%x' % p)
        break
EOF
)
echo "# excluded PFN: ${pfn:-none}"
check "the filtered dump's bitmap has a RAM page it excluded" test -n "$pfn"
pfn=${pfn:-0x1000}
# Its direct-map address: page_offset_base (KASLR) + PFN * 4096.
expr="page_offset_base + $pfn * 4096"
"$LKDB" -q "$V" "$elf" -c "p/x $expr" -c "x/2gx $expr" >"$TMP/elf.out" 2>"$TMP/elf.err"
status=$?
diag "$TMP/elf.err"
addr=$(sed -n 's/^\$1 = \(0x[0-9a-f]*\)$/\1/p' "$TMP/elf.out")
echo "# its direct-map address: ${addr:-?}"
check "the unfiltered ELF dump reads that page (exit 0)" \
    test $status = 0 -a -n "$addr" -a -n "$(grep "^$addr:" "$TMP/elf.out")"
"$LKDB" -q "$V" "$TMP/filtered.dump" -c "x/2gx $expr" -c 'p init_uts_ns.name.release' \
    >"$TMP/filt.out" 2>"$TMP/filt.err"
status=$?
diag "$TMP/filt.out" "$TMP/filt.err"
check "the filtered dump: reading it fails, exit status 1" test $status = 1
check "the error names the address" grep -qE "(access|read) memory at address $addr\b" "$TMP/filt.err"
check "no data is printed for it" bash -c "! grep -qE '^$addr:.*0x[0-9a-f]{16}' '$TMP/filt.out'"
check "the next command still runs (release printed)" grep -qF "\"$release\"" "$TMP/filt.out"

# --- crash's memory commands on the filtered dump ---------------------------------
# Kernel data is kept: search finds linux_banner (System.map + KASLR), kmem
# -p lists pages, tree walks the PID XArray.  User pages are not: a
# sleeper's memory is not there to search or read, and lkdb says so
# (search: a count of pages not searched; rd -u: an error naming the page)
# instead of printing zeros.
text=$(shared_fact "$d" text)
banner=$(printf '%x' $((0x$(awk '$3 == "linux_banner" { print $1; exit }' "$LKDB_SYSTEM_MAP") + 0x$text - 0xffffffff81000000)))
read -r upid uaddr _ < <(sed -n 's/^user-page //p' "$d/guest-proc")
F=$TMP/filtered.dump
"$LKDB" -q "$V" "$F" -c 'search -c "Linux version"' >"$TMP/fs.out" 2>"$TMP/fs.err"
status=$?
diag "$TMP/fs.err"
check "search -c on the filtered dump finds linux_banner ($banner), exit 0" \
    bash -c "test $status = 0 && grep -q '^$banner: Linux version' '$TMP/fs.out'"
check "... and says how many mapped pages the dump left out, in one line" \
    bash -c "test \"\$(grep -c '' '$TMP/fs.err')\" = 1 && grep -qE '^lkdb: search: warning: [0-9]{4,} mapped pages are not in the dump' '$TMP/fs.err'"
"$LKDB" -q "$V" "$F" -c "task $upid" -c "rd -u $uaddr" -c "search -u -w 464c457f" \
    -c 'kmem -p | tail -n 1' -c 'tree -t x -r pid_namespace.idr init_pid_ns | wc -l' >"$TMP/fu.out" 2>"$TMP/fu.err"
diag "$TMP/fu.out" "$TMP/fu.err"
check "rd -u of an excluded user page: one error naming the address, no zeros" \
    bash -c "grep -qE '^lkdb: rd: .*$(printf '%x' $((0x$uaddr)))' '$TMP/fu.err' && ! grep -qE '^ *$(printf '%x' $((0x$uaddr))):' '$TMP/fu.out'"
check "search -u finds no ELF magic at $uaddr, not in the dump (the vDSO's, a kernel page, may be), and says how many pages it could not search" \
    bash -c "! grep -qE '^0*$(printf '%x' $((0x$uaddr))): 464c457f' '$TMP/fu.out' && grep -qE '^lkdb: search: warning: [0-9]+ mapped pages are not in the dump' '$TMP/fu.err'"
check "kmem -p and tree still work on the filtered dump" \
    bash -c "grep -qE '^[0-9a-f]{16} +[0-9a-f]+ ' '$TMP/fu.out' && grep -qxE '[1-9][0-9]*' '$TMP/fu.out'"

# kmem -S, -z, -f and -v read slabs, zones, struct pages and vmap areas:
# kernel data -d 31 keeps (a free page's struct page stays, its contents
# go), so they print what they print on the unfiltered dump.
for o in S z f v; do
    "$LKDB" -q "$V" "$F" -c "kmem -$o" >"$TMP/k$o.filt" 2>"$TMP/k$o.err"
    status=$?
    diag "$TMP/k$o.err"
    "$LKDB" -q "$V" "$d/vmcore.elf" -c "kmem -$o" >"$TMP/k$o.elf" 2>&1
    check "kmem -$o on the filtered dump: exit 0, no warning, as on the unfiltered dump ($(grep -c '' "$TMP/k$o.elf") lines)" \
        bash -c "test $status = 0 -a ! -s '$TMP/k$o.err' && test -s '$TMP/k$o.elf' && cmp -s '$TMP/k$o.filt' '$TMP/k$o.elf'"
done

rm -f "$TMP/vmcore.elf" "$TMP/filtered.dump"
done_testing

#!/usr/bin/env bash
# mod on a live guest with KASLR on, against the guest's own /proc/modules
# and /proc/kallsyms: mod lists exactly the loaded modules with their
# addresses and sizes; after insmod of the test module it lists that too,
# and mod -s loads its symbols at the kernel's section addresses, so gdb
# finds crashme_write where kallsyms has it, in crashme.c; mod -S loads the
# boot modules from the fixture's tree; bad input gives one-line errors.
# The test module is removed at the end: the shared guest stays as it was.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX

# all CMD1... -- CMD2...: both succeed
all() {
    local a=()
    while [[ $1 != -- ]]; do a+=("$1"); shift; done
    shift
    "${a[@]}" && "$@"
}
proc_modules() { "$GUEST_SH" run "$g" 'cat /proc/modules' | tr -d '\r' | awk 'NF >= 6'; }
# "NAME SIZE BASE" from /proc/modules lines or from mod's table.
# (the address is the field after the state: taints like "(OE)" follow it)
proc_rows() { awk '{ for (i = 6; i <= NF; i++) if ($i ~ /^0x/) { print $1, $2, $i; break } }' | sort; }
mod_rows() { awk 'NR > 1 { print $2, $4, "0x" $3 }' | sort; }

# Loaded by this test (not if it was loaded already): removed at the end.
inserted=
cleanup() {
    [[ -n $inserted ]] && "$GUEST_SH" run "$g" 'rmmod crashme' >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

proc_modules >"$TMP/proc"
diag "$TMP/proc"
boot_mods=$(tr -d '\r' <"$g/console.log" | sed -n 's/^LKDB-MODULES://p' | head -1)
echo "# console: LKDB-MODULES:$boot_mods"

start=$(date +%s%N)
"$LKDB" -q -r ":$port" "$V" -c 'mod --stats' >"$TMP/mod" 2>"$TMP/err"
status=$?
end=$(date +%s%N)
diag "$TMP/err"
diag "$TMP/mod"
echo "# lkdb -c mod: $(( (end - start) / 1000000 )) ms in all (gdb start and attach included)"
check "mod exits 0" test $status = 0
check "mod: crash's header" \
    grep -qE '^ +MODULE +NAME +BASE +SIZE +OBJECT FILE$' <(head -1 "$TMP/mod")
proc_rows <"$TMP/proc" >"$TMP/proc.rows"
mod_rows <"$TMP/mod" >"$TMP/mod.rows"
check "mod lists exactly /proc/modules' modules, bases and sizes" \
    diff "$TMP/proc.rows" "$TMP/mod.rows"
# crash sorts its module table by base address; /proc/modules is newest first.
by_base=$(awk '{ for (i = 6; i <= NF; i++) if ($i ~ /^0x/) { print $i, $1; break } }' "$TMP/proc" |
    sort | awk '{ print $2 }' | tr '\n' ' ')
check "mod lists in crash's order, by /proc/modules' base addresses ($by_base)" \
    test "$(awk 'NR > 1 { print $2 }' "$TMP/mod" | tr '\n' ' ')" = "$by_base"
missing=0
for m in $boot_mods; do
    grep -q "^$m " "$TMP/mod.rows" || missing=1
done
check "every LKDB-MODULES module is listed" test -n "$boot_mods" -a $missing = 0
check "no symbols loaded yet: (not loaded)" \
    test "$(awk 'NR > 1 && !/\(not loaded\)$/' "$TMP/mod" | wc -l)" = 0

# --json: the same modules.
"$LKDB" -q -r ":$port" "$V" -c 'mod --json' >"$TMP/json" 2>"$TMP/err"
status=$?
diag "$TMP/err"
python3 -c '
import json, sys
for m in json.load(open(sys.argv[1])):
    assert m["state"] == "Live" and m["object_file"] is None, m
    print(m["name"], m["size"], m["base"])' "$TMP/json" | sort >"$TMP/json.rows"
check "mod --json: the same modules, bases and sizes" \
    all test $status = 0 -a -s "$TMP/json.rows" -- cmp -s "$TMP/proc.rows" "$TMP/json.rows"
check "mod --json: refcounts as /proc/modules" \
    test "$(python3 -c '
import json, sys
print(" ".join(sorted("%s:%d" % (m["name"], m["refcount"]) for m in json.load(open(sys.argv[1])))))' "$TMP/json")" = \
         "$(awk '{ print $1 ":" $3 }' "$TMP/proc" | sort | tr '\n' ' ' | sed 's/ $//')"

# The test module.
if grep -q '^crashme ' "$TMP/proc"; then
    echo "# crashme was loaded already; left loaded"
else
    "$GUEST_SH" run "$g" 'insmod /crashme.ko' >"$TMP/insmod" 2>&1
    check "insmod /crashme.ko in the guest" \
        test "$(proc_modules | grep -c '^crashme ')" = 1
    inserted=1
fi
proc_modules >"$TMP/proc2"
crashme_base=$(proc_rows <"$TMP/proc2" | awk '$1 == "crashme" { print $3 }')
crashme_size=$(awk '$1 == "crashme" { print $2 }' "$TMP/proc2")
"$GUEST_SH" run "$g" "grep -w crashme /proc/kallsyms" | tr -d '\r' |
    awk '$4 == "[crashme]" { print $1, $3 }' >"$TMP/kallsyms"
kallsyms_write=$("$GUEST_SH" run "$g" "grep -w crashme_write /proc/kallsyms" |
                 tr -d '\r' | awk '$3 == "crashme_write" { print $1 }' | head -1)
echo "# crashme at $crashme_base ($crashme_size bytes), crashme_write at $kallsyms_write"

start=$(date +%s%N)
"$LKDB" -q -r ":$port" "$V" -c 'mod' -c "mod -s crashme $LKDB_CRASHME_KO" \
    -c 'info line crashme_write' -c 'p &crashme_write' -c 'mod' \
    -c 'p &crashme_devs' -c 'p &crashme_proc_ops' \
    >"$TMP/s" 2>"$TMP/err"
status=$?
end=$(date +%s%N)
diag "$TMP/err"
diag "$TMP/s"
echo "# lkdb: mod, mod -s crashme, info line, p, mod: $(( (end - start) / 1000000 )) ms in all"
check "mod -s crashme FILE exits 0" test $status = 0
check "mod lists crashme at /proc/modules' base and size" \
    grep -qE "^[0-9a-f]{16} +crashme +${crashme_base#0x} +$crashme_size +\(not loaded\)$" "$TMP/s"
check "mod -s prints crashme with its object file" \
    test "$(grep -cE "^[0-9a-f]{16} +crashme +${crashme_base#0x} +$crashme_size +$LKDB_CRASHME_KO\$" "$TMP/s")" = 2
check "info line crashme_write: a line of crashme.c at kallsyms' address" \
    grep -qE "^Line [0-9]+ of \"[^\"]*crashme\.c\" starts at address 0x$kallsyms_write <crashme_write>" "$TMP/s"
addr=$(sed -n 's/^\$1 = .*) \(0x[0-9a-f]*\) <crashme_write>$/\1/p' "$TMP/s")
echo "# gdb: &crashme_write = ${addr:-?}"
check "p &crashme_write is kallsyms' address" test "${addr:-0}" = "0x$kallsyms_write"
check "... inside the module's text" \
    test $(( ${addr:-0} >= crashme_base && ${addr:-0} < crashme_base + crashme_size )) = 1
# .bss and .rodata at the kernel's section addresses too.
for sym in crashme_devs crashme_proc_ops; do
    want=$(awk -v s=$sym '$2 == s { print $1 }' "$TMP/kallsyms")
    check "p &$sym is kallsyms' address ($want)" \
        grep -qE "^\\\$[0-9]+ = .* 0x${want:-none} <$sym>\$" "$TMP/s"
done

# sym knows module symbols from the module's own table (no .ko needed):
# names and offsets as /proc/kallsyms has them.
plus5=$(printf '%x' $((0x$kallsyms_write + 5)))
"$LKDB" -q -r ":$port" "$V" -c 'sym crashme_write' -c "sym $plus5" -c 'sym --json crashme_write+5' \
    >"$TMP/sym" 2>"$TMP/err"
status=$?
diag "$TMP/err"
diag "$TMP/sym"
check "sym crashme_write: kallsyms' address, [crashme]" \
    grep -qE "^$kallsyms_write \([tT]\) crashme_write\+0x0/0x[0-9a-f]+ \[crashme\]" "$TMP/sym"
check "sym ADDRESS in the module: crashme_write+0x5 [crashme]" \
    grep -qE "^$plus5 \([tT]\) crashme_write\+0x5/0x[0-9a-f]+ \[crashme\]" "$TMP/sym"
check "sym --json of a module symbol names the module" \
    grep -qE "\"address\": \"0x$plus5\", .*\"name\": \"crashme_write\", \"module\": \"crashme\"" "$TMP/sym"

# With the module's file (mod -s), sym adds its source line.  Ground
# truth: objdump -dl of the .ko's .text (binutils reading the DWARF), at
# crashme_write's first instruction and at the first one of another line.
read -r off_first line_first off_next line_next < <(
    objdump -dl -j .text "$LKDB_CRASHME_KO" | python3 -c '
import re, subprocess, sys
ko = sys.argv[1]
nm = subprocess.run(["nm", ko], capture_output=True, text=True).stdout
start = next(int(l.split()[0], 16) for l in nm.splitlines() if l.split()[-1] == "crashme_write")
line, rows = None, []
for l in sys.stdin:
    m = re.match(r"^/.*crashme\.c:(\d+)", l)
    if m:
        line = int(m.group(1))
        continue
    m = re.match(r"^ +([0-9a-f]+):\t", l)
    if m and line is not None:
        rows.append((int(m.group(1), 16), line))
inside = [(a, n) for a, n in rows if a >= start]
first = inside[0]
other = next((a, n) for a, n in inside if n != first[1])
print(first[0] - start, first[1], other[0] - start, other[1])' "$LKDB_CRASHME_KO")
addr_first=$(printf '%x' $((0x$kallsyms_write + off_first)))
addr_next=$(printf '%x' $((0x$kallsyms_write + off_next)))
echo "# objdump: crashme_write+$off_first at line $line_first, +$off_next at line $line_next"
"$LKDB" -q -r ":$port" "$V" -c "mod -s crashme $LKDB_CRASHME_KO" -c "sym $addr_first" -c "sym $addr_next" \
    >"$TMP/symline" 2>"$TMP/err"
diag "$TMP/err"
diag "$TMP/symline"
check "sym ADDRESS after mod -s: crashme_write's first line from the .ko ($line_first)" \
    grep -qE "^$addr_first \([tT]\) crashme_write\+0x[0-9a-f]+/0x[0-9a-f]+ \[crashme\] [^ ]*crashme\.c:$line_first\$" "$TMP/symline"
check "sym ADDRESS after mod -s: a later line of crashme_write from the .ko ($line_next)" \
    grep -qE "^$addr_next \([tT]\) crashme_write\+0x[0-9a-f]+/0x[0-9a-f]+ \[crashme\] [^ ]*crashme\.c:$line_next( |\$)" "$TMP/symline"

# Found on the search path (crashme is not there, the boot modules are):
# mod -s by name, mod -S for all.
if [[ -n $boot_mods ]]; then
    # shellcheck disable=SC2086
    set -- $boot_mods
    first=$1
    LKDB_MODULE_PATH=$(dirname "$LKDB_CRASHME_KO") \
    "$LKDB" -q -r ":$port" "$V" -c "mod -s crashme" -c "mod -s $first" -c 'mod -S' \
        -c 'mod' >"$TMP/S" 2>"$TMP/err"
    status=$?
    diag "$TMP/err"
    diag "$TMP/S"
    check "mod -s NAME and mod -S find files on the search path" test $status = 0
    check "mod -s crashme found it in \$LKDB_MODULE_PATH" \
        grep -qE " crashme +.* $LKDB_CRASHME_KO\$" "$TMP/S"
    # the last table (mod after mod -S): each boot module's own .ko
    awk '/^ +MODULE/ { t = "" } { t = t $0 "\n" } END { printf "%s", t }' "$TMP/S" >"$TMP/S.last"
    missing=0
    for m in "$@"; do
        grep -qE "^[0-9a-f]{16} +$m +[0-9a-f]{16} +[0-9]+ +/.*/$m\.ko(\.debug|\.xz|\.zst|\.gz)?\$" "$TMP/S.last" || missing=1
    done
    check "after mod -S: every boot module has an object file of its name" \
        test $missing = 0
    fat_fill=$("$GUEST_SH" run "$g" "grep -w fat_fill_super /proc/kallsyms" | tr -d '\r' |
               awk '$3 == "fat_fill_super" { print $1 }')
    "$LKDB" -q -r ":$port" "$V" -c 'mod -S' -c 'p &fat_fill_super' >"$TMP/fat" 2>&1
    diag "$TMP/fat"
    check "after mod -S, fat_fill_super is at kallsyms' address ($fat_fill)" \
        grep -q "0x${fat_fill:-none} <fat_fill_super>" "$TMP/fat"
fi

# A compressed module (.ko.xz, .ko.zst) is decompressed for gdb.
mkdir -p "$TMP/xz" "$TMP/zst"
xz -c "$LKDB_CRASHME_KO" >"$TMP/xz/crashme.ko.xz"
zstd -q -c "$LKDB_CRASHME_KO" >"$TMP/zst/crashme.ko.zst"
for z in xz zst; do
    LKDB_MODULE_PATH=$TMP/$z "$LKDB" -q -r ":$port" "$V" -c 'mod -s crashme' \
        -c 'info line crashme_write' >"$TMP/z" 2>&1
    status=$?
    diag "$TMP/z"
    check "mod -s crashme from crashme.ko.$z" \
        all test $status = 0 -- grep -qE "^Line [0-9]+ of \"[^\"]*crashme\.c\" starts at address 0x$kallsyms_write " "$TMP/z"
done

# Bad input: one-line errors naming it.
"$LKDB" -q -r ":$port" "$V" -c 'mod -s nosuchmod' >"$TMP/out" 2>&1
status=$?
diag "$TMP/out"
check "mod -s nosuchmod: exit 1, one line naming it" \
    all test $status = 1 -a "$(wc -l <"$TMP/out")" = 1 -- grep -q 'nosuchmod' "$TMP/out"
"$LKDB" -q -r ":$port" "$V" -c 'mod -s crashme /nonexistent.ko' >"$TMP/out" 2>&1
status=$?
diag "$TMP/out"
check "mod -s crashme /nonexistent.ko: exit 1, one line naming it" \
    all test $status = 1 -a "$(wc -l <"$TMP/out")" = 1 -- grep -q '/nonexistent.ko' "$TMP/out"
"$LKDB" -q -r ":$port" "$V" -c 'mod -x' >"$TMP/out" 2>&1
status=$?
check "mod -x: usage error" \
    all test $status = 1 -- grep -q 'unknown option -x' "$TMP/out"

if [[ -n $inserted ]]; then
    "$GUEST_SH" run "$g" 'rmmod crashme' >/dev/null 2>&1
    inserted=
    check "rmmod crashme: the guest's modules are as before" \
        diff <(proc_modules | proc_rows) "$TMP/proc.rows"
fi
done_testing

#!/usr/bin/env bash
# --stop-on slab on a distro kernel booted with slub_debug=FZPU (one guest,
# KASLR on): crashme "8" writes one byte past a 32-byte kmalloc object and
# frees it; SLUB's free checks report "Right Redzone overwritten" (6.12
# titles it "Object corrupt").  lkdb
# stops at the end of that report, before the kernel goes on (the shell's
# marker after the write is not on the console at the stop): the title is
# the console's "BUG kmalloc-32 (...): ..." line; the
# guilty frame is crashme_corrupt_slab at its kfree (where SLUB found it);
# SLUB's "Allocated in" track is a section with crashme_corrupt_slab's
# frame at its kmalloc, its "Freed in" track (the object's previous free)
# the console's; the guest runs on.  Without
# --stop-on slab the same report runs through.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
moddir=$(dirname "$LKDB_CRASHME_KO")
SRC=$moddir/crashme.c
g=$(own_guest slab --mem 256 --extra-append slub_debug=FZPU) || exit 1
trap '"$GUEST_SH" stop "$g" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
port=$(guest_port "$g") || exit 1
console=$g/console.log
"$GUEST_SH" run "$g" 'insmod /crashme.ko' >/dev/null
con() { tr -d '\r' <"$console"; }

# run NAME LKDB-ARGS...: lkdb --wait, the guest corrupts a slab object
# (bug_under_lkdb: the files it leaves; "off" waits for the console).
run() {
    local name=$1
    shift
    timeout 300 "$LKDB" -r ":$port" "$V" --wait --module-path "$moddir" "$@" \
        -c 'p 6*7' -c 'python import time; time.sleep(3)' >"$TMP/$name.out" 2>"$TMP/$name.err" &
    local mode=until-report
    [[ $name != off ]] || mode=until-marker
    bug_under_lkdb "$name" $! "$g" 'echo 8 > /proc/crashme' "$mode"
}

run slab --stop-on slab
r=$(sed -n '/^\*\*\* Slab corruption on CPU/,/^\*\*\*$/p' "$TMP/slab.out")
# (6.1: "...: Right Redzone overwritten"; 6.12: "...: Object corrupt")
t=$(grep -aoE 'BUG kmalloc-[0-9]+ \([^)]*\): .*' <(console_since slab) | head -n 1)
echo "# console: $t"
check "slab: one report, lkdb exits 0 after its commands" \
    bash -c "test $status = 0 && test \$(grep -c '^\*\*\* ' '$TMP/slab.out') = 1 && grep -q '= 42' '$TMP/slab.out'"
check "slab: the title is the console's line (${t:-none})" \
    test -n "$t" -a "$(sed -n 's/^\*\*\* Slab corruption on CPU [0-9]*: //p' "$TMP/slab.out")" = "$t"
check "slab: stopped before the kernel went on (no LKDB-AFTER-slab on the console at the stop)" \
    bash -c "grep -q 'Right Redzone overwritten' '$TMP/slab.at-stop' && ! grep -q LKDB-AFTER-slab '$TMP/slab.at-stop'"
free_line=$(awk '/^static noinline void crashme_corrupt_slab/ { f = 1 } f && /kfree\(/ { print NR; exit }' "$SRC")
alloc_line=$(awk '/^static noinline void crashme_corrupt_slab/ { f = 1 } f && /kmalloc\(/ { print NR; exit }' "$SRC")
check "slab: the guilty frame is crashme_corrupt_slab at its kfree (crashme.c:${free_line:-none})" \
    grep -qE "^    guilty: crashme_corrupt_slab\+0x[0-9a-f]+/0x[0-9a-f]+ \[crashme\]  .*crashme\.c:${free_line:-none}\)?\$" <<<"$r"
check "slab: gdb's frame is there" \
    grep -qE '^    #[0-9]+ .*crashme_corrupt_slab' <(sed -n "/^--- gdb's frame/,/^---/p" <<<"$r")
# section NAME: the report's section whose header starts with NAME.
section() { sed -n "/^--- $1 in crashme_corrupt_slab/,/^---/p" <<<"$r"; }
check "slab: the 'Allocated in crashme_corrupt_slab' track, its frame at the kmalloc (crashme.c:${alloc_line:-none})" \
    grep -qE "^    crashme_corrupt_slab\+0x[0-9a-f]+/0x[0-9a-f]+ \[crashme\]  .*crashme\.c:${alloc_line:-none}\)?\$" <(section Allocated)
# (SLUB checks before it records this free: its Freed track is the
# object's previous free, whatever freed it.)
freed=$(grep -aoE 'Freed in [^ ]+ age=[0-9]+ cpu=[0-9]+ pid=[0-9]+' <(console_since slab) | head -n 1)
# (An object never freed before, from a fresh slab, has no Freed track.)
if [[ -z $freed ]]; then
    ok 0 "slab: the 'Freed in' track is the console's # SKIP the object was never freed before (no Freed in line on the console)"
else
check "slab: the 'Freed in' track is the console's (${freed:-none}), its frames with file:line" \
    bash -c "grep -qxF -- '--- ${freed:-none} ---' <<<\"\$1\" && sed -n '/^--- Freed in /,/^---/p' <<<\"\$1\" | grep -qE '^    [a-z_0-9.]+\+0x[0-9a-f]+/0x[0-9a-f]+  [^ ]+:[0-9]+'" _ "$r"
fi
check "slab: the guest runs on after the stop" \
    grep -q alive <("$GUEST_SH" run "$g" 'echo alive' 60)

# Off by default: the same report runs through; Ctrl-C, then the commands.
# (The kernel's lines may reach the console before the shell's marker:
# the reports are counted on the whole console.)
n=$(con | grep -c 'Redzone overwritten')
run off
n2=$(con | grep -c 'Redzone overwritten')
check "no --stop-on slab: the report ran through (console: $n then $n2), no stop; exit 0 after Ctrl-C" \
    bash -c "test $n2 -gt $n && test $status = 0 && ! grep -q '^\*\*\* Slab' '$TMP/off.out' && grep -q '= 42' '$TMP/off.out'"
done_testing

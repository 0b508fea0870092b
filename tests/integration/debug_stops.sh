#!/usr/bin/env bash
# A debug kernel's detectors stop lkdb by default (no --stop-on), on the
# kernel built from source with KASAN, KFENCE, UBSAN and lockdep
# (scripts/build-kernel.sh; run through built_kernel.sh), KASLR on, one
# guest booted with kasan_multi_shot (else KASAN reports once per boot).
# The test module debugme.ko (out of tree, instrumented) makes each bug;
# lkdb runs in its build directory (make M=) with no --module-path and
# finds it there, as lx-symbols does:
#  - "u" use-after-free, "o" out-of-bounds write (KASAN): the title is the
#    console's "BUG: KASAN: ..." line; the guilty frame is the function and
#    offset the console names ("in debugme_...+0x../0x..") with the source
#    line of the access (the line of debugme.c marked "the bug"); gdb's
#    frame is there (`info locals` has buf); the use-after-free's
#    "Allocated by task N" and "Freed by task N" stacks are the console's
#    (same task), each frame with file:line, debugme's own at its lines.
#  - "k" (KFENCE): the title and guilty frame as the console's (the access
#    that trapped), its "allocated by task" stack.
#  - "s" (UBSAN shift): the title is the console's "UBSAN: ..." line, the
#    guilty frame's line is the one UBSAN names.
#  - "l" (lockdep ABBA): the title is the console's "WARNING: possible
#    circular locking dependency detected"; the stop comes inside the
#    report, before its stack is printed; the guilty frame is debugme_abba
#    at the second spin_lock; each chain entry names where its lock was
#    taken in debugme_abba.
# lockdep goes first: a KASAN report's taint (LOCKDEP_NOW_UNRELIABLE)
# turns lockdep off.  The stops of KASAN, KFENCE and UBSAN come after the report's last line,
# before the kernel goes on: the shell's marker written after the bug is
# not on the console at the stop.  After each stop the guest runs on.
# --no-stop-on kasan: the same bug runs through without a stop.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
moddir=$(dirname "$LKDB_CRASHME_KO")
SRC=$moddir/debugme.c
[[ -f $moddir/debugme.ko && -f $SRC ]] || bail_out "$moddir/debugme.ko missing (run scripts/build-crashme.sh)"
grep -q '^CONFIG_KASAN=y' "$LKDB_CONFIG" || bail_out "$LKDB_CONFIG has no KASAN: not the debug kernel"
g=$(own_guest debug --mem 512 --extra-append kasan_multi_shot) || exit 1
trap '"$GUEST_SH" stop "$g" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
port=$(guest_port "$g") || exit 1
console=$g/console.log
# The module, checked: on a loaded machine the debug kernel is slow, and a
# bug written to a missing /proc/debugme stops nothing (seen in CI).
for _ in 1 2 3; do
    "$GUEST_SH" run "$g" 'grep -q "^debugme " /proc/modules || insmod /debugme.ko' 180 >"$TMP/insmod" 2>&1
    grep -q debugme <("$GUEST_SH" run "$g" 'ls /proc/debugme' 120 2>/dev/null) && break
done
grep -q debugme <("$GUEST_SH" run "$g" 'ls /proc/debugme' 120 2>/dev/null) ||
    { diag "$TMP/insmod"; bail_out "insmod /debugme.ko did not give /proc/debugme"; }
con() { tr -d '\r' <"$console"; }
alive() { grep -q alive <("$GUEST_SH" run "$g" 'echo alive' 60); }

# stop NAME CMD [LKDB-ARGS...]: lkdb --wait (the default stops), then the
# guest writes CMD to /proc/debugme (bug_under_lkdb: the files it leaves).
stop() {
    local name=$1 cmd=$2
    shift 2
    # From the module's build directory, no --module-path: found there.
    (cd "$moddir" && exec timeout 300 "$LKDB" -r ":$port" "$V" --wait --timing "$@" \
        -c 'info locals' -c 'python import time; time.sleep(3)') \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    bug_under_lkdb "$name" $! "$g" "echo $cmd > /proc/debugme"
}
report() { sed -n '/^\*\*\* .* on CPU/,/^\*\*\*$/p' "$TMP/$1.out"; }
title() { sed -n 's/^\*\*\* [A-Za-z]* on CPU [0-9]*: //p' "$TMP/$1.out"; }
# The line of debugme.c marked "the bug" in function $1.
bug_line() { awk -v fn="$1" '$0 ~ "^static.* " fn "\\(" { in_fn = 1 } in_fn && /the bug/ { print NR; exit }' "$SRC"; }
# common_checks NAME KIND-TITLE CONSOLE-TITLE
common_checks() {
    check "$1: one $2 report, lkdb exits 0 after its commands" \
        bash -c "test $status = 0 && test \$(grep -c '^\*\*\* ' '$TMP/$1.out') = 1 && grep -q '^\*\*\* $2 on CPU' '$TMP/$1.out'"
    check "$1: the title is the console's line (${3:-none})" \
        test -n "$3" -a "$(title "$1")" = "$3"
    check "$1: gdb's frame is the guilty one: info locals runs there" \
        grep -qE "^    #[0-9]+ .*debugme_" <(sed -n "/^--- gdb's frame/,/^---/p" "$TMP/$1.out")
    check "$1: the guest runs on after the stop" alive
}
# held_at_stop NAME TEXT: at the stop the console had the report (TEXT) and
# not the marker the shell writes after the bug: the guest had not gone on.
held_at_stop() {
    test "$(grep -c -- "$2" "$TMP/$1.at-stop")" -gt "$(grep -c -- "$2" "$TMP/$1.before")" &&
        ! grep -q "LKDB-AFTER-$1" "$TMP/$1.at-stop"
}
# guilty_is NAME FUNCTION+OFF/SIZE LINE: the guilty line names it and LINE of debugme.c.
guilty_is() {
    grep -qE "^    guilty: ${2//+/\\+} \[debugme\]  .*/debugme\.c:$3\)?\$" <(report "$1")
}

# --- lockdep ------------------------------------------------------------------
stop lockdep l
t=$(grep -aoE 'WARNING: possible circular locking dependency detected' <(console_since lockdep) | head -n 1)
common_checks lockdep lockdep "$t"
check "lockdep: stopped inside the report: its stack not printed yet (no Call Trace after the WARNING)" \
    bash -c "grep -q 'possible circular locking' '$TMP/lockdep.at-stop' && ! sed -n '/possible circular locking/,\$p' '$TMP/lockdep.at-stop' | grep -q 'Call Trace'"
check "lockdep: the guilty frame is debugme_abba at the B-then-A spin_lock (debugme.c:$(bug_line debugme_abba))" \
    grep -qE "^    guilty: debugme_abba(\.cold)?\+0x[0-9a-f]+/0x[0-9a-f]+ \[debugme\]  .*/debugme\.c:$(bug_line debugme_abba)\)?\$" <(report lockdep)
chain=$(grep -aoE -- '-> #[0-9]+ \([^)]*\)' <(console_since lockdep) | sort -u | tr '\n' ' ')
nchain=$(grep -aoE -- '-> #[0-9]+ \([^)]*\)' <(console_since lockdep) | sort -u | wc -l)
echo "# console's chain ($nchain): $chain"
check "lockdep: each of the console's chain entries is a section naming where its lock was taken in debugme_abba" \
    bash -c "test -n '$chain' && test \$(grep -cE '^--- -> #[0-9]+ \(debugme_lock_[ab]\)' '$TMP/lockdep.out') = $nchain && grep -qE '^    taken at debugme_abba\+0x[0-9a-f]+/0x[0-9a-f]+ \[debugme\]  .*/debugme\.c:[0-9]+\)?$' '$TMP/lockdep.out'"

# --- KASAN: use-after-free ----------------------------------------------------
stop uaf u
t=$(grep -aoE 'BUG: KASAN: [^ ]+ in [^ ]+ \[debugme\]' <(console_since uaf) | head -n 1)
echo "# console: $t"
common_checks uaf KASAN "$t"
where=$(sed -E 's/.* in ([^ ]+) \[debugme\]$/\1/' <<<"$t")
line=$(bug_line debugme_use_after_free)
check "uaf: the guilty frame is the console's ${where:-none} at debugme.c:${line:-none} (the read after kfree)" \
    guilty_is uaf "${where:-none}" "${line:-none}"
check "uaf: stopped before the kernel went on (no LKDB-AFTER-uaf on the console at the stop)" \
    held_at_stop uaf 'BUG: KASAN'
check "uaf: info locals in that frame has buf" grep -qE '^buf = 0x[0-9a-f]+' "$TMP/uaf.out"
alloc=$(grep -aoE 'Allocated by task [0-9]+' <(console_since uaf) | head -n 1)
freed=$(grep -aoE 'Freed by task [0-9]+' <(console_since uaf) | head -n 1)
# stack_has NAME HEADER FUNCTION LINE: the section HEADER has FUNCTION at debugme.c:LINE.
stack_has() {
    sed -n "/^--- $2 ---\$/,/^---/p" "$TMP/$1.out" |
        grep -qE "^    $3\+0x[0-9a-f]+/0x[0-9a-f]+ \[debugme\]  .*/debugme\.c:$4( |\)?\$)"
}
kmalloc_line=$(awk '/^static noinline void debugme_use_after_free/ { f = 1 } f && /debugme_kasan_alloc\(/ { print NR; exit }' "$SRC")
kfree_line=$(awk '/^static noinline void debugme_use_after_free/ { f = 1 } f && /kfree\(/ { print NR; exit }' "$SRC")
check "uaf: the console's '${alloc:-none}' stack, debugme_use_after_free at its allocation (debugme.c:${kmalloc_line:-none})" \
    stack_has uaf "${alloc:-none}" debugme_use_after_free "${kmalloc_line:-none}"
check "uaf: the console's '${freed:-none}' stack, debugme_use_after_free at its kfree (debugme.c:${kfree_line:-none})" \
    stack_has uaf "${freed:-none}" debugme_use_after_free "${kfree_line:-none}"
check "uaf: the kernel's frames in those stacks have their file:line too (kmalloc's, kfree's)" \
    grep -qE '^    (kfree|__kmem_cache_free|kmalloc_trace|__kmalloc)\+0x[0-9a-f]+/0x[0-9a-f]+  [^ ]+\.[ch]:[0-9]+( \(inlined into [^ ]+\.[ch]:[0-9]+\))?$' "$TMP/uaf.out"

# --- KASAN: out-of-bounds write ------------------------------------------------
stop oob o
t=$(grep -aoE 'BUG: KASAN: [^ ]+ in [^ ]+ \[debugme\]' <(console_since oob) | head -n 1)
echo "# console: $t"
common_checks oob KASAN "$t"
where=$(sed -E 's/.* in ([^ ]+) \[debugme\]$/\1/' <<<"$t")
check "oob: it is a slab-out-of-bounds write" grep -q 'slab-out-of-bounds' <<<"$t"
check "oob: the guilty frame is the console's ${where:-none} at debugme.c:$(bug_line debugme_out_of_bounds)" \
    guilty_is oob "${where:-none}" "$(bug_line debugme_out_of_bounds)"

# --- KFENCE -----------------------------------------------------------------
stop kfence k
t=$(grep -aoE 'BUG: KFENCE: [^[]+ in [^ ]+ \[debugme\]' <(console_since kfence) | head -n 1)
echo "# console: $t"
common_checks kfence KFENCE "$t"
where=$(sed -E 's/.* in ([^ ]+) \[debugme\]$/\1/' <<<"$t")
check "kfence: the guilty frame is where the read trapped, the console's ${where:-none}, debugme.c:$(bug_line debugme_kfence)" \
    guilty_is kfence "${where:-none}" "$(bug_line debugme_kfence)"
kalloc=$(grep -aoE 'allocated by task [0-9]+ on cpu [0-9]+ at [0-9.]+s' <(console_since kfence) | head -n 1)
kf_line=$(awk '/void debugme_kfence/ { f = 1 } f && /kmalloc\(/ { print NR; exit }' "$SRC")
check "kfence: the console's '${kalloc:-none}' stack has debugme_kfence at its kmalloc (debugme.c:${kf_line:-none})" \
    stack_has kfence "${kalloc:-none}" debugme_kfence "${kf_line:-none}"
check "kfence: stopped before the kernel went on" \
    held_at_stop kfence 'BUG: KFENCE'

# --- UBSAN ------------------------------------------------------------------
stop ubsan s
t=$(grep -aoE 'UBSAN: shift-out-of-bounds in [^ ]+' <(console_since ubsan) | head -n 1)
echo "# console: $t"
common_checks ubsan UBSAN "$t"
uline=$(sed -E 's/.*:([0-9]+):[0-9]+$/\1/' <<<"$t")
check "ubsan: the guilty frame is debugme_shift at the line UBSAN names (${uline:-none})" \
    grep -qE "^    guilty: debugme_shift(\.cold)?\+0x[0-9a-f]+/0x[0-9a-f]+ \[debugme\]  .*/debugme\.c:${uline:-none}\)?\$" <(report ubsan)
check "ubsan: that is the shift's line" test "${uline:-none}" = "$(bug_line debugme_shift)"
check "ubsan: stopped before the kernel went on" \
    held_at_stop ubsan 'UBSAN:'

# --- turned off ---------------------------------------------------------------
# A third KASAN bug (multi-shot) with --no-stop-on kasan: no stop; lkdb
# waits on until Ctrl-C once the console has the bug's report.
timeout 200 "$LKDB" -r ":$port" "$V" --wait --no-stop-on kasan -c 'p 6*7' >"$TMP/off.out" 2>"$TMP/off.err" &
pid=$!
wait_for "$TMP/off.err" 'waiting for a panic' 60
n=$(con | grep -c 'BUG: KASAN')
"$GUEST_SH" run "$g" 'echo o > /proc/debugme; echo LKDB-AFTER-off >/dev/console' 60 >/dev/null
wait_for "$console" LKDB-AFTER-off 60
kill -INT $pid
wait $pid
status=$?
diag "$TMP/off.out" "$TMP/off.err"
n2=$(con | grep -c 'BUG: KASAN')
check "--no-stop-on kasan: the KASAN report ran through (console: $n then $n2 KASAN reports), no stop; Ctrl-C, then the commands, exit 0" \
    bash -c "test $n2 -gt $n && test $status = 0 && ! grep -q '^\*\*\* KASAN' '$TMP/off.out' && grep -q '= 42' '$TMP/off.out'"
# --- KVM's 4 debug registers ------------------------------------------------
# gdb limited to lkdb's own hardware breakpoints: lkdb drops the default stops,
# says which, and waits with panic and the oops path still armed.  (gdb
# refuses here at the insert; a KVM stub refuses at the resume, where
# lkdb drops them the same way: that one needs KVM, which this machine's
# nested guests cannot run.)
# The limit: the hardware breakpoints lkdb places with no --stop-on kind
# (panic, __die and the compiler's copies of it, module tracking), counted
# on a run with --no-stop-on all.
timeout 120 "$LKDB" -r ":$port" "$V" --no-stop-on all --wait -c 'info breakpoints' \
    >"$TMP/bps.out" 2>"$TMP/bps.err" &
pid=$!
wait_for "$TMP/bps.err" 'waiting for a panic' 60
kill -INT $pid
wait $pid
n=$(grep -cE '^[0-9]+ +hw breakpoint ' "$TMP/bps.out")
echo "# lkdb's own breakpoints: ${n:-?}"
printf '#!/bin/sh\nexec gdb -iex "set remote hardware-breakpoint-limit %s" "$@"\n' "${n:-3}" >"$TMP/gdb3"
chmod +x "$TMP/gdb3"
timeout 200 "$LKDB" -r ":$port" "$V" --gdb "$TMP/gdb3" --wait -c 'info breakpoints' >"$TMP/kvm.out" 2>"$TMP/kvm.err" &
pid=$!
wait_for "$TMP/kvm.err" 'waiting for a panic' 60
kill -INT $pid
wait $pid
status=$?
diag "$TMP/kvm.out" "$TMP/kvm.err"
named() { local k; for k in kasan kfence ubsan lockdep; do grep 'warning: ' "$TMP/kvm.err" | grep -q -- "--no-stop-on [a-z,]*$k" || return 1; done; }
kvm_ok() { test "$status" = 0 && grep -q 'waiting for a panic' "$TMP/kvm.err" && named; }
check "few debug registers: the default stops are dropped, each named in a warning; lkdb waits, exit 0" kvm_ok
check "few debug registers: panic and __die keep their breakpoints" \
    bash -c "grep -qE 'hw breakpoint .* in panic ' '$TMP/kvm.out' && grep -qE 'hw breakpoint .* in __die ' '$TMP/kvm.out' && ! grep -qE 'in (add_taint|dump_stack|check_panic_on_warn) ' '$TMP/kvm.out'"
done_testing

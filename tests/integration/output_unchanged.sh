#!/usr/bin/env bash
# The restructure of issue 13 ("one kernel handle under every command")
# changed no behaviour: lkdb as it was before it (commit BASELINE below,
# built from this repository's history into the cache) and lkdb as built
# now print the same bytes, stdout and stderr, and end with the same exit
# status for the same batch commands (scripts/compare-output.sh: sys, ps,
# mod, bt, log and the other rows commands, their options, --json, errors)
# on the suite's shared dumps, ELF and flattened.
#
# When a later change alters output on purpose, move BASELINE to the commit
# that made the change (its output is the reference from then on) and say
# why in that commit.
. "$(dirname "$0")/lib.sh"

# Moved from 900e2c33c3da (the last commit before the restructure) to
# the commit that last changed the outputs compared: --json writes every
# address as "0x..." since 1c4280a (ps, bt, task, sys and vm wrote some as
# bare or zero-padded hex), and ps took -S (c1a5bea), then -p, -c, -k, -u,
# -G and task arguments (fbef0dd), help ps says -p and -c print no
# --json (fe04458), ps took -l, -m, -t and -s (help ps; bbabf1f, whose ps
# header is again the one before it: 7a9af58 had moved TASK a column),
# bt took -f and -c (help bt, 0394156), and help bt tells where a kdump
# dump's walks begin and its --json exception_stack (aab628b; with
# machine_kexec, 73e2f3b), and bt took -F, -FF and -e (help bt, 3148ad2; its --json
# schema since 05367bb), and the task header took crash 8.0.2's widths
# (PID %-7d, CPU %-3s: f1f7bfd), and bt marks where a walk leaves the IRQ
# stack (its --json leaves_irq_stack, help bt: dea8882), and help mod's
# search path ends with the current directory of a module build (b289831).
BASELINE=b289831584b1e72eca2ad6a63865ccc229dbd788
SRC=$(cd "$LKDB_SCRIPTS/.." && pwd)
V=$LKDB_VMLINUX

# The baseline's build, once per machine (a 10 s build), under a lock.
base=$CACHE/baseline/$BASELINE
mkdir -p "$CACHE/baseline"
exec 7>"$CACHE/baseline/lock"
flock 7
if [[ ! -x $base/build/frontend/lkdb || ! -x $base/build/server/lkdb-dump-server ]]; then
    git -C "$SRC" cat-file -e "$BASELINE^{commit}" 2>/dev/null ||
        bail_out "commit $BASELINE is not in $SRC's history (a shallow clone?): clone with history to run this test"
    rm -rf "$base"
    mkdir -p "$base/src"
    {
        git -C "$SRC" archive "$BASELINE" | tar -x -C "$base/src" &&
            meson setup "$base/build" "$base/src" &&
            ninja -C "$base/build" frontend/lkdb server/lkdb-dump-server
    } >"$TMP/baseline-build.log" 2>&1 || {
        tail -20 "$TMP/baseline-build.log" | diag
        rm -rf "$base"
        bail_out "the baseline lkdb ($BASELINE) did not build"
    }
fi
flock -u 7

d=$(shared_dump) || exit 1

COMPARE_KEEP=$TMP/compare "$LKDB_SCRIPTS/compare-output.sh" \
    "$base/build/frontend/lkdb" "$LKDB" "$V" "$d/vmcore.elf" "$d/vmcore.flat" \
    >"$TMP/compare.out" 2>&1
status=$?
diag "$TMP/compare.out"
ok $status "sys, ps, mod, bt, log and every rows command print what they printed before the restructure (ELF and flattened dumps)"

# The comparison compares something: the baseline's own answers are there.
grep -q "^ *KERNEL: " "$TMP/compare/1.base.out"
ok $? "the baseline's sys printed its KERNEL line"
grep -q 'COMM' "$TMP/compare/1.base.out" && grep -q ' \[kworker' "$TMP/compare/1.base.out"
ok $? "the baseline's ps printed tasks"

done_testing

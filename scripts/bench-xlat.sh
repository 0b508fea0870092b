#!/usr/bin/env bash
# bench-xlat.sh — two lkdb builds on the same live guest's RAM file: how
# long `ps --stats` takes in each, with the ratio.  Written to compare the
# guest-RAM reader's own x86_64 page walker (before) with libaddrxlat
# (kernel-helpers/memory/xlat.c, after); any two builds will do.
#
# Usage:
#   bench-xlat.sh OLD_LKDB NEW_LKDB [--tasks N] [--runs N] [--timeout S]
#
#   --tasks N     sleeping tasks in the guest (default 2000)
#   --runs N      timed runs per build (default 7); the builds take turns
#   --timeout S   limit for a single run (default 600)
#
# One guest (guest.sh start --nokaslr --shared-ram --sleepers N) serves
# both builds, stopped the same way each time, so each reads the same
# task_structs from the same file.  Each run must have read every task
# from the guest's RAM (lkdb: ps: ... R reads (R from guest RAM, 0 through
# gdb)); the warm-up runs' task lists are compared.  The time compared is the command's own
# ("in X ms" of --stats: the reads and their translations, not gdb's start);
# the whole run's wall time is shown too.  Medians; ratio = NEW / OLD.
# Boots QEMU: run it alone (under the machine's QEMU lock).
set -euo pipefail
export LC_ALL=C

PROG=bench-xlat.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}

usage() {
    sed -n '/^# Usage:/,/^# One guest/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

(($# >= 2)) || usage
OLD=$1 NEW=$2
shift 2
tasks=2000 runs=7 run_timeout=600
while (($#)); do
    case $1 in
        --tasks) tasks=${2:?}; shift 2 ;;
        --runs) runs=${2:?}; shift 2 ;;
        --timeout) run_timeout=${2:?}; shift 2 ;;
        -h|--help) usage ;;
        *) usage ;;
    esac
done
is_uint "$tasks" && is_uint "$runs" && ((runs > 0)) || usage
[[ -x $OLD ]] || die "$OLD is not an executable"
[[ -x $NEW ]] || die "$NEW is not an executable"
# shellcheck source=bench-lib.sh
. "$HERE/bench-lib.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-xlat.XXXXXX")
GUEST_DIR=''
cleanup() {
    local rc=$?
    bench_guest_gone "$GUEST_DIR"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

# Memory for N sleepers, as bench-live.sh gives it.
mem=$((1024 + (tasks * 200 + 1023) / 1024))
GUEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-xlat-guest.XXXXXX")
log "booting a guest (nokaslr, $tasks sleepers, $mem MiB)"
"$HERE/guest.sh" start "$GUEST_DIR" --nokaslr --shared-ram --sleepers "$tasks" --mem "$mem" \
    --timeout $((240 + tasks / 10)) --lifetime 7200 >&2 || die "the guest did not start"
port=$("$HERE/guest.sh" port "$GUEST_DIR")

declare -A CMD_MS WALL_MS
LAST_MS='' LAST_WALL=''
# run_ps LKDB NAME: one `ps --stats`; its times in LAST_MS, LAST_WALL.
run_ps() {
    local lkdb=$1 name=$2 t0 t1
    t0=${EPOCHREALTIME/./}
    timeout "$run_timeout" "$lkdb" -r ":$port" "$VMLINUX" -c 'ps --stats' \
        >"$WORK/$name.out" 2>"$WORK/$name.err" || {
        cat "$WORK/$name.err" >&2
        die "$name: lkdb failed"
    }
    t1=${EPOCHREALTIME/./}
    grep -qE '^lkdb: ps: .* ([0-9]+) reads \(\1 from guest RAM, 0 through gdb\)' "$WORK/$name.err" || {
        cat "$WORK/$name.err" >&2
        die "$name: not every read came from the guest's RAM file"
    }
    LAST_MS=$(sed -n 's/^lkdb: ps: .* in \([0-9.]*\) ms: .*/\1/p' "$WORK/$name.err")
    [[ -n $LAST_MS ]] || die "$name: no 'ps --stats' line"
    LAST_WALL=$(awk -v us=$((t1 - t0)) 'BEGIN { printf "%.1f", us / 1000 }')
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

log "untimed warm-up runs"
run_ps "$OLD" old
run_ps "$NEW" new
# The same task list from both (PID, PPID, CPU, TASK columns).
awk '{ print $1, $2, $3, $4 }' "$WORK/old.out" >"$WORK/old.rows"
awk '{ print $1, $2, $3, $4 }' "$WORK/new.out" >"$WORK/new.rows"
cmp -s "$WORK/old.rows" "$WORK/new.rows" ||
    log "warning: the two builds list different tasks (kworkers come and go between stops?)"
rows=$(wc -l <"$WORK/new.rows")

for ((i = 1; i <= runs; i++)); do
    order=(old new)
    ((i % 2 == 0)) && order=(new old)
    for name in "${order[@]}"; do
        if [[ $name == old ]]; then run_ps "$OLD" old; else run_ps "$NEW" new; fi
        CMD_MS[$name]+="$LAST_MS "
        WALL_MS[$name]+="$LAST_WALL "
        log "$(printf 'run %d %-3s: ps %8s ms, whole run %8s ms' "$i" "$name" "$LAST_MS" "$LAST_WALL")"
    done
done

old_cmd=$(median <<<"${CMD_MS[old]}") new_cmd=$(median <<<"${CMD_MS[new]}")
old_wall=$(median <<<"${WALL_MS[old]}") new_wall=$(median <<<"${WALL_MS[new]}")
printf 'guest: %d sleepers, %d rows listed; %d runs each, medians\n' "$tasks" "$rows" "$runs"
printf '%-10s %12s %16s\n' build 'ps (ms)' 'whole run (ms)'
printf '%-10s %12s %16s\n' old "$old_cmd" "$old_wall" new "$new_cmd" "$new_wall"
awk -v a="$old_cmd" -v b="$new_cmd" -v c="$old_wall" -v d="$new_wall" \
    'BEGIN { printf "ratio new/old: ps %.3f, whole run %.3f\n", b / a, d / c }'

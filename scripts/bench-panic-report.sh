#!/usr/bin/env bash
# bench-panic-report.sh — how long lkdb takes from a panic stop to its
# report: a guest (TCG, KASLR on) with the crashme module, lkdb attached
# with --wait --timing --module-path; each guest oopses N times (crashme's
# NULL dereference; lkdb continues after each report) and then panics
# (sysrq c).  lkdb's --timing line measures, on lkdb's monotonic clock,
# from the moment gdb's *stopped for the breakpoint reaches lkdb to the
# report's last line written (for a panic: including running panic() on
# to its message, shown separately).  The first oops of a session also
# loads the module's symbols into gdb.
#
# Usage: bench-panic-report.sh [--guests M] [--oopses N]   (default 2, 3)
#
# lkdb is $LKDB, else build/frontend/lkdb.  A table goes to stdout.
set -euo pipefail
export LC_ALL=C
PROG=bench-panic-report.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
# shellcheck source=bench-lib.sh
. "$HERE/bench-lib.sh"
LKDB=${LKDB:-$HERE/../build/frontend/lkdb}
[[ -x $LKDB ]] || die "lkdb not built: $LKDB (ninja -C build, or set LKDB)"
[[ -f ${LKDB_CRASHME_KO:-} ]] || die "crashme.ko not found (run scripts/fixture.sh)"
guests=2 oopses=3
while (($#)); do
    case $1 in
    --guests) guests=${2:?}; shift ;;
    --oopses) oopses=${2:?}; shift ;;
    *) die "unknown option '$1'" ;;
    esac
    shift
done
work=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-panic.XXXXXX")
g=$work/guest
trap '"$HERE/guest.sh" stop "$g" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

wait_for() {   # FILE ERE COUNT TIMEOUT: until FILE has COUNT matching lines
    local deadline=$((SECONDS + $4))
    until (($(grep -cE -- "$2" "$1" 2>/dev/null || true) >= $3)); do
        ((SECONDS < deadline)) || die "timed out waiting for '$2' in $1"
        sleep 0.1
    done
}

: >"$work/times"
for ((i = 1; i <= guests; i++)); do
    log "guest $i/$guests: booting"
    "$HERE/guest.sh" stop "$g" >/dev/null 2>&1 || true
    rm -rf "$g"
    "$HERE/guest.sh" start "$g" --sleepers 1 --lifetime 900 >/dev/null 2>&1 || die "guest did not boot"
    "$HERE/guest.sh" run "$g" 'insmod /crashme.ko' >/dev/null
    port=$("$HERE/guest.sh" port "$g")
    cmds=()
    for ((k = 0; k < oopses; k++)); do cmds+=(-c continue); done
    "$LKDB" -q -r ":$port" "$VMLINUX" --wait --timing \
        --module-path "$(dirname "$LKDB_CRASHME_KO")" "${cmds[@]}" \
        >"$work/out" 2>"$work/err" &
    pid=$!
    sleep 1
    for ((k = 1; k <= oopses; k++)); do
        "$HERE/guest.sh" run --no-wait "$g" 'echo 1 > /proc/crashme'
        wait_for "$work/err" '^lkdb: timing: oops' "$k" 120
        # The oopsed shell is gone once the kernel has printed its oops.
        wait_for "$g/console.log" 'end trace' "$k" 120
    done
    "$HERE/guest.sh" run --no-wait "$g" 'echo c > /proc/sysrq-trigger'
    wait "$pid" || die "lkdb failed (see $work/err)"
    grep '^lkdb: timing:' "$work/err" | tee -a "$work/times" >&2
done

stats() {   # label, then seconds on stdin: n min median max
    sort -n | awk -v l="$1" '{ v[NR] = $1 } END {
        if (!NR) exit
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "| %s | %d | %.3f | %.3f | %.3f |\n", l, NR, v[1], m, v[NR] }'
}
echo "| stop → report printed | runs | min (s) | median (s) | max (s) |"
echo "|---|---|---|---|---|"
head_oops=$(grep ' oops ' "$work/times" | awk 'NR % '"$oopses"' == 1')
rest_oops=$(grep ' oops ' "$work/times" | awk 'NR % '"$oopses"' != 1')
sed -n 's/.*printed \([0-9.]*\) s.*/\1/p' <<<"$head_oops" | stats "oops, first of a session (loads the module's symbols)"
if [[ -n $rest_oops ]]; then
    sed -n 's/.*printed \([0-9.]*\) s.*/\1/p' <<<"$rest_oops" | stats "oops, later ones"
fi
grep ' panic ' "$work/times" | sed -n 's/.*printed \([0-9.]*\) s.*/\1/p' | stats "panic (all of it)"
grep ' panic ' "$work/times" | sed -n 's/.*(\([0-9.]*\) s of it running.*/\1/p' | stats "panic: running panic() to its message"

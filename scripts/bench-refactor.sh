#!/usr/bin/env bash
# bench-refactor.sh BASE_LKDB [NEW_LKDB] — two lkdb builds on the same
# inputs, runs interleaved, medians and the ratio NEW/BASE in one table:
#
#   open -> sys   lkdb -q VMLINUX DUMP -c sys     (process start to exit)
#   open -> p     lkdb -q VMLINUX DUMP -c 'p jiffies'   (gdb's first answer)
#   dump ps       lkdb -q VMLINUX DUMP -c ps
#   live ps       lkdb -q -r :PORT VMLINUX -c ps  on a guest with 5000
#                 sleeping tasks whose RAM lkdb reads directly (--shared-ram)
#
# For a change meant to cost nothing (a restructure): a ratio above 1.05 is
# a regression worth a look.  Each build must have lkdb-dump-server next to
# its lkdb (build tree layout).
#
# Usage: bench-refactor.sh BASE_LKDB [NEW_LKDB] [--dump FILE] [--runs N]
#                          [--no-live]
#   NEW_LKDB   default build/frontend/lkdb of this repository
#   --dump F   the dump (of the fixture's vmlinux); default: one made from
#              a guest with 50 sleepers (512 MB) in a temporary directory
#   --runs N   timed runs per build and measurement (default 7)
#   --no-live  skip the 5000-task live guest (it boots in ~1-2 min on TCG)
set -euo pipefail
export LC_ALL=C
PROG=bench-refactor.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

base='' new=$TOP/build/frontend/lkdb dump='' runs=7 live=1
while (($#)); do
    case $1 in
        --dump) dump=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --no-live) live=0; shift ;;
        -*) die "unknown option $1" ;;
        *) if [[ -z $base ]]; then base=$1; else new=$1; fi; shift ;;
    esac
done
[[ -n $base ]] || die "usage: bench-refactor.sh BASE_LKDB [NEW_LKDB] [--dump FILE] [--runs N] [--no-live]"
for f in "$base" "$new"; do [[ -x $f ]] || die "$f: not an executable"; done
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkdb}
# shellcheck source=/dev/null
. "${LKDB_FIXTURE_ENV:-$CACHE/kernel/current/fixture.env}"
V=$LKDB_VMLINUX
G=$TOP/scripts/guest.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-refactor.XXXXXX")
guest=''
cleanup() { [[ -z $guest ]] || "$G" stop "$guest" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

if [[ -z $dump ]]; then
    echo "$PROG: making a dump (guest with 50 sleepers)..." >&2
    guest=$tmp/dump-guest
    "$G" start "$guest" --sleepers 50 --mem 512 --lifetime 600 >&2
    "$G" run "$guest" --no-wait 'echo c > /proc/sysrq-trigger' >&2
    "$G" wait "$guest" 'end Kernel panic' 60 >&2
    "$G" dump "$guest" "$tmp/vmcore" --format elf >&2
    "$G" stop "$guest" >&2
    guest=''
    dump=$tmp/vmcore
fi

# seconds BIN ARGS...: wall time of one run; its output must end well.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || { cat "$tmp/err" >&2; die "failed: $*"; }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# measure NAME CHECK-ERE ARGS... (after the binary): interleaved runs
measure() {
    local name=$1 check=$2 b n i
    shift 2
    : >"$tmp/base.t"; : >"$tmp/new.t"
    "$base" "$@" >/dev/null 2>&1 </dev/null || true   # warm caches
    "$new" "$@" >/dev/null 2>&1 </dev/null || true
    for ((i = 0; i < runs; i++)); do
        for b in base new; do
            local bin=$base
            [[ $b == new ]] && bin=$new
            seconds "$bin" "$@" >>"$tmp/$b.t"
            grep -qE -- "$check" "$tmp/out" || die "$b: $name: output lacks /$check/"
        done
    done
    b=$(median <"$tmp/base.t") n=$(median <"$tmp/new.t")
    printf '%-14s %9.3f s %9.3f s %7.3f\n' "$name" "$b" "$n" "$(echo "$n / $b" | bc -l)"
}

printf '%-14s %11s %11s %7s\n' measure base new new/base
measure "open -> sys" 'RELEASE: ' -q "$V" "$dump" -c sys
measure "open -> p" '^\$1 = [0-9]+' -q "$V" "$dump" -c 'p jiffies'
measure "dump ps" '\[kthreadd\]' -q "$V" "$dump" -c ps
if ((live)); then
    echo "$PROG: starting a guest with 5000 sleeping tasks..." >&2
    guest=$tmp/live-guest
    "$G" start "$guest" --sleepers 5000 --mem 1024 --shared-ram --lifetime 1800 --timeout 600 >&2
    port=$("$G" port "$guest")
    measure "live ps 5000" ' sleep$' -q -r ":$port" "$V" -c ps
fi

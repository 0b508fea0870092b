#!/usr/bin/env bash
# bench-decode.sh — lkdb decode against the kernel's own
# scripts/decode_stacktrace.sh (from Debian's linux-source, which calls
# nm and addr2line per frame) on the same logs and the fixture's vmlinux:
# a table of median times and the ratio, and whether both give the same
# file:line chains.  lkdb runs with --exact-addresses here, because 6.1's
# decode_stacktrace.sh looks return addresses up as printed (lkdb's
# default looks one byte back, at the call); the default run's differing
# frames are counted too.
#
#   scripts/bench-decode.sh [LOG...]     default: logs from fresh guests
#                                        (a crashme oops, a sysrq panic)
#   LKDB=build/frontend/lkdb RUNS=5 scripts/bench-decode.sh
set -euo pipefail
PROG=bench-decode.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
. "$TOP/scripts/bench-lib.sh"
LKDB=${LKDB:-$TOP/build/frontend/lkdb}
RUNS=${RUNS:-3}
[[ -x $LKDB ]] || die "$LKDB not built (meson setup build && ninja -C build)"
"$TOP/scripts/install-deps.sh" --only linux-source-6.1 binutils python3 >&2 ||
    die "installing linux-source-6.1 failed"

# decode_stacktrace.sh and the decodecode it calls, out of the tarball once.
DS_DIR=$CACHE/decode-bench
DS=$DS_DIR/scripts/decode_stacktrace.sh
if [[ ! -x $DS ]]; then
    tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -1)
    [[ -n $tarball ]] || die "no /usr/src/linux-source-6.1.tar.* (apt-get install linux-source-6.1)"
    mkdir -p "$DS_DIR"
    tar -xf "$tarball" -C "$DS_DIR" --strip-components=1 --wildcards \
        '*/scripts/decode_stacktrace.sh' '*/scripts/decodecode' ||
        die "cannot extract decode_stacktrace.sh from $tarball"
fi
MODDIR=$(dirname "${LKDB_CRASHME_KO:?}")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-decode.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

logs=("$@")
if ((${#logs[@]} == 0)); then
    G=$TMP/guest
    log "booting a guest for a crashme oops, then one for a sysrq panic"
    "$TOP/scripts/guest.sh" start "$G" --lifetime 300 >&2
    "$TOP/scripts/guest.sh" run "$G" 'insmod /crashme.ko' >/dev/null 2>&1
    "$TOP/scripts/guest.sh" run "$G" --no-wait 'echo 1 > /proc/crashme' >/dev/null 2>&1
    "$TOP/scripts/guest.sh" wait "$G" '---\[ end trace' 120 >/dev/null
    tr -d '\r' <"$G/console.log" | sed -n '/BUG: kernel NULL/,$p' >"$TMP/oops.log"
    "$TOP/scripts/guest.sh" stop "$G" >&2
    rm -rf "$G"
    "$TOP/scripts/guest.sh" start "$G" --lifetime 300 >&2
    "$TOP/scripts/guest.sh" run "$G" --no-wait 'echo c > /proc/sysrq-trigger' >/dev/null 2>&1
    "$TOP/scripts/guest.sh" wait "$G" 'end Kernel panic' 120 >/dev/null
    tr -d '\r' <"$G/console.log" | sed -n '/sysrq: Trigger a crash/,$p' >"$TMP/panic.log"
    "$TOP/scripts/guest.sh" stop "$G" >&2
    logs=("$TMP/oops.log" "$TMP/panic.log")
fi

# median of the numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# time_runs N OUT CMD...: N runs' wall seconds, one a line; last output kept
time_runs() {
    local n=$1 out=$2 log=$3
    shift 3
    for ((i = 0; i < n; i++)); do
        local t0=$EPOCHREALTIME
        "$@" <"$log" >"$out" 2>/dev/null
        local t1=$EPOCHREALTIME
        echo "$t1 - $t0" | bc -l
    done
}
command -v bc >/dev/null || die "'bc' not found (apt-get install bc)"

printf '\n| log | frames | decode_stacktrace.sh | lkdb decode | speed-up | same file:line |\n|---|---|---|---|---|---|\n'
for l in "${logs[@]}"; do
    name=$(basename "$l" .log)
    ds_t=$(time_runs "$RUNS" "$TMP/ds.out" "$l" "$DS" "$VMLINUX" "" "$MODDIR" | median)
    lk_t=$(time_runs $((RUNS * 3)) "$TMP/lkdb.out" "$l" "$LKDB" decode --exact-addresses "$VMLINUX" -m "$MODDIR" | median)
    "$LKDB" decode "$VMLINUX" -m "$MODDIR" <"$l" >"$TMP/lkdb-default.out" 2>/dev/null
    same=$(python3 - "$l" "$TMP/ds.out" "$TMP/lkdb.out" "$TMP/lkdb-default.out" <<'PY'
import os, re, sys
FRAME = re.compile(r'[^\s+\[\]]+\+0x[0-9a-f]+/0x[0-9a-f]+')
def chains(path):
    out = []
    for line in open(path, errors='replace'):
        line = re.sub(r' \(discriminator \d+\)', '', line)
        m = re.search(r'[^\s(]+ \(([^()]*:[0-9?]+)\)', line)
        if m:
            out.append(m.group(1).split())
    return out
def same(a, b):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        (xp, xl), (yp, yl) = x.rsplit(':', 1), y.rsplit(':', 1)
        xp, yp = os.path.normpath(xp), os.path.normpath(yp)
        if xl != yl or not (xp == yp or xp.endswith('/' + yp) or yp.endswith('/' + xp)):
            return False
    return True
frames = sum(1 for l in open(sys.argv[1], errors='replace') if FRAME.search(l))
ds, lk, default = chains(sys.argv[2]), chains(sys.argv[3]), chains(sys.argv[4])
equal = len(ds) == len(lk) and all(same(a, b) for a, b in zip(ds, lk))
moved = sum(not same(a, b) for a, b in zip(ds, default))
print('%d %s %d/%d' % (frames, 'yes' if equal else 'NO (%d vs %d decoded)' % (len(ds), len(lk)), moved, len(ds)))
PY
)
    read -r frames verdict moved <<<"$same"
    printf '| %s | %s | %.3f s | %.4f s | %.0fx | %s |\n' "$name" "$frames" "$ds_t" "$lk_t" \
        "$(echo "$ds_t / $lk_t" | bc -l)" "$verdict"
    echo "<!-- $name: lkdb's default (return address - 1) differs from decode_stacktrace.sh on $moved frames -->"
done

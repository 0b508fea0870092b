#!/usr/bin/env bash
# bench-attach-boot.sh — lkdb -r on a guest started halted (QEMU -s -S, the
# kernel not started), the workflow the kernel's gdb documentation
# teaches: how long from the kernel first running at its KASLR addresses
# to lkdb's panic stops armed and the guest running again, and from an
# early-boot panic's stop (no initramfs: VFS cannot mount root) to the
# report printed.  The issue's targets: 1 s each.  Figures are lkdb's own
# --timing lines; gdb alone has no equivalent (it cannot find the KASLR
# offset of a kernel that has not started).
#
# Usage: bench-attach-boot.sh [--runs N]      (default 5)
# lkdb is $LKDB, else build/frontend/lkdb; the kernel the fixture's.
set -euo pipefail
PROG=bench-attach-boot.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
LKDB=${LKDB:-$HERE/../build/frontend/lkdb}
. "$HERE/bench-lib.sh"
runs=5
case ${1:-} in
    --runs) runs=${2:?--runs needs N} ;;
    "") ;;
    *) die "usage: $PROG [--runs N]" ;;
esac
[[ -x $LKDB ]] || die "$LKDB not built (meson setup build && ninja -C build)"
: "${LKDB_VMLINUZ:?no fixture kernel (run scripts/fixture.sh)}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
armed=() report=()
for i in $(seq "$runs"); do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    qemu-system-x86_64 -accel tcg -smp 2 -m 256 -kernel "$LKDB_VMLINUZ" \
        -append 'console=ttyS0 panic=0' -nodefaults -no-reboot -display none \
        -serial "file:$tmp/console" -gdb "tcp:127.0.0.1:$port" -S &
    qpid=$!
    for _ in $(seq 100); do
        grep -qE "$(printf ':%04X .* 0A ' "$port")" /proc/net/tcp && break
        sleep 0.1
    done
    timeout 300 "$LKDB" -q -r ":$port" "$VMLINUX" --wait --timing -c 'p 1' \
        >"$tmp/out" 2>"$tmp/err" || true
    kill "$qpid" 2>/dev/null
    wait "$qpid" 2>/dev/null || true
    a=$(sed -n 's/^lkdb: timing: panic stops armed and the guest running \([0-9.]*\) s after.*/\1/p' "$tmp/err")
    r=$(sed -n 's/^lkdb: timing: panic report printed \([0-9.]*\) s after the stop.*/\1/p' "$tmp/err")
    grep -q 'VFS: Unable to mount root fs' "$tmp/out" ||
        die "run $i: no report of the VFS panic (see $tmp/err)"
    [[ -n $a && -n $r ]] || die "run $i: lkdb printed no timing"
    printf 'run %d: armed %s s after the kernel started, report %s s after the stop\n' "$i" "$a" "$r" >&2
    armed+=("$a") report+=("$r")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxof() { printf '%s\n' "$@" | sort -g | tail -n 1; }
printf '%-58s %8s %8s %8s\n' 'measure (runs: '"$runs"')' median max target
printf '%-58s %7.3fs %7.3fs %7s\n' 'kernel seen starting -> panic stops armed, guest running' \
    "$(median "${armed[@]}")" "$(maxof "${armed[@]}")" '1 s'
printf '%-58s %7.3fs %7.3fs %7s\n' 'early-boot panic stop -> report printed' \
    "$(median "${report[@]}")" "$(maxof "${report[@]}")" '1 s'

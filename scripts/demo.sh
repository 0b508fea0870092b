#!/usr/bin/env bash
# demo.sh — lkdb on the built-in fixture, from a fresh Debian 12 machine.
#
# Installs what is missing, fetches Debian's kernel and its -dbg vmlinux
# (cached), builds lkdb, boots the kernel in QEMU with KASLR on, attaches
# lkdb and shows system facts read through gdb; then panics the guest
# (sysrq c), attaches again and shows crash's sys and ps and where every CPU
# stopped, with the panic path, next to the guest's own console.  Stops the
# guest at the end.
set -euo pipefail

PROG=demo.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP"

say "dependencies and the kernel fixture (first run downloads ~930 MB)"
scripts/install-deps.sh
env_file=$(scripts/fixture.sh) || die "scripts/fixture.sh failed"
# shellcheck source=/dev/null
. "$env_file"

say "building lkdb"
[[ -d build ]] || meson setup build >/dev/null
ninja -C build >/dev/null || die "build failed (run: ninja -C build)"
LKDB=$TOP/build/frontend/lkdb

guest=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-demo.XXXXXX")
trap 'scripts/guest.sh stop "$guest" >/dev/null 2>&1; rm -rf "$guest"' EXIT
say "booting $LKDB_KVER under QEMU (TCG, KASLR on, 4 sleeping tasks)"
scripts/guest.sh start "$guest" --sleepers 4 --lifetime 900
port=$(scripts/guest.sh port "$guest")
echo "gdb stub on :$port; the guest's console says:"
grep -a '^LKDB-' "$guest/console.log" | sed 's/^/    /'

say "lkdb -r :$port vmlinux: KASLR found, symbols relocated, facts read through gdb"
"$LKDB" -r ":$port" "$LKDB_VMLINUX" \
    -c 'printf "release:  %s\n", init_uts_ns.name.release' \
    -c 'printf "nodename: %s\n", init_uts_ns.name.nodename' \
    -c 'printf "version:  %s\n", init_uts_ns.name.version' \
    -c 'printf "cpus:     %d\n", nr_cpu_ids' \
    -c 'printf "memory:   %lu MB\n", _totalram_pages.counter * 4 / 1024' \
    -c 'printf "jiffies:  %lu\n", jiffies' \
    -c 'printf "CPU 0 runs: %s (per-cpu current_task)\n", ((struct task_struct *)*(unsigned long *)((char *)&current_task + __per_cpu_offset[0]))->comm' \
    -c 'echo \nthreads (one per CPU):\n' -c 'info threads' \
    -c 'echo \nbacktrace of CPU 0:\n' -c 'bt'

say "panicking the guest: echo c > /proc/sysrq-trigger"
scripts/guest.sh run "$guest" --no-wait 'echo c > /proc/sysrq-trigger'
scripts/guest.sh wait "$guest" 'end Kernel panic' 60 >/dev/null ||
    die "the guest did not panic (see $guest/console.log)"
echo "the guest's console:"
grep -a -A3 -B1 'Kernel panic' "$guest/console.log" | head -12 | sed 's/^/    /'

say "attaching to the panicked kernel: sys, ps and every CPU's backtrace (13 frames: to the syscall entry)"
"$LKDB" -r ":$port" "$LKDB_VMLINUX" -c sys -c ps -c 'info threads' -c 'thread apply all bt 13'

say "done: quit detached, the guest was left running until now"

#!/usr/bin/env bash
# demo.sh — lkdb on the built-in fixture, from a fresh Debian 12 machine.
#
# Installs what is missing, fetches Debian's kernel and its -dbg vmlinux
# (cached), builds lkdb, boots the kernel in QEMU with KASLR on, attaches
# lkdb and shows system facts read through gdb; then panics the guest
# with lkdb qemu: lkdb starts QEMU, shows its console, attaches and waits;
# the guest panics (sysrq c) and lkdb stops with a report (reason, CPU,
# task, caller, backtrace, registers, last log lines), then shows crash's
# sys, ps and where every CPU stopped, and ends its QEMU.
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

scripts/guest.sh stop "$guest" >/dev/null 2>&1

say "lkdb qemu: lkdb starts QEMU, shows its console live, waits for a panic"
# The fixture's init serves commands on its second serial port (ttyS1;
# lkdb's console is ttyS0).  Once lkdb says it waits, the guest is told
# to panic (sysrq c) through it, as a user would type it.
sock=$guest/agent.sock
rm -f "$guest/lkdb.err"
console=$guest/qemu-console.log
rm -f "$console"
(
    # lkdb waits as soon as it found the kernel; the agent is up later.
    for _ in $(seq 600); do
        grep -q 'waiting for a panic' "$guest/lkdb.err" 2>/dev/null &&
            grep -aq 'LKDB-READY' "$console" 2>/dev/null && break
        sleep 0.2
    done
    printf 'echo c > /proc/sysrq-trigger\n' | timeout 5 socat - "UNIX-CONNECT:$sock" >/dev/null 2>&1 || true
) &
trigger=$!
"$LKDB" qemu --console-log "$console" "$LKDB_VMLINUX" \
    -c sys -c ps -c 'bt -a' -- \
    -accel tcg -smp 2 -m 1024 -kernel "$LKDB_VMLINUZ" -initrd "$LKDB_INITRD" \
    -append 'console=ttyS0 quiet panic=0 lkdb.sleepers=4' -nodefaults -no-reboot \
    -chardev "socket,id=agent,path=$sock,server=on,wait=off" -serial chardev:agent \
    2> >(tee "$guest/lkdb.err" >&2)
wait "$trigger" || true
echo "the console was kept in $console ($(grep -c . "$console") lines)"

say "done: lkdb reported the panic, ran sys, ps and bt, and ended its QEMU"

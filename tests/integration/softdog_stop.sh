#!/usr/bin/env bash
# softdog's expiry, stopped as the panic it is with soft_panic=1: Debian's
# softdog.ko (and what modprobe --show-depends names) in a cpio layer after
# the fixture's initrd, loaded with soft_margin=2 soft_panic=1; the guest's
# shell opens /dev/watchdog once and closes it without the magic 'V' (the
# timer keeps running, no heartbeat follows).  lkdb --wait stops at the
# panic: the title is the console's "Kernel panic - not syncing: Software
# Watchdog Timer expired" line, panic() is called from softdog's timer
# (softdog_fire [softdog]), and the report shows what each CPU was running
# when the watchdog fired, a line per CPU of the guest.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
initrd=$(initrd_with_modules "$LKDB_INITRD" softdog softdog) || exit 1
grep -q softdog "$TMP/softdog-layer/etc/lkdb/softdog.modules" || bail_out "no softdog.ko under $LKDB_MODULES_DIR"
g=$(LKDB_INITRD=$initrd own_guest softdog --mem 256) || exit 1
trap '"$GUEST_SH" stop "$g" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
port=$(guest_port "$g") || exit 1
# All but the last with no parameters; softdog with its own.
"$GUEST_SH" run "$g" 'set -- $(cat /etc/lkdb/softdog.modules); while [ $# -gt 1 ]; do insmod /lib/modules/$(uname -r)/$1 || exit 1; shift; done; insmod /lib/modules/$(uname -r)/$1 soft_margin=2 soft_panic=1' >"$TMP/setup" 2>&1
diag "$TMP/setup"
# (soft_panic has no sysfs file: the panic below is what says it took.)
check "softdog is loaded" \
    grep -q '^softdog ' <("$GUEST_SH" run "$g" 'cat /proc/modules' | tr -d '\r')
cpus=$("$GUEST_SH" run "$g" 'grep -c ^processor /proc/cpuinfo' | tr -dc '0-9')

timeout 300 "$LKDB" -r ":$port" "$V" --wait -c 'p 6*7' >"$TMP/dog.out" 2>"$TMP/dog.err" &
pid=$!
bug_under_lkdb dog $pid "$g" 'echo 1 > /dev/watchdog'
r=$(sed -n '/^\*\*\* Kernel panic on CPU/,/^\*\*\*$/p' "$TMP/dog.out")
t=$(grep -aoE 'Kernel panic - not syncing: Software Watchdog Timer expired' <(tr -d '\r' <"$g/console.log") | head -n 1)
title=$(sed -n 's/^\*\*\* Kernel panic on CPU [0-9]*: //p' "$TMP/dog.out")
check "the title is the console's panic line (${t:-none}), lkdb exits 0 after its commands" \
    bash -c "test $status = 0 && test -n '$t' && test '$title' = '$t' && grep -q '= 42' '$TMP/dog.out'"
check "panic() is called from softdog's timer (softdog_fire [softdog])" \
    grep -qE '^    panic\(\) called from: softdog_fire(\.[a-z0-9.]+)?\+0x[0-9a-f]+/0x[0-9a-f]+ \[softdog\]' <<<"$r"
check "what each CPU was running: a line per guest CPU (${cpus:-none})" \
    test "$(sed -n '/^--- what each CPU was running when the watchdog fired ---$/,/D state:/p' <<<"$r" | grep -cE '^    CPU [0-9]+: .+ \(pid [0-9]+\)')" = "${cpus:-none}"
done_testing

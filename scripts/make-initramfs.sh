#!/usr/bin/env bash
# make-initramfs.sh [FIXTURE_ENV] — build the fixture's busybox initramfs at
# $LKDB_INITRD (gzip'd cpio, newc format).
#
# Contents: /bin/busybox (static) and its applet links, the modules listed in
# $LKDB_KERNEL_DIR/boot-modules.list (and a modules.dep for just them) under
# /lib/modules/VER, the test modules /crashme.ko, /pokeme.ko, /hangme.ko and /debugme.ko (not loaded
# at boot), and /init, which:
#   - mounts proc, sysfs, devtmpfs; enables sysrq
#   - prints "LKDB-RELEASE: <uname -r>" on the console (ttyS0)
#   - insmods the boot modules in dependency order and prints
#     "LKDB-MODULES: <those of $LKDB_BOOT_MODULES now in /proc/modules>"
#   - starts N `sleep 100000` (N from lkdb.sleepers=N on the kernel command
#     line, default 4) and prints "LKDB-SLEEPERS: N <pids>"
#   - prints "LKDB-TASKS: <number of /proc/[0-9]* entries>", then "LKDB-READY"
#   - serves commands on /dev/ttyS1 (see below) forever
#
# Agent protocol on ttyS1 (raw, no echo): the host writes one line, the guest
# runs it with `sh -c` (stdin /dev/null, stderr merged into stdout), writes
# the output, then "LKDB-DONE <exit status>".  A line of the form
# "#lkdb-id:ID COMMAND" runs COMMAND and first answers "LKDB-BEGIN ID", so
# the host can skip stale output.
#
# Rebuilt only when an input (busybox, modules, the test modules, this script,
# the fixture env) changed.  Prints the initrd path.
set -euo pipefail

PROG=make-initramfs.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
ENV_FILE=${1:-$CACHE/kernel/current/fixture.env}
[[ -f $ENV_FILE ]] || die "fixture env $ENV_FILE not found (run scripts/fetch-kernel.sh first)"
# shellcheck source=/dev/null
. "$ENV_FILE"
: "${LKDB_KVER:?}" "${LKDB_KERNEL_DIR:?}" "${LKDB_MODULES_DIR:?}" "${LKDB_INITRD:?}" "${LKDB_CRASHME_KO:?}"
BOOT_MODULES=${LKDB_BOOT_MODULES:-binfmt_misc fat vfat qemu_fw_cfg}
BUSYBOX=${LKDB_BUSYBOX:-/bin/busybox}

for t in cpio gzip depmod readelf flock sha256sum; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (install cpio, gzip, kmod, binutils, coreutils)"
done
[[ -x $BUSYBOX ]] || die "$BUSYBOX not found (apt-get install busybox-static)"
if readelf -l "$BUSYBOX" 2>/dev/null | grep -q 'Requesting program interpreter'; then
    die "$BUSYBOX is dynamically linked (package busybox); install busybox-static instead"
fi
LIST=$LKDB_KERNEL_DIR/boot-modules.list
[[ -f $LIST ]] || die "$LIST not found (run scripts/fetch-kernel.sh)"
mapfile -t MODS <"$LIST"
for m in "${MODS[@]}"; do
    [[ -f $LKDB_MODULES_DIR/$m ]] || die "module $LKDB_MODULES_DIR/$m is missing (re-run scripts/fetch-kernel.sh)"
done
TEST_KOS=("$LKDB_CRASHME_KO" "$(dirname "$LKDB_CRASHME_KO")/pokeme.ko" "$(dirname "$LKDB_CRASHME_KO")/hangme.ko"
          "$(dirname "$LKDB_CRASHME_KO")/debugme.ko")
for ko in "${TEST_KOS[@]}"; do
    [[ -f $ko ]] || die "$ko not found (run scripts/build-crashme.sh)"
done

exec 9>"$LKDB_KERNEL_DIR/.initramfs.lock"
flock 9 || die "cannot lock $LKDB_KERNEL_DIR/.initramfs.lock"

# Everything the image depends on; the image is rebuilt when this changes.
# This script by its contents, not its path or time: each clone of the
# tree has its own copy, and a rebuilt image remakes every dump made from
# it.
manifest() {
    local f
    for f in "$BUSYBOX" "${MODS[@]/#/$LKDB_MODULES_DIR/}" "${TEST_KOS[@]}"; do
        printf '%s %s\n' "$(stat -L -c '%s %Y' "$f")" "$f"
    done
    sha256sum "$SELF" | cut -d' ' -f1
    printf 'kver=%s modules=%s\n' "$LKDB_KVER" "$BOOT_MODULES"
}
MANIFEST=$LKDB_INITRD.manifest
want=$(manifest)
if [[ -s $LKDB_INITRD && -f $MANIFEST && $(cat "$MANIFEST") == "$want" ]]; then
    printf '%s\n' "$LKDB_INITRD"
    exit 0
fi

log "building $LKDB_INITRD"
STAGE=$(mktemp -d "$LKDB_KERNEL_DIR/.initramfs.XXXXXX")
cleanup() { rm -rf "$STAGE"; }
trap cleanup EXIT

mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc/lkdb,lib/modules/"$LKDB_KVER"}
cp "$BUSYBOX" "$STAGE/bin/busybox"
# Applet links, e.g. /sbin/insmod -> /bin/busybox.
while IFS= read -r applet; do
    applet=${applet#/}
    [[ -n $applet && $applet != bin/busybox ]] || continue
    mkdir -p "$STAGE/$(dirname "$applet")"
    [[ -e $STAGE/$applet ]] || ln -s /bin/busybox "$STAGE/$applet"
done < <("$BUSYBOX" --list-full)
[[ -e $STAGE/bin/sh ]] || ln -s /bin/busybox "$STAGE/bin/sh"

for m in "${MODS[@]}"; do
    mkdir -p "$STAGE/lib/modules/$LKDB_KVER/$(dirname "$m")"
    cp "$LKDB_MODULES_DIR/$m" "$STAGE/lib/modules/$LKDB_KVER/$m"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
    [[ -f $LKDB_MODULES_DIR/$f ]] && cp "$LKDB_MODULES_DIR/$f" "$STAGE/lib/modules/$LKDB_KVER/"
done
# A modules.dep for exactly what is in the image, so modprobe works too.
depmod -b "$STAGE" "$LKDB_KVER" || die "depmod -b $STAGE $LKDB_KVER failed"
printf '%s\n' "${MODS[@]}" >"$STAGE/etc/lkdb/modules.load"
printf '%s\n' "$BOOT_MODULES" >"$STAGE/etc/lkdb/modules.want"
for ko in "${TEST_KOS[@]}"; do
    cp "$ko" "$STAGE/$(basename "$ko")"
done

cat >"$STAGE/init" <<'INIT'
#!/bin/sh
# lkdb test-fixture init (generated by scripts/make-initramfs.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
exec </dev/console >/dev/console 2>&1
echo 1 >/proc/sys/kernel/sysrq
hostname lkdb-guest

# One write per line so the markers are not split by kernel messages.
say() { printf '%s\n' "$*"; }

say "LKDB-RELEASE: $(uname -r)"

kver=$(uname -r)
while read -r ko; do
    [ -n "$ko" ] || continue
    insmod "/lib/modules/$kver/$ko" || say "LKDB-WARN: insmod $ko failed"
done </etc/lkdb/modules.load
loaded=""
for m in $(cat /etc/lkdb/modules.want); do
    if grep -q "^$m " /proc/modules; then
        loaded="$loaded $m"
    fi
done
say "LKDB-MODULES:$loaded"

sleepers=4
for arg in $(cat /proc/cmdline); do
    case $arg in
    lkdb.sleepers=*) sleepers=${arg#lkdb.sleepers=} ;;
    esac
done
case $sleepers in
'' | *[!0-9]*)
    say "LKDB-WARN: bad lkdb.sleepers=$sleepers, using 4"
    sleepers=4
    ;;
esac
pids=""
i=0
while [ "$i" -lt "$sleepers" ]; do
    sleep 100000 &
    pids="$pids $!"
    i=$((i + 1))
done
say "LKDB-SLEEPERS: $sleepers$pids"

set -- /proc/[0-9]*
say "LKDB-TASKS: $#"

# The agent's tty: raw (no line discipline, no CR/LF mangling), no echo.
# Set before LKDB-READY so a command sent right after it is not echoed.
ttyraw() {
    stty -F /dev/ttyS1 raw -echo -echoe -echok -echoctl -echoke 2>/dev/null ||
        stty -F /dev/ttyS1 raw -echo
}
ttyraw
say "LKDB-READY"

agent() {
    ttyraw
    while IFS= read -r line; do
        line=$(printf '%s' "$line" | tr -d '\r')
        case $line in
        '#lkdb-id:'*)
            id=${line#'#lkdb-id:'}
            line=${id#* }
            id=${id%% *}
            printf 'LKDB-BEGIN %s\n' "$id"
            ;;
        esac
        [ -n "$line" ] || continue
        sh -c "$line" </dev/null 2>&1
        printf 'LKDB-DONE %s\n' "$?"
    done </dev/ttyS1 >/dev/ttyS1
}

# init must never exit.
while :; do
    if [ -c /dev/ttyS1 ]; then
        agent
    fi
    sleep 1
done
INIT
chmod 755 "$STAGE/init"
if [[ $(id -u) == 0 ]]; then
    # The kernel opens /dev/console before /init runs.
    mknod -m 600 "$STAGE/dev/console" c 5 1
fi

tmp=$(mktemp "$LKDB_INITRD.XXXXXX")
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9n) >"$tmp" ||
    { rm -f "$tmp"; die "cpio/gzip of $STAGE failed"; }
chmod 644 "$tmp"
mv -f "$tmp" "$LKDB_INITRD"
printf '%s\n' "$want" >"$MANIFEST"
log "wrote $LKDB_INITRD ($(stat -c %s "$LKDB_INITRD") bytes)"
printf '%s\n' "$LKDB_INITRD"

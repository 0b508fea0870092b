#!/usr/bin/env bash
# make-kdump.sh [--fixture ENV] KIND... — real kdump dumps of the fixture
# kernel, made the way kdump-tools users get them: the guest boots with
# crashkernel=, loads a capture kernel with `kexec -p`, crashes; the kernel
# kexecs into the capture kernel, whose /init copies /proc/vmcore to a
# virtio disk and powers off.  KIND:
#   sysrq   echo c > /proc/sysrq-trigger (panic() from the sysrq handler)
#   oops    kernel.panic_on_oops=1, then crashme.ko's NULL dereference
#           ("1" to /proc/crashme): oops_end() calls crash_kexec() with the
#           registers at the fault
#   irq     Alt-SysRq-C on the guest's PS/2 keyboard (QEMU's sendkey, with
#           kernel.sysrq=1): panic() from the keyboard interrupt, on the
#           CPU's IRQ stack
# Each KIND goes to $LKDB_KERNEL_DIR/kdump/KIND/:
#   vmcore.elf      /proc/vmcore as the capture kernel read it (ELF)
#   vmcore.kdump    makedumpfile -c -d 31 of it (kdump-compressed, filtered;
#                   -d 1 when makedumpfile says it does not support the
#                   kernel: vmcore.kdump.level holds the level)
#   console.log     both kernels' console: the kernel's own report of the
#                   crash (ground truth for bt), then the capture's
# Made once; remade when an input (kernel, initrd, crashme.ko, this script,
# kexec) changes.  Prints the KIND directories.  With --initrds it only
# makes the guest's initrd (below) and prints its path: a guest booted with
# it and a --drive has the virtio modules for its disk at hand.
#
# The guest's initrd is the fixture's (make-initramfs.sh) with a second
# cpio archive after it (the kernel unpacks one after the other; a later
# file replaces an earlier one): kexec and its libraries, the capture
# kernel and its initrd under /kdump, the virtio modules, and an /init that
# captures when /proc/vmcore exists and else runs the fixture's own init.
set -euo pipefail

PROG=make-kdump.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
ENV_FILE=$CACHE/kernel/current/fixture.env
if [[ ${1:-} == --fixture ]]; then
    ENV_FILE=${2:?--fixture needs ENV}
    shift 2
fi
initrds_only=0
if [[ ${1:-} == --initrds ]]; then
    initrds_only=1
    shift
fi
((initrds_only || $#)) || die "usage: $PROG [--fixture ENV] sysrq|oops|irq... | $PROG [--fixture ENV] --initrds"
for kind in "$@"; do
    [[ $kind == sysrq || $kind == oops || $kind == irq ]] || die "unknown KIND '$kind' (sysrq, oops or irq)"
done
[[ -f $ENV_FILE ]] || die "fixture env $ENV_FILE not found (run scripts/fixture.sh)"
# shellcheck source=/dev/null
. "$ENV_FILE"
: "${LKDB_KVER:?}" "${LKDB_KERNEL_DIR:?}" "${LKDB_MODULES_DIR:?}" "${LKDB_INITRD:?}" "${LKDB_VMLINUZ:?}" "${LKDB_CRASHME_KO:?}"
KEXEC=$(command -v kexec || echo /sbin/kexec)
for t in "$KEXEC" makedumpfile cpio gzip ldd truncate python3; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (apt-get install kexec-tools makedumpfile cpio gzip)"
done
[[ -s $LKDB_INITRD ]] || die "$LKDB_INITRD not found (run scripts/make-initramfs.sh)"

# The capture kernel's memory; the guest has MEM MiB in all.
MEM=768
CRASHKERNEL=192M
CAPTURE_APPEND="console=ttyS0 reset_devices nr_cpus=1 irqpoll panic=0 lkdb.capture=1"
# The capture's disk; each loaded after what it needs (modules.dep).
CAPTURE_MODULES=(virtio_pci virtio_blk)

OUT=$LKDB_KERNEL_DIR/kdump
mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9 || die "cannot lock $OUT/.lock"

manifest() {
    local f
    for f in "$LKDB_VMLINUZ" "$LKDB_INITRD" "$LKDB_CRASHME_KO" "$KEXEC"; do
        printf '%s %s\n' "$(stat -L -c '%s %Y' "$f")" "$f"
    done
    sha256sum "$SELF" "$HERE/guest.sh" | cut -d' ' -f1
}
want=$(manifest)

# The modules (paths in the tree) that load MODULE..., each after what it
# needs: modules.dep lists a module's needs last-needed-first.
module_paths() {
    local m line rel dep i deps=() seen=' '
    for m in "$@"; do
        # Built in (6.12's virtio_pci): nothing to load.
        grep -qE "^([^ ]*/)?$m\.ko\$" "$LKDB_MODULES_DIR/modules.builtin" 2>/dev/null && continue
        line=$(grep -E "^([^:]*/)?$m\.ko(\.[a-z]+)?:" "$LKDB_MODULES_DIR/modules.dep" | head -n1)
        rel=${line%%:*}
        [[ -n $rel && -f $LKDB_MODULES_DIR/$rel ]] ||
            die "module $m not in $LKDB_MODULES_DIR (the fixture's module tree must be full: LKDB_MODULES_TREE=full)"
        read -r -a deps <<<"${line#*:}"
        for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
            dep=${deps[i]}
            [[ $seen == *" $dep "* ]] || { printf '%s\n' "$dep"; seen+="$dep "; }
        done
        [[ $seen == *" $rel "* ]] || { printf '%s\n' "$rel"; seen+="$rel "; }
    done
}

# The capture's /init, put first in both initrds.
write_init() {
    cat >"$1/init" <<'INIT'
#!/bin/sh
# lkdb kdump fixture init (generated by scripts/make-kdump.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
if [ ! -e /proc/vmcore ]; then
    umount /proc
    exec /init.fixture
fi
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
size=$(stat -c %s /proc/vmcore)
printf 'LKDB-CAPTURE: /proc/vmcore %s bytes\n' "$size"
kver=$(uname -r)
while read -r ko; do
    insmod "/lib/modules/$kver/$ko" || printf 'LKDB-WARN: insmod %s failed\n' "$ko"
done </etc/lkdb/capture.modules
i=0
while [ ! -b /dev/vda ] && [ "$i" -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
if dd if=/proc/vmcore of=/dev/vda bs=1M 2>/dev/null && sync; then
    printf 'LKDB-CAPTURED: %s\n' "$size"
else
    printf 'LKDB-CAPTURE-FAILED\n'
fi
poweroff -f
INIT
    chmod 755 "$1/init"
}

cpio_gz() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9n); }

build_initrds() {
    local stage=$OUT/.stage rel lib
    rm -rf "$stage"
    mkdir -p "$stage/capture/etc/lkdb" "$stage/main/kdump"
    # The fixture's own /init, run by the new one when this is no capture.
    (cd "$stage/capture" && gzip -dc "$LKDB_INITRD" | cpio -i --quiet init) ||
        die "no /init in $LKDB_INITRD"
    mv "$stage/capture/init" "$stage/capture/init.fixture"
    write_init "$stage/capture"
    : >"$stage/capture/etc/lkdb/capture.modules"
    local rels
    rels=$(module_paths "${CAPTURE_MODULES[@]}") || exit 1
    for rel in $rels; do
        [[ -f $LKDB_MODULES_DIR/$rel ]] || die "module $LKDB_MODULES_DIR/$rel is missing"
        mkdir -p "$stage/capture/lib/modules/$LKDB_KVER/$(dirname "$rel")"
        cp "$LKDB_MODULES_DIR/$rel" "$stage/capture/lib/modules/$LKDB_KVER/$rel"
        printf '%s\n' "$rel" >>"$stage/capture/etc/lkdb/capture.modules"
    done
    { cat "$LKDB_INITRD"; cpio_gz "$stage/capture"; } >"$OUT/capture-initrd.gz"

    # The main kernel's: the same, plus kexec and what it loads.
    cp -a "$stage/capture/." "$stage/main/"
    mkdir -p "$stage/main/sbin"
    cp "$KEXEC" "$stage/main/sbin/kexec"
    while read -r lib; do
        mkdir -p "$stage/main$(dirname "$lib")"
        cp -L "$lib" "$stage/main$lib"
    done < <(ldd "$KEXEC" | grep -oE '/[^ ]+\.so[^ ]*' | sort -u)
    cp "$LKDB_VMLINUZ" "$stage/main/kdump/vmlinuz"
    cp "$OUT/capture-initrd.gz" "$stage/main/kdump/initrd.gz"
    { cat "$LKDB_INITRD"; cpio_gz "$stage/main"; } >"$OUT/initrd.gz"
    rm -rf "$stage"
}

# make_one KIND: boot, arm kexec -p, crash, wait for the capture, keep it.
make_one() {
    local kind=$1 dir=$OUT/$1 g disk size trigger
    g=$OUT/guest-$kind
    mkdir -p "$dir" "$g"
    disk=$g/disk.raw
    rm -f "$disk"
    truncate -s "${MEM}M" "$disk"
    LKDB_INITRD=$OUT/initrd.gz LKDB_VMLINUZ=$LKDB_VMLINUZ bash "$HERE/guest.sh" start "$g" \
        --mem "$MEM" --extra-append "crashkernel=$CRASHKERNEL" --drive "$disk" --lifetime 900 >&2 ||
        die "$kind: the guest did not boot"
    if ! bash "$HERE/guest.sh" run "$g" \
        "kexec -p /kdump/vmlinuz --initrd=/kdump/initrd.gz --append='$CAPTURE_APPEND' && cat /sys/kernel/kexec_crash_loaded" 120 \
        >"$g/kexec.out" 2>&1 || [[ $(tail -n1 "$g/kexec.out") != 1 ]]; then
        bash "$HERE/guest.sh" stop "$g" >/dev/null 2>&1 || true
        die "$kind: kexec -p failed: $(tr '\n' ' ' <"$g/kexec.out")"
    fi
    case $kind in
    sysrq) trigger='echo c > /proc/sysrq-trigger' ;;
    oops) trigger='echo 1 > /proc/sys/kernel/panic_on_oops && insmod /crashme.ko && echo 1 > /proc/crashme' ;;
    irq) trigger='' ;;
    esac
    if [[ -n $trigger ]]; then
        bash "$HERE/guest.sh" run "$g" --no-wait "$trigger" >&2 || true
    else
        bash "$HERE/guest.sh" run "$g" 'echo 1 > /proc/sys/kernel/sysrq' 60 >&2 ||
            die "$kind: could not enable sysrq"
        bash "$HERE/guest.sh" monitor "$g" 'sendkey alt-sysrq-c' >&2 || true
    fi
    if ! bash "$HERE/guest.sh" wait "$g" 'LKDB-CAPTURED|LKDB-CAPTURE-FAILED' 600 >&2 ||
        ! grep -aq 'LKDB-CAPTURED' "$g/console.log"; then
        bash "$HERE/guest.sh" stop "$g" >/dev/null 2>&1 || true
        die "$kind: no capture (console: $g/console.log)"
    fi
    # The capture powers the machine off; QEMU ends by itself.
    local i
    for ((i = 0; i < 300; i++)); do
        [[ $(bash "$HERE/guest.sh" status "$g" 2>/dev/null) == *running* ]] || break
        sleep 0.2
    done
    bash "$HERE/guest.sh" stop "$g" >/dev/null 2>&1 || true
    size=$(tr -d '\r' <"$g/console.log" | sed -n 's/^LKDB-CAPTURED: \([0-9]*\).*/\1/p' | head -n1)
    [[ -n $size ]] || die "$kind: no size in the capture's console"
    truncate -s "$size" "$disk"
    mv -f "$disk" "$dir/vmcore.elf"
    tr -d '\r' <"$g/console.log" >"$dir/console.log"
    rm -f "$dir/vmcore.kdump"
    makedumpfile -c -d 31 "$dir/vmcore.elf" "$dir/vmcore.kdump" >"$g/makedumpfile.log" 2>&1 ||
        die "$kind: makedumpfile -c -d 31 failed (log: $g/makedumpfile.log)"
    # A makedumpfile older than the kernel misreads its page flags and
    # drops live pages with -d 31 (1.7.2 on 6.12: slab pages); -d 1
    # excludes only pages that are all zeros, by their contents.
    local level=31
    if grep -q 'kernel version is not supported' "$g/makedumpfile.log"; then
        level=1
        rm -f "$dir/vmcore.kdump"
        makedumpfile -c -d 1 "$dir/vmcore.elf" "$dir/vmcore.kdump" >"$g/makedumpfile.log" 2>&1 ||
            die "$kind: makedumpfile -c -d 1 failed (log: $g/makedumpfile.log)"
    fi
    printf '%s\n' "$level" >"$dir/vmcore.kdump.level"
    rm -rf "$g"
    printf '%s\n' "$want" >"$dir/manifest"
    log "$kind: $dir/vmcore.elf ($size bytes), vmcore.kdump ($(stat -c %s "$dir/vmcore.kdump") bytes)"
}

# --initrds: only the guest's initrd (the fixture's and the capture's
# layers: kexec, the virtio disk modules listed in
# /etc/lkdb/capture.modules), for tests that want a disk; its path.
if ((initrds_only)); then
    if [[ ! -s $OUT/initrd.gz || ! -f $OUT/initrd.manifest || $(cat "$OUT/initrd.manifest") != "$want" ]]; then
        build_initrds
        printf '%s\n' "$want" >"$OUT/initrd.manifest"
    fi
    printf '%s\n' "$OUT/initrd.gz"
    exit 0
fi

built=0
for kind in "$@"; do
    if [[ -s $OUT/$kind/vmcore.kdump && -f $OUT/$kind/manifest && $(cat "$OUT/$kind/manifest") == "$want" ]]; then
        printf '%s\n' "$OUT/$kind"
        continue
    fi
    if ((!built)); then
        log "building the kdump guest's initrds in $OUT"
        build_initrds
        built=1
    fi
    log "$kind: booting a guest to crash into its capture kernel"
    make_one "$kind"
    printf '%s\n' "$OUT/$kind"
done

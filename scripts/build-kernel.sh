#!/usr/bin/env bash
# build-kernel.sh [--check] — build the "kernel the user built" fixture: Debian's
# linux-source-6.1 with scripts/kernel/lkdb-test.config merged over
# `make tinyconfig` (DWARF 5, compressed debug sections, KASLR, ORC, modules),
# the out-of-tree test modules (scripts/crashme/) built against it, and the
# fixture's initramfs for it.  Prints the path of its fixture.env, which has
# the same variables as scripts/fetch-kernel.sh's, so the test helpers and
# scripts/guest.sh take it through LKDB_FIXTURE_ENV.
#
# Cached under ${LKDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkdb}/built-kernel/
# in a directory keyed by the source package's version, the config fragment
# and the compiler:
#   src/linux-source-6.1-VERSION/     the unpacked source (shared)
#   VERSION-KEY/build/                the O= build tree (vmlinux, bzImage,
#                                     .config; out-of-tree modules build here)
#   VERSION-KEY/root/lib/modules/KVER the installed modules (with DWARF)
#   VERSION-KEY/crashme/              crashme.ko and the other test modules
#   VERSION-KEY/initrd.gz, fixture.env, build-time
# A second run only checks.  The build runs as `nice -n 19 make -j$JOBS`
# (JOBS: $LKDB_BUILD_JOBS, default 2) and its wall time is kept in
# build-time.  Measured on 2 shared cores: see scripts/README.md.
#
# --check: print the fixture.env path if the kernel is built, else exit 1
# without building (for tests that run only when the cache has it).
set -euo pipefail

PROG=build-kernel.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENT=$HERE/kernel/lkdb-test.config
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
BASE=$CACHE/built-kernel
SOURCE_PKG=linux-source-6.1
SOURCE_TAR=/usr/src/$SOURCE_PKG.tar.xz
JOBS=${LKDB_BUILD_JOBS:-2}
BOOT_MODULES=${LKDB_BOOT_MODULES:-binfmt_misc fat vfat qemu_fw_cfg}
check_only=0
case ${1:-} in
'') ;;
--check) check_only=1 ;;
*) die "unknown argument '$1' (usage: $PROG [--check])" ;;
esac
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "LKDB_BUILD_JOBS must be a positive number, got '$JOBS'"
[[ -f $FRAGMENT ]] || die "missing config fragment $FRAGMENT"

src_version() { dpkg-query -W -f='${Version}' "$SOURCE_PKG" 2>/dev/null || true; }

if ((check_only == 0)); then
    # The source and what building it takes (and the fixture's tools).
    "$HERE/install-deps.sh" --only "$SOURCE_PKG" bc flex bison libssl-dev \
        libelf-dev make gcc binutils xz-utils kmod cpio gzip busybox-static ||
        die "installing $SOURCE_PKG and the kernel's build dependencies failed"
fi
SRC_VER=$(src_version)
if [[ -z $SRC_VER || ! -f $SOURCE_TAR ]]; then
    ((check_only == 0)) || exit 1
    die "$SOURCE_PKG is installed but $SOURCE_TAR is missing"
fi

# What the build depends on besides the source: the fragment, the compiler.
KEY=$({
    cat "$FRAGMENT"
    gcc --version | head -n1
    ld --version | head -n1
} | sha256sum | cut -c1-12)
DIR=$BASE/$SRC_VER-$KEY
ENV_FILE=$DIR/fixture.env
if ((check_only)); then
    [[ -f $DIR/.built && -f $ENV_FILE ]] || exit 1
    printf '%s\n' "$ENV_FILE"
    exit 0
fi

for t in make gcc bc flex bison tar xz sha256sum flock depmod; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (apt-get install make gcc bc flex bison xz-utils kmod)"
done
for h in /usr/include/openssl/opensslv.h /usr/include/libelf.h; do
    [[ -f $h ]] || die "missing $h (apt-get install libssl-dev libelf-dev)"
done

mkdir -p "$BASE/src"
exec 9>"$BASE/.build.lock"
flock 9 || die "cannot lock $BASE/.build.lock"

SRC=$BASE/src/$SOURCE_PKG-$SRC_VER
if [[ ! -f $SRC/.unpacked ]]; then
    log "unpacking $SOURCE_TAR into $SRC"
    rm -rf "$SRC" "$SRC.partial"
    mkdir -p "$SRC.partial"
    tar -xf "$SOURCE_TAR" -C "$SRC.partial" --strip-components=1 ||
        die "cannot unpack $SOURCE_TAR"
    mv "$SRC.partial" "$SRC"
    touch "$SRC/.unpacked"
fi

OBJ=$DIR/build
if [[ ! -f $DIR/.built ]]; then
    rm -rf "$DIR"
    mkdir -p "$OBJ"
    log "configuring in $OBJ (tinyconfig + $(basename "$FRAGMENT"))"
    make -s -C "$SRC" O="$OBJ" tinyconfig >/dev/null || die "make tinyconfig failed"
    "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$FRAGMENT" >"$DIR/config.log" 2>&1 ||
        die "merging $FRAGMENT failed (see $DIR/config.log)"
    make -s -C "$SRC" O="$OBJ" olddefconfig >>"$DIR/config.log" 2>&1 || die "make olddefconfig failed"
    # Every line of the fragment must have survived olddefconfig.
    while IFS= read -r line; do
        case $line in
        CONFIG_*)
            grep -qxF "$line" "$OBJ/.config" || die "the config lost '$line' (a dependency is missing; see $DIR/config.log)"
            ;;
        '# CONFIG_'*' is not set')
            name=${line#'# '}
            name=${name%% *}
            ! grep -q "^$name=" "$OBJ/.config" || die "the config sets $name, which $FRAGMENT turns off"
            ;;
        esac
    done <"$FRAGMENT"
    log "building vmlinux, bzImage and modules: nice -n 19 make -j$JOBS (log: $DIR/build.log)"
    start=$(date +%s)
    if ! nice -n 19 make -C "$SRC" O="$OBJ" -j"$JOBS" bzImage modules >"$DIR/build.log" 2>&1; then
        tail -n 30 "$DIR/build.log" >&2
        die "the kernel build failed (full log: $DIR/build.log)"
    fi
    end=$(date +%s)
    printf '%s s wall, make -j%s, %s\n' "$((end - start))" "$JOBS" "$(date -u +%Y-%m-%dT%H:%MZ)" >"$DIR/build-time"
    log "built in $((end - start)) s"
    KVER=$(make -s -C "$SRC" O="$OBJ" kernelrelease)
    make -s -C "$SRC" O="$OBJ" INSTALL_MOD_PATH="$DIR/root" modules_install >>"$DIR/build.log" 2>&1 ||
        die "make modules_install failed (log: $DIR/build.log)"
    touch "$DIR/.built"
fi
KVER=$(make -s -C "$SRC" O="$OBJ" kernelrelease)
MODULES_DIR=$DIR/root/lib/modules/$KVER
[[ -s $OBJ/vmlinux && -s $OBJ/arch/x86/boot/bzImage && -d $MODULES_DIR ]] ||
    die "$DIR is marked built but lacks vmlinux, bzImage or $MODULES_DIR; remove $DIR and run again"

# The boot modules in dependency order, as fetch-kernel.sh lists them.
list=$DIR/boot-modules.list
: >"$list.new"
for m in $BOOT_MODULES; do
    line=$(grep -E "(^|/)$m\.ko:" "$MODULES_DIR/modules.dep") ||
        die "module $m is not in $MODULES_DIR/modules.dep (is it =m in the config?)"
    deps=${line#*:}
    for d in $deps ${line%%:*}; do
        grep -qxF "$d" "$list.new" || printf '%s\n' "$d" >>"$list.new"
    done
done
mv -f "$list.new" "$list"

cat >"$ENV_FILE.new" <<EOF
# lkdb's built-kernel fixture, written by scripts/build-kernel.sh; source it.
LKDB_CACHE=$CACHE
LKDB_KVER=$KVER
LKDB_KPKG_VERSION=
LKDB_KSOURCE_DIR=$SRC
LKDB_KERNEL_DIR=$DIR
LKDB_VMLINUZ=$OBJ/arch/x86/boot/bzImage
LKDB_VMLINUX=$OBJ/vmlinux
LKDB_SYSTEM_MAP=$OBJ/System.map
LKDB_CONFIG=$OBJ/.config
LKDB_MODULES_DIR=$MODULES_DIR
LKDB_MODULES_TREE=full
LKDB_DEBUG_DIR=$DIR/root
LKDB_DEBUG_MODULES_DIR=$MODULES_DIR
LKDB_BOOT_MODULES=${BOOT_MODULES// /\\ }
LKDB_HEADERS_DIR=$OBJ
LKDB_INITRD=$DIR/initrd.gz
LKDB_CRASHME_KO=$DIR/crashme/crashme.ko
export LKDB_CACHE LKDB_KVER LKDB_KPKG_VERSION LKDB_KSOURCE_DIR LKDB_KERNEL_DIR LKDB_VMLINUZ LKDB_VMLINUX
export LKDB_SYSTEM_MAP LKDB_CONFIG LKDB_MODULES_DIR LKDB_MODULES_TREE LKDB_DEBUG_DIR
export LKDB_DEBUG_MODULES_DIR LKDB_BOOT_MODULES LKDB_HEADERS_DIR LKDB_INITRD LKDB_CRASHME_KO
EOF
if ! cmp -s "$ENV_FILE.new" "$ENV_FILE"; then
    mv -f "$ENV_FILE.new" "$ENV_FILE"
else
    rm -f "$ENV_FILE.new"
fi
"$HERE/build-crashme.sh" "$ENV_FILE" >/dev/null || die "build-crashme.sh $ENV_FILE failed"
"$HERE/make-initramfs.sh" "$ENV_FILE" >/dev/null || die "make-initramfs.sh $ENV_FILE failed"
printf '%s\n' "$ENV_FILE"

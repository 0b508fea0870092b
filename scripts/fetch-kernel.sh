#!/usr/bin/env bash
# fetch-kernel.sh — fetch and unpack the Debian distro kernel used as lkdb's
# test fixture.
#
# Resolves the kernel ABI version that linux-image-amd64 currently depends on
# (e.g. 6.1.0-56-amd64), downloads linux-image-VER and linux-image-VER-dbg
# into $CACHE/debs, and unpacks the parts the fixture needs into
# $CACHE/kernel/VER as a small "sysroot":
#
#   boot/vmlinuz-VER, boot/config-VER                    (from linux-image-VER)
#   lib/modules/VER/...       whole tree if small enough, else just the modules
#                             the initramfs loads; modules.dep made by depmod;
#                             build -> the installed headers
#   usr/lib/debug/boot/vmlinux-VER       vmlinux with DWARF    (from -dbg)
#   usr/lib/debug/boot/System.map-VER    the real System.map   (from -dbg)
#   usr/lib/debug/lib/modules/VER/...    DWARF of the initramfs modules + vdso
#   vmlinuz vmlinux System.map config    flat symlinks to the files above
#   fixture.env                          shell variables describing all this
#
# and points $CACHE/kernel/current at VER.  Installs linux-headers-VER.
# Prints the path of fixture.env on stdout (everything else goes to stderr).
#
# Environment:
#   LKDB_CACHE            cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/lkdb)
#   LKDB_FETCH_KVER       use this kernel ABI version instead of resolving it
#   LKDB_FETCH_META       the metapackage the version is resolved from (default
#                         linux-image-amd64; linux-image-6.12-amd64 for the
#                         other release the suite checks)
#   LKDB_FETCH_PRUNE=1    delete the two .deb files after a successful unpack
#   LKDB_BOOT_MODULES     modules the initramfs loads (default "binfmt_misc fat vfat qemu_fw_cfg";
#                         qemu_fw_cfg hands VMCOREINFO to QEMU for dump-guest-memory)
#   LKDB_MODULES_MAX_MB   unpack the whole lib/modules tree only if it is at
#                         most this many MiB (default 400)
set -euo pipefail

PROG=fetch-kernel.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
BOOT_MODULES=${LKDB_BOOT_MODULES:-binfmt_misc fat vfat qemu_fw_cfg}
MODULES_MAX_MB=${LKDB_MODULES_MAX_MB:-400}
[[ $MODULES_MAX_MB =~ ^[0-9]+$ ]] || die "LKDB_MODULES_MAX_MB must be a number of MiB, got '$MODULES_MAX_MB'"

is_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

need_tools() {
    local missing=() t
    for t in apt-get apt-cache dpkg-deb dpkg-query tar depmod modinfo flock; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (install dpkg, apt, tar, kmod, util-linux)"
}

# "VER VERSION" of the linux-image-VER that linux-image-amd64 depends on.
query_meta() {
    apt-cache show --no-all-versions "${LKDB_FETCH_META:-linux-image-amd64}" 2>/dev/null | sed -n 's/^Depends: //p' | head -n1 |
        tr ',|' '\n' | sed -n 's/^ *linux-image-\([0-9][^ ]*\)\( (= \([^)]*\))\)\{0,1\} *$/\1 \3/p' | head -n1
}

# Sets KVER (kernel ABI version, e.g. 6.1.0-56-amd64) and PKG_VERSION (the
# Debian version of linux-image-KVER, may be empty) from the candidate
# linux-image-amd64 metapackage.  One `apt-cache show` answers both (it costs
# ~0.7 s here; `apt-cache depends` gives the same name but not the version).
resolve_kver() {
    local out=
    KVER='' PKG_VERSION=''
    if [[ -n ${LKDB_FETCH_KVER:-} ]]; then
        KVER=$LKDB_FETCH_KVER
        return
    fi
    out=$(query_meta) || true
    if [[ -z $out && $(id -u) == 0 ]]; then
        log "apt-cache knows no linux-image-amd64; running apt-get update"
        apt-get update -qq >&2 || true
        out=$(query_meta) || true
    fi
    if [[ -n $out ]]; then
        read -r KVER PKG_VERSION <<<"$out"
        return
    fi
    if [[ -L $CACHE/kernel/current ]]; then
        KVER=$(readlink "$CACHE/kernel/current")
        log "warning: cannot resolve linux-image-amd64 with apt-cache; reusing cached $KVER"
        return
    fi
    die "cannot resolve the kernel version: apt-cache shows no linux-image-amd64 depending on linux-image-VER (run apt-get update, or set LKDB_FETCH_KVER)"
}

# Candidate version of a package, empty if apt does not know it.
pkg_version() {
    apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n1
}

# Path of PKG's .deb in $DEBS, downloading it if needed.
fetch_deb() {
    local pkg=$1 ver file arch part
    arch=$(dpkg --print-architecture)
    ver=$(pkg_version "$pkg")
    if [[ -z $ver ]]; then
        # Offline or stale lists: accept any cached .deb of that package.
        file=$(find "$DEBS" -maxdepth 1 -name "${pkg}_*_${arch}.deb" | sort | tail -n1)
        [[ -n $file ]] || die "apt does not know package $pkg and no cached $DEBS/${pkg}_*.deb exists"
        printf '%s\n' "$file"
        return
    fi
    file=$DEBS/${pkg}_${ver//:/%3a}_${arch}.deb
    if [[ ! -s $file ]]; then
        log "downloading $pkg=$ver into $DEBS"
        part=$(mktemp -d "$DEBS/.partial.XXXXXX")
        # apt-get download as root warns that _apt cannot access the
        # directory and downloads unsandboxed; that is harmless here.
        if ! (cd "$part" && apt-get download -q "$pkg=$ver" >&2); then
            rm -rf "$part"
            die "apt-get download $pkg=$ver failed"
        fi
        mv -f "$part/$(basename "$file")" "$file" 2>/dev/null ||
            { rm -rf "$part"; die "apt-get download $pkg=$ver did not produce $(basename "$file")"; }
        rm -rf "$part"
    fi
    printf '%s\n' "$file"
}

# Find the .ko file of module NAME under DIR (names treat - and _ alike).
find_module() {
    local dir=$1 name=$2 alt
    alt=${name//_/-}
    find "$dir" -type f \( -name "$name.ko" -o -name "$name.ko.*" -o -name "$alt.ko" -o -name "$alt.ko.*" \) |
        sort | head -n1
}

# Same, in a `dpkg-deb -c` listing: prints the ./lib/modules/... member.
list_find_module() {
    local listing=$1 name=$2 alt re
    alt=${name//_/-}
    re="/(${name}|${alt})\\.ko(\\.(xz|gz|zst))?\$"
    awk '{print $6}' "$listing" | grep -E "^\\./lib/modules/$KVER/" | grep -E "$re" | head -n1 || true
}

# Module closure of BOOT_MODULES as paths relative to lib/modules/VER, in
# load order (dependencies first).  In partial mode, modules not unpacked yet
# are extracted from the image .deb on the way.
resolve_modules() {
    local mode=$1 listing=$2 name
    local -A seen=()
    RESOLVED=()
    for name in $BOOT_MODULES; do
        visit_module "$mode" "$listing" "$name"
    done
    printf '%s\n' "${RESOLVED[@]}"
}

visit_module() {
    local mode=$1 listing=$2 name=${3//-/_} mdir=$KDIR/lib/modules/$KVER file dep member
    [[ -n ${seen[$name]:-} ]] && return 0
    seen[$name]=1
    # Built into the kernel: nothing to load.
    if grep -qE "/(${name}|${name//_/-})\\.ko\$" "$mdir/modules.builtin" 2>/dev/null; then
        log "module $name is built in"
        return 0
    fi
    file=$(find_module "$mdir" "$name")
    if [[ -z $file && $mode == partial ]]; then
        member=$(list_find_module "$listing" "$name")
        [[ -n $member ]] || die "module $name is not in $(basename "$IMG_DEB")"
        dpkg-deb --fsys-tarfile "$IMG_DEB" | tar -x -C "$KDIR" "$member" ||
            die "cannot extract $member from $IMG_DEB"
        file=$KDIR/${member#./}
    fi
    [[ -n $file ]] || die "module $name not found under $mdir"
    for dep in $(modinfo -F depends "$file" | tr ',' ' '); do
        visit_module "$mode" "$listing" "$dep"
    done
    RESOLVED+=("${file#"$mdir"/}")
}

unpack_image() {
    local listing stage_mb mode
    listing=$(mktemp)
    dpkg-deb -c "$IMG_DEB" >"$listing" || die "cannot list $IMG_DEB (corrupt download? delete it and retry)"
    stage_mb=$(awk -v p="./lib/modules/$KVER/" 'index($6, p) == 1 {s += $3} END {printf "%d", s / 1048576}' "$listing")
    rm -rf "${KDIR:?}/boot" "${KDIR:?}/lib"
    mkdir -p "$KDIR"
    if ((stage_mb <= MODULES_MAX_MB)); then
        mode=full
        log "unpacking $(basename "$IMG_DEB") (whole lib/modules/$KVER, $stage_mb MiB)"
        dpkg-deb --fsys-tarfile "$IMG_DEB" |
            tar -x -C "$KDIR" "./boot/vmlinuz-$KVER" "./boot/config-$KVER" "./lib/modules/$KVER" ||
            die "cannot unpack $IMG_DEB into $KDIR"
    else
        mode=partial
        log "lib/modules/$KVER is $stage_mb MiB > $MODULES_MAX_MB MiB: unpacking only the boot modules"
        local meta=() m
        for m in modules.builtin modules.builtin.modinfo modules.order; do
            grep -q " \\./lib/modules/$KVER/$m\$" "$listing" && meta+=("./lib/modules/$KVER/$m")
        done
        dpkg-deb --fsys-tarfile "$IMG_DEB" |
            tar -x -C "$KDIR" "./boot/vmlinuz-$KVER" "./boot/config-$KVER" "${meta[@]}" ||
            die "cannot unpack $IMG_DEB into $KDIR"
    fi
    [[ -s $KDIR/boot/vmlinuz-$KVER ]] || die "$IMG_DEB has no boot/vmlinuz-$KVER"
    resolve_modules "$mode" "$listing" >"$KDIR/boot-modules.list"
    depmod -b "$KDIR" "$KVER" || die "depmod -b $KDIR $KVER failed"
    [[ -s $KDIR/lib/modules/$KVER/modules.dep ]] ||
        die "depmod did not write $KDIR/lib/modules/$KVER/modules.dep (depmod expects BASE/lib/modules)"
    printf '%s\n' "$mode" >"$KDIR/lib/modules/$KVER/.lkdb-tree"
    rm -f "$listing"
}

unpack_dbg() {
    local members=() rel err rc
    rm -rf "${KDIR:?}/usr"
    members=("./usr/lib/debug/boot/vmlinux-$KVER" "./usr/lib/debug/boot/System.map-$KVER"
        "./usr/lib/debug/lib/modules/$KVER/vdso")
    while IFS= read -r rel; do
        # The -dbg package ships uncompressed .ko files.
        members+=("./usr/lib/debug/lib/modules/$KVER/${rel%.ko*}.ko")
    done <"$KDIR/boot-modules.list"
    log "unpacking $(basename "$DBG_DEB") (vmlinux, System.map, debug info of: $(tr '\n' ' ' <"$KDIR/boot-modules.list"))"
    err=$(mktemp)
    rc=0
    dpkg-deb --fsys-tarfile "$DBG_DEB" | tar -x -C "$KDIR" "${members[@]}" 2>"$err" || rc=$?
    if ((rc != 0)); then
        # Tolerate only debug modules that the package does not have.
        if grep -v -e 'Not found in archive' -e 'Exiting with failure status' "$err" | grep -q .; then
            cat "$err" >&2
            rm -f "$err"
            die "cannot unpack $DBG_DEB into $KDIR"
        fi
        sed 's/^/  /' "$err" >&2
        log "warning: some debug members are missing from $(basename "$DBG_DEB") (listed above)"
    fi
    rm -f "$err"
    [[ -s $KDIR/usr/lib/debug/boot/vmlinux-$KVER ]] || die "$DBG_DEB has no usr/lib/debug/boot/vmlinux-$KVER"
    [[ -s $KDIR/usr/lib/debug/boot/System.map-$KVER ]] || die "$DBG_DEB has no usr/lib/debug/boot/System.map-$KVER"
}

install_headers() {
    local pkg=linux-headers-$KVER
    if ! is_installed "$pkg"; then
        [[ $(id -u) == 0 ]] || die "$pkg is not installed and this is not root: run 'apt-get install $pkg'"
        log "installing $pkg"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >&2 ||
            die "apt-get install $pkg failed"
    fi
    HEADERS_DIR=/usr/src/linux-headers-$KVER
    [[ -f $HEADERS_DIR/Makefile ]] || die "$pkg is installed but $HEADERS_DIR/Makefile is missing"
}

write_env() {
    local env=$KDIR/fixture.env tmp
    tmp=$(mktemp "$KDIR/.fixture.env.XXXXXX")
    chmod 644 "$tmp"
    {
        echo "# lkdb test-kernel fixture, written by scripts/fetch-kernel.sh; source it."
        printf 'LKDB_CACHE=%q\n' "$CACHE"
        printf 'LKDB_KVER=%q\n' "$KVER"
        printf 'LKDB_KPKG_VERSION=%q\n' "$PKG_VERSION"
        printf 'LKDB_KERNEL_DIR=%q\n' "$KDIR"
        printf 'LKDB_VMLINUZ=%q\n' "$KDIR/boot/vmlinuz-$KVER"
        printf 'LKDB_VMLINUX=%q\n' "$KDIR/usr/lib/debug/boot/vmlinux-$KVER"
        printf 'LKDB_SYSTEM_MAP=%q\n' "$KDIR/usr/lib/debug/boot/System.map-$KVER"
        printf 'LKDB_CONFIG=%q\n' "$KDIR/boot/config-$KVER"
        printf 'LKDB_MODULES_DIR=%q\n' "$KDIR/lib/modules/$KVER"
        printf 'LKDB_MODULES_TREE=%q\n' "$(cat "$KDIR/lib/modules/$KVER/.lkdb-tree")"
        printf 'LKDB_DEBUG_DIR=%q\n' "$KDIR/usr/lib/debug"
        printf 'LKDB_DEBUG_MODULES_DIR=%q\n' "$KDIR/usr/lib/debug/lib/modules/$KVER"
        printf 'LKDB_BOOT_MODULES=%q\n' "$BOOT_MODULES"
        printf 'LKDB_HEADERS_DIR=%q\n' "$HEADERS_DIR"
        printf 'LKDB_INITRD=%q\n' "$KDIR/initrd.gz"
        printf 'LKDB_CRASHME_KO=%q\n' "$KDIR/crashme/crashme.ko"
        echo "export LKDB_CACHE LKDB_KVER LKDB_KPKG_VERSION LKDB_KERNEL_DIR LKDB_VMLINUZ LKDB_VMLINUX"
        echo "export LKDB_SYSTEM_MAP LKDB_CONFIG LKDB_MODULES_DIR LKDB_MODULES_TREE LKDB_DEBUG_DIR"
        echo "export LKDB_DEBUG_MODULES_DIR LKDB_BOOT_MODULES LKDB_HEADERS_DIR LKDB_INITRD LKDB_CRASHME_KO"
    } >"$tmp"
    if cmp -s "$tmp" "$env"; then
        rm -f "$tmp"
    else
        mv -f "$tmp" "$env"
    fi
}

main() {
    need_tools
    mkdir -p "$CACHE/debs" "$CACHE/kernel" || die "cannot create $CACHE"
    exec 9>"$CACHE/kernel/.fetch.lock"
    flock 9 || die "cannot lock $CACHE/kernel/.fetch.lock"

    DEBS=$CACHE/debs
    # Leftovers of an interrupted download.
    find "$DEBS" -maxdepth 1 -name '.partial.*' -exec rm -rf {} +
    resolve_kver
    [[ $KVER =~ ^[0-9][A-Za-z0-9.+_-]*$ ]] || die "implausible kernel version '$KVER'"
    KDIR=$CACHE/kernel/$KVER
    mkdir -p "$KDIR"

    local img_pkg=linux-image-$KVER dbg_pkg=linux-image-$KVER-dbg stamp_img stamp_dbg want
    stamp_img=$KDIR/.unpacked-image
    stamp_dbg=$KDIR/.unpacked-dbg
    if [[ -z $PKG_VERSION && ( -n ${LKDB_FETCH_KVER:-} || ! -f $stamp_img ) ]]; then
        PKG_VERSION=$(pkg_version "$img_pkg")
    fi

    # Up to date when the stamp names the package version apt offers now (or
    # apt cannot tell) and the same boot-module settings.
    want="$img_pkg ${PKG_VERSION:-?} modules=[$BOOT_MODULES] max=$MODULES_MAX_MB"
    if [[ -f $stamp_img && -z $PKG_VERSION ]]; then
        want=$(cat "$stamp_img")
        PKG_VERSION=$(cut -d' ' -f2 <<<"$want")
    fi
    if [[ -f $stamp_img && $(cat "$stamp_img") == "$want" &&
        -s $KDIR/boot/vmlinuz-$KVER && -s $KDIR/lib/modules/$KVER/modules.dep ]]; then
        :
    else
        rm -f "$stamp_img" "$stamp_dbg"
        IMG_DEB=$(fetch_deb "$img_pkg")
        unpack_image
        printf '%s\n' "$want" >"$stamp_img"
    fi
    # The -dbg package is unpacked for exactly what the image stamp says.
    if [[ -f $stamp_dbg && $(cat "$stamp_dbg") == "$want" && -s $KDIR/usr/lib/debug/boot/vmlinux-$KVER ]]; then
        :
    else
        rm -f "$stamp_dbg"
        DBG_DEB=$(fetch_deb "$dbg_pkg")
        unpack_dbg
        printf '%s\n' "$want" >"$stamp_dbg"
    fi

    install_headers
    ln -sfn "$HEADERS_DIR" "$KDIR/lib/modules/$KVER/build"
    ln -sfn "boot/vmlinuz-$KVER" "$KDIR/vmlinuz"
    ln -sfn "boot/config-$KVER" "$KDIR/config"
    ln -sfn "usr/lib/debug/boot/vmlinux-$KVER" "$KDIR/vmlinux"
    ln -sfn "usr/lib/debug/boot/System.map-$KVER" "$KDIR/System.map"
    write_env
    if [[ $(readlink "$CACHE/kernel/current" 2>/dev/null) != "$KVER" ]]; then
        ln -sfn "$KVER" "$CACHE/kernel/.current.tmp"
        mv -Tf "$CACHE/kernel/.current.tmp" "$CACHE/kernel/current"
    fi

    if [[ ${LKDB_FETCH_PRUNE:-0} == 1 ]]; then
        log "LKDB_FETCH_PRUNE=1: deleting the cached .deb files of $KVER"
        find "$DEBS" -maxdepth 1 \( -name "${img_pkg}_*.deb" -o -name "${dbg_pkg}_*.deb" \) -delete
    fi
    printf '%s\n' "$KDIR/fixture.env"
}

main "$@"

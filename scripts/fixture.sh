#!/usr/bin/env bash
# fixture.sh — the one entry point for lkdb's test-kernel fixture.
#
# Installs the Debian packages the fixture needs (skipping those installed),
# then runs fetch-kernel.sh, build-crashme.sh and make-initramfs.sh, and
# prints the path of fixture.env on stdout.  Every step is cached under
# ${LKDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkdb}, so a second run only
# checks (a few seconds).  First run: ~930 MB of downloads (kernel image and
# its -dbg package) and ~1.1 GB unpacked.
#
#   env=$(scripts/fixture.sh) && . "$env"
#   scripts/guest.sh start "$dir" ...
set -euo pipefail

PROG=fixture.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Debian packages the fixture uses (the kernel headers come from fetch-kernel.sh).
PACKAGES=(
    qemu-system-x86 busybox-static cpio gzip socat kmod make gcc binutils gdb
    util-linux coreutils
)

install_packages() {
    "$HERE/install-deps.sh" --only "${PACKAGES[@]}" ||
        die "installing ${PACKAGES[*]} failed"
}

install_packages
env_file=$("$HERE/fetch-kernel.sh") || die "fetch-kernel.sh failed"
[[ -f $env_file ]] || die "fetch-kernel.sh printed '$env_file', which is not a file"
"$HERE/build-crashme.sh" "$env_file" >/dev/null || die "build-crashme.sh failed"
"$HERE/make-initramfs.sh" "$env_file" >/dev/null || die "make-initramfs.sh failed"
printf '%s\n' "$env_file"

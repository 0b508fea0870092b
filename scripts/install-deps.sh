#!/usr/bin/env bash
# install-deps.sh — the Debian packages lkdb needs to build, run and test.
# Installs only what is missing (one apt-get install; apt-get update only if
# that fails).  Needs root when something is missing.
#   scripts/install-deps.sh            build + run (gdb, libedit, elfutils)
#   scripts/install-deps.sh --test     also what the test suites use
#   scripts/install-deps.sh --only P…  just these packages (fixture.sh)
set -euo pipefail

PROG=install-deps.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# libiberty-dev: Rust/C++ demangling in lkdb decode; binutils: its objdump
# disassembles Code: lines (and addr2line/nm are the decode tests' truth);
# gzip, xz-utils, zstd: lkdb runs them to read compressed modules
# (.ko.gz, .ko.xz, .ko.zst), and tar with xz to unpack a linux-source
# tarball for reports' source lines.
PACKAGES=(meson ninja-build pkg-config gcc libc6-dev libedit-dev libdw-dev
          libelf-dev libkdumpfile-dev libiberty-dev binutils gdb python3
          gzip xz-utils zstd)
case ${1:-} in
    --test)
        # Every tool the test scripts run beyond the fixture's (fixture.sh):
        # clang + its runtime: the ASan/UBSan build and the libFuzzer
        # targets; tmux: the interactive prompt test; makedumpfile: the
        # reference reassembly of flattened dumps; llvm: llvm-symbolizer,
        # the second opinion in test_symbolize's golden data; procps:
        # pgrep and ps; socat: lkdb_qemu.sh talks to the guest's agent;
        # cpio: dump_formats.sh builds an initrd; util-linux: flock;
        # crash: bt_task.sh compares sys, mod and log -m with crash's on
        # the same dump (skipped, not passed, without it); kexec-tools:
        # make-kdump.sh's guest loads its capture kernel with kexec -p.
        PACKAGES+=(clang libclang-rt-dev tmux makedumpfile llvm procps socat
                   cpio util-linux coreutils crash kexec-tools) ;;
    --only)
        shift
        (($#)) || die "--only needs package names"
        PACKAGES=("$@") ;;
    "") ;;
    *) die "unknown argument '$1' (usage: install-deps.sh [--test | --only PACKAGE...])" ;;
esac

is_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

command -v dpkg-query >/dev/null 2>&1 ||
    die "dpkg-query not found: these scripts need Debian 12 (apt)"
missing=()
for p in "${PACKAGES[@]}"; do
    is_installed "$p" || missing+=("$p")
done
((${#missing[@]})) || exit 0
[[ $(id -u) == 0 ]] ||
    die "missing packages ${missing[*]} and not root: run 'sudo apt-get install ${missing[*]}'"
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
    log "apt-get install failed; running apt-get update and retrying"
    apt-get update -q >&2 || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
        die "apt-get install ${missing[*]} failed"
fi

#!/usr/bin/env bash
# build-crashme.sh [FIXTURE_ENV] — build the test modules of scripts/crashme/
# (crashme.ko, pokeme.ko, hangme.ko, debugme.ko) against the fixture kernel's headers
# ($LKDB_HEADERS_DIR).
#
# The sources are copied to $(dirname $LKDB_CRASHME_KO) (in the cache, never
# the source tree) and built there.  Does nothing when every .ko is newer
# than the sources and they are unchanged.  Checks that each result has DWARF
# (.debug_info) and the fixture kernel's vermagic.  Prints crashme.ko's path
# (the others are beside it).
#
# FIXTURE_ENV defaults to $LKDB_CACHE/kernel/current/fixture.env (written by
# fetch-kernel.sh).
set -euo pipefail

PROG=build-crashme.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/crashme" && pwd) || die "cannot find the crashme/ source directory beside $0"
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
ENV_FILE=${1:-$CACHE/kernel/current/fixture.env}
[[ -f $ENV_FILE ]] || die "fixture env $ENV_FILE not found (run scripts/fetch-kernel.sh first)"
# shellcheck source=/dev/null
. "$ENV_FILE"
: "${LKDB_HEADERS_DIR:?}" "${LKDB_CRASHME_KO:?}" "${LKDB_KVER:?}"

for t in make gcc readelf modinfo flock; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool '$t' (install make, gcc, binutils, kmod)"
done
[[ -f $LKDB_HEADERS_DIR/Makefile ]] || die "kernel headers $LKDB_HEADERS_DIR not installed (apt-get install linux-headers-$LKDB_KVER)"
SOURCES=(crashme.c pokeme.c hangme.c debugme.c Kbuild)
for f in "${SOURCES[@]}"; do
    [[ -f $SRC_DIR/$f ]] || die "missing source $SRC_DIR/$f"
done

BUILD_DIR=$(dirname "$LKDB_CRASHME_KO")
KO=$LKDB_CRASHME_KO
KOS=("$KO" "$BUILD_DIR/pokeme.ko" "$BUILD_DIR/hangme.ko" "$BUILD_DIR/debugme.ko")
mkdir -p "$BUILD_DIR"
exec 9>"$BUILD_DIR/.build.lock"
flock 9 || die "cannot lock $BUILD_DIR/.build.lock"

up_to_date() {
    local f ko
    for ko in "${KOS[@]}"; do
        [[ -s $ko ]] || return 1
        for f in "${SOURCES[@]}"; do
            cmp -s "$SRC_DIR/$f" "$BUILD_DIR/$f" || return 1
            [[ $ko -nt $BUILD_DIR/$f && $ko -nt $SRC_DIR/$f ]] || return 1
        done
    done
}

if ! up_to_date; then
    for f in "${SOURCES[@]}"; do
        cmp -s "$SRC_DIR/$f" "$BUILD_DIR/$f" || cp -f "$SRC_DIR/$f" "$BUILD_DIR/$f"
    done
    log "building ${KOS[*]##*/} against $LKDB_HEADERS_DIR in $BUILD_DIR"
    rm -f "${KOS[@]}"
    if ! make -C "$LKDB_HEADERS_DIR" M="$BUILD_DIR" modules >"$BUILD_DIR/build.log" 2>&1; then
        tail -n 30 "$BUILD_DIR/build.log" >&2
        die "building the test modules failed (full log: $BUILD_DIR/build.log)"
    fi
    for ko in "${KOS[@]}"; do
        [[ -s $ko ]] || die "make succeeded but $ko was not produced (log: $BUILD_DIR/build.log)"
    done
    touch "${KOS[@]}"
fi

for ko in "${KOS[@]}"; do
    # Not readelf | grep -q: readelf's SIGPIPE would fail the pipeline.
    sections=$(readelf -S "$ko") || die "readelf -S $ko failed"
    grep -q '\.debug_info' <<<"$sections" || die "$ko has no .debug_info section (headers config lacks CONFIG_DEBUG_INFO?)"
    vermagic=$(modinfo -F vermagic "$ko")
    [[ $vermagic == "$LKDB_KVER "* ]] || die "$ko has vermagic '$vermagic', expected $LKDB_KVER"
done
printf '%s\n' "$KO"

#!/usr/bin/env bash
# release_6_12.sh TEST.sh: one of the dump tests on Debian's 6.12 kernel
# (linux-image-6.12-amd64 in bookworm, with its -dbg vmlinux), the other
# release lkdb is checked on besides the 6.1 fixture: its own fixture
# (scripts/fixture.sh with LKDB_CACHE=$CACHE/release-6.12 and
# LKDB_FETCH_META=linux-image-6.12-amd64, fetched and built on the first
# run, then cached), its own shared dump and shared guest.  crash 8.0.2 does not
# read 6.12 kernels: its comparisons are skips here (LKDB_NO_CRASH).  With
# LKDB_OTHER_RELEASE=0 the whole test is a skip.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
test=${1:?usage: release_6_12.sh TEST.sh}
if [[ ${LKDB_OTHER_RELEASE:-1} == 0 ]]; then
    echo "1..0 # SKIP LKDB_OTHER_RELEASE=0: the 6.12 fixture is not used"
    exit 0
fi
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkdb}
# One fixture build at a time (the tests run one by one, but be sure).
exec 7>"$CACHE/release-6.12.lock"
flock 7
env=$(LKDB_CACHE=$CACHE/release-6.12 LKDB_FETCH_META=linux-image-6.12-amd64 \
    "$LKDB_SCRIPTS/fixture.sh" 2>"$LKDB_GUESTS/release-6.12-fixture.log") || {
    echo "Bail out! the 6.12 fixture could not be made (scripts/fixture.sh; log: $LKDB_GUESTS/release-6.12-fixture.log)"
    exit 1
}
flock -u 7
echo "# kernel: $env"
export LKDB_FIXTURE_ENV=$env
export LKDB_GUESTS=$LKDB_GUESTS/release-6.12
export LKDB_SHARED_DUMP_DIR=$LKDB_GUESTS/shared-dump
export LKDB_NO_CRASH="crash 8.0.2 does not read 6.12 kernels"
mkdir -p "$LKDB_GUESTS"
# Its shared guest lives on for the next 6.12 test; scripts/test.sh (or
# the guest's --lifetime) ends it.
exec bash "$here/$test"

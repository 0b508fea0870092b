#!/usr/bin/env bash
# built_kernel.sh [TEST.sh]: TEST.sh (default stop_culprit.sh) on a kernel
# the user built: Debian's linux-source-6.1 with
# DWARF 5, compressed debug sections and KASLR, modules of its own build
# tree found beside its vmlinux, the test modules built out of tree against
# it (scripts/build-kernel.sh); it has KASAN, KFENCE, UBSAN and lockdep
# too.  Builds it when the cache lacks it (about 13 min with make -j2 on 2
# cores; later runs reuse it); with
# LKDB_BUILD_KERNEL=0 an unbuilt kernel is a skip.
set -uo pipefail
here=$(dirname "$0")
if [[ ${LKDB_BUILD_KERNEL:-1} == 0 ]]; then
    env=$("$LKDB_SCRIPTS/build-kernel.sh" --check) || {
        echo "1..0 # SKIP no built kernel in the cache and LKDB_BUILD_KERNEL=0 (run scripts/build-kernel.sh)"
        exit 0
    }
else
    env=$("$LKDB_SCRIPTS/build-kernel.sh") || {
        echo "Bail out! scripts/build-kernel.sh failed"
        exit 1
    }
fi
echo "# kernel: $env"
LKDB_FIXTURE_ENV=$env exec bash "$here/${1:-stop_culprit.sh}"

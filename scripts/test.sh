#!/usr/bin/env bash
# test.sh — the whole test suite, from a fresh Debian 12 machine.
#
# Installs what is missing, fetches the kernel fixture (cached in
# ${XDG_CACHE_HOME:-~/.cache}/lkdb), builds with warnings fatal, runs the
# unit, fuzz and integration suites, then builds with ASan+UBSan (clang) and
# runs unit and fuzz again, the dump integration tests, and a short
# libFuzzer run.  Ends with one line
# "N passed, N failed[, N skipped]" from scripts/test-summary.py, counting
# every TAP subtest (a test that is not TAP counts once, a whole-test skip
# as a skip); a test that did not run, a suite without tests or a failing
# `meson test` is a failure.  Exits non-zero if anything failed.
#
#   scripts/test.sh                 everything
#   scripts/test.sh --no-integration   skip the QEMU suite (no fixture needed)
#   LKDB_FUZZ_SECONDS=60 scripts/test.sh   longer libFuzzer run (default 20)
set -uo pipefail

PROG=test.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '\n%s: == %s\n' "$PROG" "$*" >&2; }

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || die "cannot enter $TOP"
integration=true
case ${1:-} in
    --no-integration) integration=false ;;
    "") ;;
    *) die "unknown argument '$1' (usage: test.sh [--no-integration])" ;;
esac

BUILD=$TOP/build-test
ASAN=$TOP/build-asan
runs=()

# run_suites BUILD SUITE...: meson test on those suites; queues the log, the
# exit status and each suite's test list for the summary, which fails a
# test that never ran and a suite without tests.
run_suites() {
    local build=$1 s args=() lists=() status
    shift
    for s; do
        args+=(--suite "$s")
        # An empty suite makes --list fail ("No suitable tests defined."):
        # an empty list, which the summary counts as a failure.
        meson test -C "$build" --no-rebuild --list --suite "$s" \
            >"$build/tests-$s.list" 2>/dev/null || : >"$build/tests-$s.list"
        lists+=("$s=$build/tests-$s.list")
    done
    # A log left by an earlier run must not be counted as this one.
    rm -f "$build/meson-logs/testlog.json"
    meson test -C "$build" "${args[@]}" --print-errorlogs
    status=$?
    runs+=(--run "$build/meson-logs/testlog.json" "$status" "${lists[@]}")
}

log "dependencies"
scripts/install-deps.sh --test || die "installing dependencies failed"
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkdb}
env_file=$CACHE/kernel/current/fixture.env
if $integration; then
    log "kernel fixture"
    env_file=$(scripts/fixture.sh) || die "the kernel fixture failed (scripts/fixture.sh)"
fi
# The unit tests that read the real Debian vmlinux run whenever the fixture
# is there (they skip without it).
if [[ -f $env_file ]]; then
    LKDB_TEST_VMLINUX=$(. "$env_file" && echo "$LKDB_VMLINUX") ||
        die "cannot read LKDB_VMLINUX from $env_file"
    [[ -f $LKDB_TEST_VMLINUX ]] ||
        die "$env_file names vmlinux '$LKDB_TEST_VMLINUX', which does not exist (run scripts/fixture.sh)"
    export LKDB_TEST_VMLINUX
fi

log "build (gcc, warnings fatal)"
if [[ -d $BUILD ]]; then
    meson setup --reconfigure "$BUILD" -Dwerror=true -Dintegration=$integration >/dev/null
else
    meson setup "$BUILD" -Dwerror=true -Dintegration=$integration >/dev/null
fi || die "meson setup failed"
ninja -C "$BUILD" || die "build failed"

suites=(unit fuzz)
$integration && suites+=(integration)
log "tests: ${suites[*]}"
# The shared guests of the integration suite (6.1's, and 6.12's for the
# tests on the other release) live until we stop them.
stop_shared() {
    scripts/guest.sh stop "$BUILD/guests/shared" >/dev/null 2>&1 || true
    scripts/guest.sh stop "$BUILD/guests/release-6.12/shared" >/dev/null 2>&1 || true
}
trap stop_shared EXIT
# The dump tests share one dump of a panicked guest (lib.sh's shared_dump),
# made afresh in each run; the ASan pass below reads the same one.
export LKDB_SHARED_DUMP_DIR=$BUILD/guests/shared-dump
rm -rf "$LKDB_SHARED_DUMP_DIR" "$BUILD/guests/release-6.12/shared-dump"
run_suites "$BUILD" "${suites[@]}"
stop_shared

log "ASan + UBSan build (clang): unit and fuzz"
asan_opts=(-Dwerror=true -Dintegration=$integration -Db_sanitize=address,undefined
           -Db_lundef=false -Dc_args=-fno-sanitize-recover=all)
if [[ -d $ASAN ]]; then
    CC=clang meson setup --reconfigure "$ASAN" "${asan_opts[@]}" >/dev/null
else
    CC=clang meson setup "$ASAN" "${asan_opts[@]}" >/dev/null
fi || die "meson setup of the ASan build failed"
ninja -C "$ASAN" || die "ASan build failed"
run_suites "$ASAN" unit fuzz

# The dump tests read real, filtered and deliberately damaged vmcores:
# lkdb, lkdb-dump-server and dump-probe of the ASan build, any error or
# leak fatal (an aborted lkdb fails the test's exit-status checks).
if $integration; then
    log "ASan + UBSan build: the dump integration tests"
    asan_dump_tests=(dumps_elf_and_flattened_read_through_page_tables
                     filtered_dump_keeps_kernel_data_and_names_missing_pages
                     damaged_dump_lists_end_with_a_warning_not_a_hang)
    meson test -C "$ASAN" --no-rebuild --list "${asan_dump_tests[@]}" \
        >"$ASAN/tests-asan-dumps.list" 2>/dev/null || : >"$ASAN/tests-asan-dumps.list"
    rm -f "$ASAN/meson-logs/asan-dumps.json"
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
        meson test -C "$ASAN" --logbase asan-dumps --print-errorlogs \
        "${asan_dump_tests[@]}"
    runs+=(--run "$ASAN/meson-logs/asan-dumps.json" "$?"
           "asan-dumps=$ASAN/tests-asan-dumps.list")
fi

# Each libFuzzer target for LKDB_FUZZ_SECONDS on its corpus (plus a dict).
seconds=${LKDB_FUZZ_SECONDS:-20}
# The memory walkers (tasks, modules, printk, maple, trees, page tables,
# slabs, zones, waits, timers, net) get fake kernels: a hang is a bug, so
# one input may take at most 10 s.
fuzz_targets=(mi-parser:mi_parser rsp:rsp flattened:flattened logparse:logparse
              qemu-monitor:qemu_monitor tasks:tasks modules:modules printk:printk
              maple:maple trees:trees pagewalk:pagewalk slabwalk:slabwalk
              zones:zones waits:waits timers:timers net:net)
echo "1..${#fuzz_targets[@]}" >"$BUILD/libfuzzer.tap"
for target in "${fuzz_targets[@]}"; do
    name=${target%%:*} corpus=tests/fuzz/corpus/${target#*:}
    fuzzer=$ASAN/tests/fuzz/fuzz-$name
    if [[ ! -x $fuzzer ]]; then
        echo "not ok - libFuzzer fuzz-$name was not built" >>"$BUILD/libfuzzer.tap"
        continue
    fi
    dict=()
    [[ -f tests/fuzz/${target#*:}.dict ]] && dict=(-dict="tests/fuzz/${target#*:}.dict")
    log "libFuzzer: fuzz-$name for ${seconds}s"
    work=$(mktemp -d)
    if "$fuzzer" -max_total_time="$seconds" -timeout=10 "${dict[@]}" \
        -artifact_prefix="$work/" "$work" "$corpus" >"$work/log" 2>&1; then
        tail -n 1 "$work/log"
        echo "ok - libFuzzer fuzz-$name found nothing in ${seconds}s" >>"$BUILD/libfuzzer.tap"
        rm -rf "$work"
    else
        tail -n 30 "$work/log"
        echo "not ok - libFuzzer fuzz-$name found a crash (input kept in $work)" >>"$BUILD/libfuzzer.tap"
    fi
done

log "summary"
python3 scripts/test-summary.py --tap "libfuzzer=$BUILD/libfuzzer.tap" "${runs[@]}"

#!/usr/bin/env bash
# test.sh — the whole test suite, from a fresh Debian 12 machine.
#
# Installs what is missing, fetches the kernel fixture (cached in
# ${XDG_CACHE_HOME:-~/.cache}/lkdb), builds with warnings fatal, runs the
# unit, fuzz and integration suites, then builds with ASan+UBSan (clang) and
# runs unit and fuzz again, the dump integration tests, and a short
# libFuzzer run.  Ends with one line
# "N passed, N failed" counting every TAP subtest (a test that is not TAP
# counts once); exits non-zero if anything failed.
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
results=()

log "dependencies"
scripts/install-deps.sh --test || die "installing dependencies failed"
if $integration; then
    log "kernel fixture"
    env_file=$(scripts/fixture.sh) || die "the kernel fixture failed (scripts/fixture.sh)"
    # The unit tests that read the real Debian vmlinux run when given one.
    LKDB_TEST_VMLINUX=$(. "$env_file" && echo "$LKDB_VMLINUX")
    export LKDB_TEST_VMLINUX
fi

log "build (gcc, warnings fatal)"
if [[ -d $BUILD ]]; then
    meson setup --reconfigure "$BUILD" -Dwerror=true -Dintegration=$integration >/dev/null
else
    meson setup "$BUILD" -Dwerror=true -Dintegration=$integration >/dev/null
fi || die "meson setup failed"
ninja -C "$BUILD" || die "build failed"

suites=(--suite unit --suite fuzz)
$integration && suites+=(--suite integration)
log "tests: ${suites[*]}"
# The shared guest of the integration suite lives until we stop it.
trap 'scripts/guest.sh stop "$BUILD/guests/shared" >/dev/null 2>&1 || true' EXIT
meson test -C "$BUILD" "${suites[@]}" --print-errorlogs
results+=("$BUILD/meson-logs/testlog.json")
scripts/guest.sh stop "$BUILD/guests/shared" >/dev/null 2>&1 || true

log "ASan + UBSan build (clang): unit and fuzz"
asan_opts=(-Dwerror=true -Dintegration=$integration -Db_sanitize=address,undefined
           -Db_lundef=false -Dc_args=-fno-sanitize-recover=all)
if [[ -d $ASAN ]]; then
    CC=clang meson setup --reconfigure "$ASAN" "${asan_opts[@]}" >/dev/null
else
    CC=clang meson setup "$ASAN" "${asan_opts[@]}" >/dev/null
fi || die "meson setup of the ASan build failed"
ninja -C "$ASAN" || die "ASan build failed"
meson test -C "$ASAN" --suite unit --suite fuzz --print-errorlogs
results+=("$ASAN/meson-logs/testlog.json")

# The dump tests read real, filtered and deliberately damaged vmcores:
# lkdb, lkdb-dump-server and dump-probe of the ASan build, any error or
# leak fatal (an aborted lkdb fails the test's exit-status checks).
if $integration; then
    log "ASan + UBSan build: the dump integration tests"
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
        meson test -C "$ASAN" --suite integration --logbase asan-dumps --print-errorlogs \
        dumps_elf_and_flattened_read_through_page_tables \
        filtered_dump_keeps_kernel_data_and_names_missing_pages \
        damaged_dump_lists_end_with_a_warning_not_a_hang
    results+=("$ASAN/meson-logs/asan-dumps.json")
fi

# Each libFuzzer target for LKDB_FUZZ_SECONDS on its corpus (plus a dict).
seconds=${LKDB_FUZZ_SECONDS:-20}
: >"$BUILD/libfuzzer.tap"
# The memory walkers (tasks, modules, printk) get fake kernels: a hang is a
# bug, so one input may take at most 10 s.
for target in mi-parser:mi_parser rsp:rsp flattened:flattened logparse:logparse \
    qemu-monitor:qemu_monitor tasks:tasks modules:modules printk:printk; do
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
python3 - "$BUILD/libfuzzer.tap" "${results[@]}" <<'PY'
import json, re, sys

passed = failed = skipped = 0
failed_names = []

def tap_counts(text):
    ok = len(re.findall(r'^ok\b(?!.*# SKIP)', text, re.M))
    skip = len(re.findall(r'^ok\b.*# SKIP', text, re.M))
    bad = len(re.findall(r'^not ok\b', text, re.M))
    plan = re.search(r'^1\.\.(\d+)', text, re.M)
    return ok, bad, skip, int(plan.group(1)) if plan else None

extra = open(sys.argv[1]).read()
ok, bad, _, _ = tap_counts(extra)
passed += ok
failed += bad
if bad:
    failed_names.append('libfuzzer')
for path in sys.argv[2:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        failed_names.append(path + ' (no test log)')
        continue
    for line in lines:
        t = json.loads(line)
        good = t['result'] in ('OK', 'EXPECTEDFAIL', 'SKIP')
        ok, bad, skip, plan = tap_counts(t.get('stdout') or '')
        if ok + bad + skip == 0:
            ok, bad = (1, 0) if good else (0, 1)
        elif not good and bad == 0:
            bad = 1     # crashed, bailed out or timed out after its oks
        if plan is not None and ok + bad + skip < plan:
            bad += plan - (ok + bad + skip)
        passed += ok
        failed += bad
        skipped += skip
        if bad:
            failed_names.append(t['name'])
for name in failed_names:
    print('FAILED: ' + name)
print('%d passed, %d failed' % (passed, failed) +
      (', %d skipped' % skipped if skipped else ''))
sys.exit(1 if failed else 0)
PY

#!/usr/bin/env bash
# make-walker-seeds.sh BUILD-DIR: write the seed corpora of the memory
# walkers' fuzz targets from the fake kernels the unit tests build
# (tests/unit/walker_input.h): tests/fuzz/corpus/{tasks,modules,printk,maple,
# trees,slabwalk,zones,waits,timers,net,runq_groups}.
set -euo pipefail
build=$(cd "${1:?usage: make-walker-seeds.sh BUILD-DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
unit=$build/tests/unit
[[ -x $unit/test-tasks ]] || { echo "make-walker-seeds.sh: no unit tests in $unit (build first)" >&2; exit 1; }
seed() { # seed CORPUS TEST: run the unit test with the arguments meson gives it
    local dir=$here/corpus/$1 test=$2 args
    mkdir -p "$dir"
    mapfile -t args < <(meson introspect --tests "$build" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["cmd"][0].endswith("/" + sys.argv[1]):
        print("\n".join(t["cmd"][1:]))
        break' "$test")
    # meson runs the tests in the build directory: their paths are from there
    (cd "$build" && LKDB_FUZZ_SEED_DIR=$dir "$unit/$test" "${args[@]}" >/dev/null) ||
        { echo "make-walker-seeds.sh: $test failed" >&2; exit 1; }
}
# The unit tests' seeds (TEST-N) are written again; other files (a
# fuzzer's finds kept as regression-*) stay.
for c in tasks modules printk maple trees slabwalk zones waits timers net runq_groups; do
    rm -f "$here/corpus/$c"/*-[0-9]*
done
seed tasks test-tasks
seed modules test-modules
seed modules test-unwind
seed printk test-printk
seed maple test-mapletree
seed trees test-trees
seed slabwalk test-slabwalk
seed zones test-zones
seed waits test-waits
seed timers test-timers
seed net test-net
seed runq_groups test-runq-groups
for c in tasks modules printk maple trees slabwalk zones waits timers net runq_groups; do
    echo "$c: $(ls "$here/corpus/$c" | wc -l) seeds, $(du -sh "$here/corpus/$c" | cut -f1)"
done

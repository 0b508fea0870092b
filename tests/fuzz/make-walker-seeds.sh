#!/usr/bin/env bash
# make-walker-seeds.sh BUILD-DIR: write the seed corpora of the memory
# walkers' fuzz targets from the fake kernels the unit tests build
# (tests/unit/walker_input.h): tests/fuzz/corpus/{tasks,modules,printk,maple,trees,slabwalk}.
set -euo pipefail
build=${1:?usage: make-walker-seeds.sh BUILD-DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
unit=$build/tests/unit
[[ -x $unit/test-tasks ]] || { echo "make-walker-seeds.sh: no unit tests in $unit (build first)" >&2; exit 1; }
seed() { # seed CORPUS TEST [ARGS...]
    local dir=$here/corpus/$1 test=$2
    shift 2
    mkdir -p "$dir"
    LKDB_FUZZ_SEED_DIR=$dir "$unit/$test" "$@" >/dev/null ||
        { echo "make-walker-seeds.sh: $test failed" >&2; exit 1; }
}
rm -rf "$here/corpus/tasks" "$here/corpus/modules" "$here/corpus/printk" "$here/corpus/maple" "$here/corpus/trees" "$here/corpus/slabwalk"
seed tasks test-tasks
seed modules test-modules
seed modules test-unwind
seed printk test-printk
seed maple test-mapletree
seed trees test-trees
seed slabwalk test-slabwalk
for c in tasks modules printk maple trees slabwalk; do
    echo "$c: $(ls "$here/corpus/$c" | wc -l) seeds, $(du -sh "$here/corpus/$c" | cut -f1)"
done

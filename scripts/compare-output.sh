#!/usr/bin/env bash
# compare-output.sh BASE_LKDB NEW_LKDB VMLINUX DUMP...
#
# Run the same batch commands on each dump with two lkdb binaries and
# compare what they print (stdout and stderr, and the exit status).  For
# changes meant to leave behaviour alone (a restructure): any difference is
# printed as a diff and the exit status is 1.  Each binary finds its own
# lkdb-dump-server next to it (build tree layout).
#
# Environment: COMPARE_KEEP=DIR keeps every output there.
set -uo pipefail

if (($# < 4)); then
    echo "usage: compare-output.sh BASE_LKDB NEW_LKDB VMLINUX DUMP..." >&2
    exit 2
fi
base=$1 new=$2 vmlinux=$3
shift 3
for f in "$base" "$new"; do
    [[ -x $f ]] || { echo "compare-output.sh: $f: not an executable" >&2; exit 2; }
done
out=${COMPARE_KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/lkdb-compare.XXXXXX")}
mkdir -p "$out"
[[ -n ${COMPARE_KEEP:-} ]] || trap 'rm -rf "$out"' EXIT

# One run per line; each line is the -c commands of one lkdb invocation.
# The issue's set first (sys ps mod bt log), then the other rows commands,
# their options, and --json for each command that has it.  The help of
# each command, not help's list, which grows with every new command.
runs=(
    "sys|ps|mod|bt|log"
    "sys -t|log -m|log -T|bt -a|bt -l|pcpu runqueues|pcpu runqueues 1"
    "task|task 1|bt 1|bt -l 1|sym panic schedule+0x10|dis -l panic 8|dis panic"
    "sys --json|ps --json|mod --json|log --json|bt --json|bt -a --json"
    "pcpu --json runqueues|task --json 1|sym --json panic|dis --json panic 4"
    "help ps|help bt|help mod"
    "sym 0x1"
    "bt 999999"
    "task 999999"
    "mod -s nosuchmodule"
    "pcpu nosuchvariable"
    "nosuchcommand"
    "ps -x"
)

status=0
n=0
for dump in "$@"; do
    for run in "${runs[@]}"; do
        n=$((n + 1))
        args=()
        IFS='|' read -ra cmds <<<"$run"
        for c in "${cmds[@]}"; do args+=(-c "$c"); done
        for which in base new; do
            bin=$base
            [[ $which == new ]] && bin=$new
            "$bin" --quiet "$vmlinux" "$dump" "${args[@]}" \
                >"$out/$n.$which.out" 2>"$out/$n.$which.err" </dev/null
            echo "exit $?" >>"$out/$n.$which.err"
            # The binaries' own paths appear in some messages.
            sed -i "s#$(dirname "$bin")#BIN#g" "$out/$n.$which.out" \
                "$out/$n.$which.err"
        done
        for stream in out err; do
            if ! cmp -s "$out/$n.base.$stream" "$out/$n.new.$stream"; then
                echo "DIFFERENT ($stream): $(basename "$dump"): ${run//|/; }"
                diff -u "$out/$n.base.$stream" "$out/$n.new.$stream" | head -40
                status=1
            fi
        done
    done
done
((status == 0)) && echo "identical: $n runs on $# dump(s)"
exit $status

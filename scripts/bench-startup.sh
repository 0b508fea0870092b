#!/usr/bin/env bash
# bench-startup.sh — start-up time of lkdb against plain gdb doing the same
# job on a live QEMU (TCG) guest: attach, load the vmlinux symbols at the
# KASLR offset, print jiffies, detach.
#
#   lkdb -r :PORT VMLINUX -c 'p jiffies'
#   gdb -nx -q -batch -ex 'set index-cache directory D' \
#       -ex 'set index-cache enabled on' -ex 'target remote :PORT' \
#       -ex 'symbol-file -o OFFSET VMLINUX' -ex 'p jiffies'
#
# gdb is handed the real KASLR offset (read from the guest's /proc/kallsyms);
# gdb alone cannot find it, lkdb probes it itself.
#
# Usage:
#   bench-startup.sh [--runs-cold N] [--runs-warm N] [--drop-caches]
#                    [--port PORT --offset OFF] [--gdb PATH] [--timeout S]
#                    [--no-extras] [--keep]
#
#   --runs-cold N   timed runs per tool with an empty index cache (default 3)
#   --runs-warm N   timed runs per tool with a filled index cache (default 5)
#   --drop-caches   sync and drop the page cache before every cold run (root)
#   --port PORT     use the gdb stub of a running guest instead of booting one;
#   --offset OFF    needs its KASLR offset (_text - 0xffffffff81000000)
#   --gdb PATH      gdb for both tools (lkdb gets --gdb PATH; default gdb)
#   --timeout S     limit for a single run (default 600)
#   --no-extras     only the cold and warm rows (no nocache/--kaslr-offset
#                   rows, no breakdown)
#   --keep          keep the temporary directory (index caches, outputs)
#
# lkdb is $LKDB, else build/frontend/lkdb in this repository.  The vmlinux
# comes from the fixture ($LKDB_VMLINUX, else fixture.env, as in guest.sh).
# The table goes to stdout, progress to stderr.
set -euo pipefail
export LC_ALL=C

PROG=bench-startup.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
LKDB=${LKDB:-$REPO/build/frontend/lkdb}
KERNEL_BASE=0xffffffff81000000

usage() {
    sed -n '/^# Usage:/,/^# The table/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

runs_cold=3 runs_warm=5 drop_caches=0 port='' offset='' gdb=gdb run_timeout=600
extras=1 keep=0
while (($#)); do
    case $1 in
    --runs-cold) runs_cold=${2:?--runs-cold needs N}; shift ;;
    --runs-warm) runs_warm=${2:?--runs-warm needs N}; shift ;;
    --drop-caches) drop_caches=1 ;;
    --port) port=${2:?--port needs PORT}; shift ;;
    --offset) offset=${2:?--offset needs OFF}; shift ;;
    --gdb) gdb=${2:?--gdb needs PATH}; shift ;;
    --timeout) run_timeout=${2:?--timeout needs SECONDS}; shift ;;
    --no-extras) extras=0 ;;
    --keep) keep=1 ;;
    -h | --help) usage ;;
    *) die "unknown argument '$1' (--help for usage)" ;;
    esac
    shift
done
need_uint() { # need_uint OPTION VALUE MIN MAX
    if ! is_uint "$2" || (($2 < $3 || $2 > $4)); then
        die "$1 must be an integer from $3 to $4, got '$2'"
    fi
}
need_uint --runs-cold "$runs_cold" 1 1000
need_uint --runs-warm "$runs_warm" 1 1000
need_uint --timeout "$run_timeout" 1 86400
if [[ -n $port || -n $offset ]]; then
    [[ -n $port && -n $offset ]] || die "--port and --offset go together (gdb needs the KASLR offset of that guest)"
    need_uint --port "$port" 1 65535
    [[ $offset =~ ^(0[xX][0-9a-fA-F]+|[0-9]+)$ ]] || die "--offset must be a number (0x... or decimal), got '$offset'"
    offset=$(printf '0x%x' "$((offset))")
fi
if ((drop_caches)); then
    [[ -w /proc/sys/vm/drop_caches ]] || die "--drop-caches needs root (cannot write /proc/sys/vm/drop_caches)"
fi

# --- tools and fixture -------------------------------------------------------

[[ -x $LKDB ]] || die "lkdb binary not found at $LKDB; build it (meson setup build && ninja -C build) or set LKDB=/path/to/lkdb"
command -v "$gdb" >/dev/null 2>&1 || die "gdb '$gdb' not found (apt-get install gdb)"
# shellcheck source=bench-lib.sh
. "$HERE/bench-lib.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench.XXXXXX")
GUEST_DIR=''
cleanup() {
    local rc=$?
    if [[ -n $GUEST_DIR ]]; then
        "$HERE/guest.sh" stop "$GUEST_DIR" >/dev/null 2>&1 || log "could not stop the guest in $GUEST_DIR"
        if ((keep)); then log "guest files kept in $GUEST_DIR"; else rm -rf "$GUEST_DIR"; fi
    fi
    if ((keep)); then
        log "temporary files kept in $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the guest -----------------------------------------------------------------

offset_source="given with --offset"
if [[ -z $port ]]; then
    GUEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-guest.XXXXXX")
    log "booting a guest (KASLR on, 1 sleeper) in $GUEST_DIR"
    "$HERE/guest.sh" start "$GUEST_DIR" --sleepers 1 --lifetime 7200 >&2 || die "the guest did not start"
    port=$("$HERE/guest.sh" port "$GUEST_DIR")
    text=$("$HERE/guest.sh" run "$GUEST_DIR" "grep ' _text\$' /proc/kallsyms" | tr -d '\r' |
        awk '$3 == "_text" { print $1; exit }') || die "cannot read _text from the guest's /proc/kallsyms"
    [[ $text =~ ^[0-9a-f]{16}$ ]] || die "unexpected _text address '$text' in the guest's /proc/kallsyms"
    offset=$(printf '0x%x' "$((0x$text - KERNEL_BASE))")
    offset_source="_text 0x$text in the guest's /proc/kallsyms minus $KERNEL_BASE"
fi

# A quick untimed attach, so a wrong port fails here with a clear message.
preflight=$(timeout -k 5 30 "$gdb" -nx -q -batch -ex 'set tcp auto-retry off' -ex 'set tcp connect-timeout 10' \
    -ex "target remote :$port" </dev/null 2>&1) ||
    die "cannot attach gdb to :$port: $(printf '%s' "$preflight" | tail -n 1)"

# --- measuring -------------------------------------------------------------------

declare -A TIMES=() # "condition|tool" -> microseconds, space separated
ROWS=("cold|gdb" "cold|lkdb" "warm|gdb" "warm|lkdb" "warm|lkdb --kaslr-offset"
    "warm|gdb connect only" "nocache|gdb" "nocache|lkdb --no-index-cache")
LAST_OUT=''         # output files of the last run
LAST_ERR=''
run_no=0

add_time() {
    local key=$1 us=$2
    TIMES[$key]="${TIMES[$key]:-} $us"
}

fmt_s() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1e6 }'; }

# timed KEY CHECK CMD...: run CMD (stdin /dev/null), record its wall time
# under KEY.  CHECK is "value" (stdout must have '$1 = <number>') or
# "connect" (exit status only).  A failed run aborts the benchmark.
timed() {
    local key=$1 check=$2 t0 t1 rc=0 us
    shift 2
    run_no=$((run_no + 1))
    LAST_OUT=$WORK/run-$run_no.out
    LAST_ERR=$WORK/run-$run_no.err
    t0=${EPOCHREALTIME/[.,]/}
    timeout -k 10 "$run_timeout" "$@" </dev/null >"$LAST_OUT" 2>"$LAST_ERR" || rc=$?
    t1=${EPOCHREALTIME/[.,]/}
    us=$((t1 - t0))
    if ((rc != 0)) || { [[ $check == value ]] && ! grep -Eq '^[$]1 = [0-9]+$' "$LAST_OUT"; }; then
        {
            printf '%s: error: run "%s" failed (exit status %s%s) after %ss\n' "$PROG" "${key/|/ }" "$rc" \
                "$( ((rc == 124)) && echo ", timed out after ${run_timeout}s")" "$(fmt_s "$us")"
            printf '%s: command:' "$PROG"
            printf ' %q' "$@"
            printf '\n%s: stdout:\n' "$PROG"
            tail -n 15 "$LAST_OUT" | sed 's/^/    /'
            printf '%s: stderr:\n' "$PROG"
            tail -n 15 "$LAST_ERR" | sed 's/^/    /'
        } >&2
        exit 1
    fi
    add_time "$key" "$us"
    log "$(printf '%-8s %-20s %7ss' "${key%%|*}" "${key#*|}" "$(fmt_s "$us")")"
}

page_cache_prepare() {
    if ((drop_caches)); then
        sync
        echo 3 >/proc/sys/vm/drop_caches
    else
        cat "$VMLINUX" >/dev/null
    fi
}

residency() {
    if command -v fincore >/dev/null 2>&1; then
        fincore -n -o RES,SIZE "$VMLINUX" 2>/dev/null | awk '{ printf "%s of %s", $1, $2 }'
    else
        echo "unknown (no fincore)"
    fi
}

lkdb_offset_check() {
    # lkdb's note "attached to :PORT: Linux VER, KASLR offset 0x..." must
    # agree with the offset gdb is given.
    local found
    found=$(sed -n 's/.*KASLR offset \(0x[0-9a-fA-F]*\).*/\1/p' "$LAST_ERR" | head -n 1)
    [[ -n $found ]] || die "lkdb printed no 'KASLR offset' note (stderr: $(head -c 300 "$LAST_ERR"))"
    (((found) == (offset))) ||
        die "lkdb found KASLR offset $found but gdb is given $offset ($offset_source); the benchmark would compare different jobs"
}

gdb_cmd() { # gdb_cmd CACHE-DIR|'' [EXTRA -ex ...]: plain gdb's job
    local dir=$1
    local args=(-nx -q -batch)
    [[ -z $dir ]] || args+=(-ex "set index-cache directory $dir" -ex 'set index-cache enabled on')
    args+=(-ex "target remote :$port" -ex "symbol-file -o $offset $VMLINUX" -ex 'p jiffies')
    GDB_ARGS=("$gdb" "${args[@]}")
}

index_file() { # index_file DIR: the .gdb-index file gdb wrote there, if any
    local f
    for f in "$1"/*.gdb-index; do
        [[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
    done
    return 1
}

GDB_ARGS=()
LKDB_BASE=("$LKDB" --gdb "$gdb" -r ":$port" "$VMLINUX")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "vmlinux: $VMLINUX; reading it once, untimed, into the page cache"
cat "$VMLINUX" >/dev/null
res_before=$(residency)

# Cold: a fresh, empty index cache for every run.  The tools alternate
# which goes first, so drift hits both alike.
gdb_wrote=0 lkdb_wrote=0 gdb_index='' lkdb_index=''
gdb_cold_dir='' lkdb_cold_dir=''
for ((i = 1; i <= runs_cold; i++)); do
    order=(gdb lkdb)
    ((i % 2)) || order=(lkdb gdb)
    for tool in "${order[@]}"; do
        page_cache_prepare
        if [[ $tool == gdb ]]; then
            gdb_cold_dir=$(mktemp -d "$WORK/gdb-cache.XXXXXX")
            gdb_cmd "$gdb_cold_dir"
            timed "cold|gdb" value "${GDB_ARGS[@]}"
            if f=$(index_file "$gdb_cold_dir"); then
                gdb_wrote=$((gdb_wrote + 1)) gdb_index=$f
            fi
        else
            lkdb_cold_dir=$(mktemp -d "$WORK/lkdb-xdg.XXXXXX")
            timed "cold|lkdb" value env XDG_CACHE_HOME="$lkdb_cold_dir" "${LKDB_BASE[@]}" -c 'p jiffies'
            lkdb_offset_check
            if f=$(index_file "$lkdb_cold_dir/lkdb/gdb-index"); then
                lkdb_wrote=$((lkdb_wrote + 1)) lkdb_index=$f
            fi
        fi
    done
done

# Warm: the caches the last cold runs filled.
if ((drop_caches)); then
    cat "$VMLINUX" >/dev/null
fi
# With the extras, lkdb --kaslr-offset (no probe) and gdb's bare attach
# join the rotation, so the probe's cost is a difference of runs that
# shared the same background load.
warm_tools=(gdb lkdb)
((extras)) && warm_tools+=(lkdb-offset connect)
for ((i = 0; i < runs_warm; i++)); do
    n=${#warm_tools[@]}
    for ((j = 0; j < n; j++)); do
        tool=${warm_tools[(i + j) % n]}
        case $tool in
        gdb)
            gdb_cmd "$gdb_cold_dir"
            timed "warm|gdb" value "${GDB_ARGS[@]}"
            ;;
        lkdb)
            timed "warm|lkdb" value env XDG_CACHE_HOME="$lkdb_cold_dir" "${LKDB_BASE[@]}" -c 'p jiffies'
            lkdb_offset_check
            ;;
        lkdb-offset)
            timed "warm|lkdb --kaslr-offset" value env XDG_CACHE_HOME="$lkdb_cold_dir" \
                "${LKDB_BASE[@]}" --kaslr-offset "$offset" -c 'p jiffies'
            ;;
        connect)
            # gdb's bare start + attach, with no symbols: the floor for both.
            timed "warm|gdb connect only" connect "$gdb" -nx -q -batch -ex "target remote :$port"
            ;;
        esac
    done
done

probe_reads='' check_reads=''
if ((extras)); then
    # No index cache at all (vmlinux still in the page cache).
    cat "$VMLINUX" >/dev/null
    for ((i = 1; i <= runs_cold; i++)); do
        order=(gdb lkdb)
        ((i % 2)) || order=(lkdb gdb)
        for tool in "${order[@]}"; do
            if [[ $tool == gdb ]]; then
                gdb_cmd ''
                timed "nocache|gdb" value "${GDB_ARGS[@]}"
            else
                timed "nocache|lkdb --no-index-cache" value env XDG_CACHE_HOME="$WORK/unused-xdg" \
                    "${LKDB_BASE[@]}" --no-index-cache -c 'p jiffies'
                lkdb_offset_check
            fi
        done
    done
    # Memory reads of the KASLR probe, counted in an untimed MI trace.
    count_reads() {
        local trace=$WORK/mi.trace
        rm -f "$trace"
        LKDB_MI_TRACE=$trace XDG_CACHE_HOME="$lkdb_cold_dir" timeout -k 10 "$run_timeout" \
            "${LKDB_BASE[@]}" "$@" -c 'p jiffies' </dev/null >/dev/null 2>&1 || die "untimed lkdb run with LKDB_MI_TRACE failed"
        grep -c -- '-data-read-memory-bytes' "$trace" || true
    }
    probe_reads=$(count_reads)
    check_reads=$(count_reads --kaslr-offset "$offset")
fi
res_after=$(residency)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ----------------------------------------------------------------------

stats() { # stats KEY -> "median_us min_us n"
    # shellcheck disable=SC2086  # the list is whitespace separated numbers
    printf '%s\n' ${TIMES[$1]} | sort -n | awk '
        { a[NR] = $1 }
        END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
              printf "%d %d %d\n", m, a[1], NR }'
}
median() { local s; s=$(stats "$1"); printf '%s\n' "${s%% *}"; }
# paired_median A B: median over i of (A's run i - B's run i); the warm
# rotation ran the i-th runs of both within the same round.
paired_median() {
    # shellcheck disable=SC2086  # whitespace separated numbers
    paste -d' ' <(printf '%s\n' ${TIMES[$1]}) <(printf '%s\n' ${TIMES[$2]}) |
        awk '{ print $1 - $2 }' | sort -n | awk '
        { a[NR] = $1 }
        END { printf "%d\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
human_size() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }

gdb_ver=$("$gdb" --version | head -n 1)
lkdb_ver=$("$LKDB" --version 2>&1 | head -n 1)
vm_size=$(stat -c %s "$VMLINUX")

echo "lkdb start-up benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r))"
echo "  lkdb:    $LKDB ($lkdb_ver), driving $gdb"
echo "  gdb:     $gdb_ver"
echo "  vmlinux: $VMLINUX ($(human_size "$vm_size"))"
echo "  target:  :$port$([[ -n $GUEST_DIR ]] && echo " (QEMU TCG guest booted for this run, KASLR on)")"
echo "  job:     lkdb -r :$port VMLINUX -c 'p jiffies'"
echo "           gdb -nx -q -batch -ex 'set index-cache directory D' -ex 'set index-cache enabled on'"
echo "               -ex 'target remote :$port' -ex 'symbol-file -o $offset VMLINUX' -ex 'p jiffies'"
echo "  KASLR:   offset $offset ($offset_source)."
echo "           gdb -batch is handed that offset for free: gdb alone cannot find it."
echo "           lkdb probes it itself (included in its rows) and agreed in every run."
if ((drop_caches)); then
    echo "  page cache: dropped (sync; echo 3 > drop_caches) before every cold run of either tool;"
    echo "           warm runs see vmlinux in the page cache ($res_after resident at the end)."
else
    echo "  page cache: vmlinux read once untimed (cat > /dev/null) before the runs and again"
    echo "           before every cold run, so it is in the page cache for both tools alike"
    echo "           (resident: $res_before before, $res_after after)."
fi
echo "  load:    $load_before before, $load_after after (1/5/15 min; other work on the machine adds noise)"
echo "  cold = empty index cache (a fresh directory per run: XDG_CACHE_HOME for lkdb,"
echo "         'set index-cache directory' for gdb); warm = the cache the last cold run filled."
echo
printf '%-9s %-26s %4s %9s %8s %16s\n' condition tool runs median_s min_s 'ratio(lkdb/gdb)'
for key in "${ROWS[@]}"; do
    [[ -v TIMES[$key] ]] || continue
    read -r med min n <<<"$(stats "$key")"
    cond=${key%%|*} tool=${key#*|} r=''
    if [[ $tool == lkdb* && -v TIMES[$cond\|gdb] ]]; then
        r=$(ratio "$med" "$(median "$cond|gdb")")
    fi
    printf '%-9s %-26s %4s %9s %8s %16s\n' "$cond" "$tool" "$n" "$(fmt_s "$med")" "$(fmt_s "$min")" "$r"
done
echo
if ((gdb_wrote == runs_cold)); then
    echo "plain gdb -batch wrote its index cache in $gdb_wrote/$runs_cold cold runs ($(human_size "$(stat -c %s "$gdb_index")") $(basename "$gdb_index")):"
    echo "  in batch mode gdb finishes its background DWARF indexing before it exits."
else
    echo "WARNING: plain gdb -batch wrote its index cache in only $gdb_wrote/$runs_cold cold runs;"
    echo "  its 'warm' rows may really be cold."
fi
if ((lkdb_wrote == runs_cold)); then
    echo "lkdb wrote its index cache in $lkdb_wrote/$runs_cold cold runs ($(human_size "$(stat -c %s "$lkdb_index")"))."
else
    echo "WARNING: lkdb wrote its index cache in only $lkdb_wrote/$runs_cold cold runs; its 'warm' rows may really be cold."
fi
if ((extras)); then
    gw=$(median "warm|gdb") lw=$(median "warm|lkdb") lo=$(median "warm|lkdb --kaslr-offset")
    gc=$(median "cold|gdb") lc=$(median "cold|lkdb") conn=$(median "warm|gdb connect only")
    echo
    echo "breakdown (medians):"
    printf '  %-60s %7ss\n' "gdb start + attach, no symbols (the floor)" "$(fmt_s "$conn")"
    printf '  %-60s %7ss\n' "gdb: symbols from the warm index + p jiffies" "$(fmt_s $((gw - conn)))"
    printf '  %-60s %7ss\n' "lkdb KASLR probe: warm lkdb - warm lkdb --kaslr-offset" "$(fmt_s $((lw - lo)))"
    printf '  %-60s %7ss\n' "  the same, median of the per-round differences" \
        "$(fmt_s "$(paired_median "warm|lkdb" "warm|lkdb --kaslr-offset")")"
    printf '  %-60s %7s\n' "  memory reads: probing / with --kaslr-offset" "$probe_reads / $check_reads"
    printf '  %-60s %7ss\n' "lkdb overhead without the probe: lkdb --kaslr-offset - gdb" "$(fmt_s $((lo - gw)))"
    printf '  %-60s %7ss\n' "cold - warm, gdb (building + writing the index)" "$(fmt_s $((gc - gw)))"
    printf '  %-60s %7ss\n' "cold - warm, lkdb" "$(fmt_s $((lc - lw)))"
fi

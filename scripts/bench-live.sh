#!/usr/bin/env bash
# bench-live.sh — lkdb against the kernel's own gdb scripts (scripts/gdb,
# "lx-" commands) on a live QEMU (TCG) guest:
#
#   ps:      lkdb -r :PORT VMLINUX -c 'ps --stats'
#            lkdb --no-guest-ram ... (lkdb-stub: every read through gdb)
#            gdb -batch VMLINUX -ex 'target remote :PORT'
#                -ex 'source vmlinux-gdb.py' -ex lx-ps
#            on a guest with N sleeping tasks (default 500, then 5000)
#            whose RAM is a shared file (guest.sh --shared-ram), which
#            lkdb reads directly; lx-ps and lkdb-stub go through the stub
#   foreach: lkdb ... -c 'foreach bt' on the same guests, timed alone (no
#            lx- command backtraces every task)
#   modules: lkdb ... -c 'mod -S DIR --stats'  against  gdb ... -ex 'lx-symbols DIR'
#            for the guest's modules (the boot modules and crashme)
#
# Usage:
#   bench-live.sh [--tasks 'N...'] [--runs N] [--no-modules] [--gdb PATH]
#                 [--timeout S] [--keep] [--plain]
#
#   --tasks 'N...'  sleepers per guest, one guest each (default '500 5000')
#   --runs N        timed runs per tool and measurement (default 5)
#   --no-modules    skip the module-symbol measurement
#   --gdb PATH      gdb for both tools (lkdb gets --gdb PATH; default gdb)
#   --timeout S     limit for a single run (default 900)
#   --keep          keep the guests' and the runs' files
#   --plain         guests whose RAM no file shares (plain `qemu -s`): lkdb
#                   reads copies of it made by QEMU's monitor (pmemsave)
#
# The kernel's gdb scripts, prepared once and cached in
# $CACHE/scripts-gdb/KVER/ (CACHE as in fixture.sh, ~/.cache/lkdb):
#   1. install linux-source-6.1, flex, bison, bc, make, gcc (install-deps.sh);
#   2. extract /usr/src/linux-source-6.1.tar.xz into linux/, without
#      Documentation (but its Kconfig), the .c/.h files of drivers, fs, net
#      and sound, other architectures' sources, and tools/{perf,testing}:
#      what is left is enough for Kconfig and `make prepare` (~30 s);
#   3. copy the fixture kernel's own config (boot/config-KVER from the
#      linux-image package) to linux/.config and `make olddefconfig`;
#   4. `make -j2 scripts_gdb`: this runs the parts of `make prepare` it
#      needs (generated headers, asm-offsets; ~10 s on 2 CPUs) and makes
#      linux/scripts/gdb/linux/constants.py and the linux/vmlinux-gdb.py link;
#   5. hard-link the fixture's vmlinux as vmlinux in that cache: lx-symbols
#      reloads the objfile whose name ends in "vmlinux" (gdb resolves
#      symlinks, and Debian's file is vmlinux-KVER).  Both tools use it.
# A stamp file (linux/.lkdb-ready) says the cache is complete; delete the
# directory to redo it.  The linux-source version must be the fixture
# kernel's package version, else the script stops.
#
# Each guest boots with nokaslr (guest.sh start --nokaslr --shared-ram
# --sleepers N),
# enough memory for its sleepers, and a lifetime that covers the runs.
# gdb gets a warm index cache (an untimed run first), as lkdb does.  The
# tools take turns going first; only one gdb is ever attached to the stub.
# Every run's output is checked: the number of tasks listed, every sleeper
# PID present, against the guest's own count taken just before; module
# runs must have loaded the same .ko objfiles and put crashme_write where
# the guest's /proc/kallsyms has it.
#
# lkdb is $LKDB, else build/frontend/lkdb.  The tables go to stdout,
# progress to stderr.
set -euo pipefail
export LC_ALL=C

PROG=bench-live.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
LKDB=${LKDB:-$REPO/build/frontend/lkdb}
SOURCE_PKG=linux-source-6.1
SOURCE_TAR=/usr/src/linux-source-6.1.tar.xz

usage() {
    sed -n '/^# Usage:/,/^# The kernel.s gdb/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

tasks_list='500 5000' runs=5 modules=1 gdb=gdb run_timeout=900 keep=0 plain=0
while (($#)); do
    case $1 in
    --tasks) tasks_list=${2:?--tasks needs N...}; shift ;;
    --runs) runs=${2:?--runs needs N}; shift ;;
    --no-modules) modules=0 ;;
    --gdb) gdb=${2:?--gdb needs PATH}; shift ;;
    --timeout) run_timeout=${2:?--timeout needs SECONDS}; shift ;;
    --keep) keep=1 ;;
    --plain) plain=1 ;;
    -h | --help) usage ;;
    *) die "unknown argument '$1' (--help for usage)" ;;
    esac
    shift
done
{ is_uint "$runs" && ((runs >= 1 && runs <= 100)); } || die "--runs must be an integer from 1 to 100, got '$runs'"
{ is_uint "$run_timeout" && ((run_timeout >= 1)); } || die "--timeout must be a positive integer, got '$run_timeout'"
read -r -a TASKS <<<"$tasks_list"
# Where lkdb's ps reads the guest's memory, as ps --stats says it.
if ((plain)); then
    RAM_FROM="copies of the guest's RAM (pmemsave)" COPIED_RE='; RAM copied in [0-9]+ pieces'
else
    RAM_FROM="the guest's RAM file" COPIED_RE=''
fi
((${#TASKS[@]})) || die "--tasks needs at least one number"
for n in "${TASKS[@]}"; do
    { is_uint "$n" && ((n >= 1 && n <= 20000)); } || die "--tasks: each N must be an integer from 1 to 20000, got '$n'"
done

# --- tools, fixture and the kernel's gdb scripts ---------------------------------

[[ -x $LKDB ]] || die "lkdb binary not found at $LKDB; build it (meson setup build && ninja -C build) or set LKDB=/path/to/lkdb"
"$HERE/install-deps.sh" --only "$SOURCE_PKG" flex bison bc make gcc libc6-dev xz-utils python3 gdb \
    qemu-system-x86 util-linux ||
    die "installing the packages for the kernel's gdb scripts failed"
command -v "$gdb" >/dev/null 2>&1 || die "gdb '$gdb' not found (apt-get install gdb)"
# shellcheck source=bench-lib.sh
. "$HERE/bench-lib.sh"
: "${LKDB_KVER:?}" "${LKDB_CONFIG:?}" "${LKDB_KERNEL_DIR:?}"

SG=$CACHE/scripts-gdb/$LKDB_KVER
SRC=$SG/linux
BENCH_VMLINUX=$SG/vmlinux

prepare_scripts_gdb() {
    local src_ver
    [[ -f $SOURCE_TAR ]] || die "$SOURCE_TAR not found (is $SOURCE_PKG installed?)"
    [[ -f $LKDB_CONFIG ]] || die "the fixture kernel's config $LKDB_CONFIG is missing (run scripts/fixture.sh)"
    src_ver=$(dpkg-query -W -f='${Version}' "$SOURCE_PKG")
    if [[ -n ${LKDB_KPKG_VERSION:-} && $src_ver != "$LKDB_KPKG_VERSION" ]]; then
        die "$SOURCE_PKG is $src_ver but the fixture kernel is $LKDB_KPKG_VERSION; the gdb scripts would not match it"
    fi
    if [[ -f $SRC/.lkdb-ready && $(cat "$SRC/.lkdb-ready") == "$src_ver" &&
        -f $SRC/scripts/gdb/linux/constants.py && -e $SRC/vmlinux-gdb.py ]]; then
        :
    else
        log "preparing the kernel's gdb scripts in $SRC (once; about a minute)"
        mkdir -p "$SG"
        rm -rf "$SRC"
        mkdir "$SRC"
        local top=linux-source-6.1 t0=$SECONDS
        tar -xJf "$SOURCE_TAR" -C "$SRC" --strip-components=1 \
            --exclude="$top/Documentation/[!K]*" \
            --exclude="$top/drivers/*.[ch]" --exclude="$top/fs/*.[ch]" \
            --exclude="$top/net/*.[ch]" --exclude="$top/sound/*.[ch]" \
            --exclude="$top/arch/[!x]*/*.[chS]" --exclude="$top/arch/[!x]*/*.dts*" \
            --exclude="$top/tools/testing" --exclude="$top/tools/perf" ||
            die "extracting $SOURCE_TAR failed"
        log "extracted in $((SECONDS - t0)) s ($(du -sh "$SRC" | cut -f1))"
        cp "$LKDB_CONFIG" "$SRC/.config"
        make -C "$SRC" olddefconfig >"$SG/olddefconfig.log" 2>&1 ||
            die "make olddefconfig failed (log: $SG/olddefconfig.log)"
        t0=$SECONDS
        make -C "$SRC" -j"$(nproc)" scripts_gdb >"$SG/scripts_gdb.log" 2>&1 ||
            die "make scripts_gdb failed (log: $SG/scripts_gdb.log)"
        log "make scripts_gdb took $((SECONDS - t0)) s"
        [[ -f $SRC/scripts/gdb/linux/constants.py && -e $SRC/vmlinux-gdb.py ]] ||
            die "make scripts_gdb did not make constants.py and vmlinux-gdb.py (log: $SG/scripts_gdb.log)"
        printf '%s\n' "$src_ver" >"$SRC/.lkdb-ready"
    fi
    # The vmlinux under a name ending in "vmlinux" (see the header).
    if [[ ! $BENCH_VMLINUX -ef $VMLINUX ]]; then
        rm -f "$BENCH_VMLINUX"
        ln "$VMLINUX" "$BENCH_VMLINUX" 2>/dev/null || cp "$VMLINUX" "$BENCH_VMLINUX" ||
            die "cannot link or copy $VMLINUX to $BENCH_VMLINUX"
    fi
}
prepare_scripts_gdb

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-live.XXXXXX")
GUEST_DIR=''
cleanup() {
    local rc=$?
    stop_guest
    if ((keep)); then log "files kept in $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
stop_guest() {
    if [[ -n $GUEST_DIR ]]; then
        "$HERE/guest.sh" stop "$GUEST_DIR" >/dev/null 2>&1 || log "could not stop the guest in $GUEST_DIR"
        ((keep)) || rm -rf "$GUEST_DIR"
        GUEST_DIR=''
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- running and timing ------------------------------------------------------------

declare -A TIMES=() PARTS=() NOTES=() ROWS=() # "measurement|tool" -> values
LAST_OUT='' LAST_ERR='' run_no=0 port=''
GDB_INDEX=$WORK/gdb-index
mkdir -p "$GDB_INDEX"

fmt_s() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1e6 }'; }

fail_run() { # fail_run WHAT: the last run's command and output, then exit
    {
        printf '%s: error: %s\n' "$PROG" "$1"
        printf '%s: command:' "$PROG"
        printf ' %q' "${LAST_CMD[@]}"
        printf '\n%s: stdout (end):\n' "$PROG"
        tail -n 15 "$LAST_OUT" | sed 's/^/    /'
        printf '%s: stderr (end):\n' "$PROG"
        tail -n 15 "$LAST_ERR" | sed 's/^/    /'
    } >&2
    exit 1
}

# run CMD...: run it (stdin /dev/null), output in LAST_OUT/LAST_ERR, wall
# time in LAST_US; a non-zero exit aborts.
LAST_CMD=() LAST_US=0
run() {
    local t0 t1 rc=0
    LAST_CMD=("$@")
    run_no=$((run_no + 1))
    LAST_OUT=$WORK/run-$run_no.out
    LAST_ERR=$WORK/run-$run_no.err
    t0=${EPOCHREALTIME/[.,]/}
    timeout -k 10 "$run_timeout" "$@" </dev/null >"$LAST_OUT" 2>"$LAST_ERR" || rc=$?
    t1=${EPOCHREALTIME/[.,]/}
    LAST_US=$((t1 - t0))
    ((rc == 0)) || fail_run "run failed with exit status $rc$( ((rc == 124)) && echo " (timed out after ${run_timeout}s)")"
}

add() { # add ARRAY KEY VALUE
    local -n arr=$1
    arr[$2]="${arr[$2]:-} $3"
}

# gdb with the kernel's scripts: gdb_job COMMAND...: -ex for each.
GDB_CMD=()
gdb_job() {
    GDB_CMD=("$gdb" -nx -q -batch
        -iex "set index-cache directory $GDB_INDEX" -iex 'set index-cache enabled on'
        -ex "target remote :$port" -ex "source $SRC/vmlinux-gdb.py"
        -ex 'python import time, os; _lkdb_t0 = time.perf_counter()')
    local c
    for c in "$@"; do GDB_CMD+=(-ex "$c"); done
    GDB_CMD+=(-ex 'python print("LKDB-BENCH-PART %.6f" % (time.perf_counter() - _lkdb_t0))')
    GDB_CMD+=("$BENCH_VMLINUX")
}

# python that prints the .ko objfiles gdb has and where crashme_write is.
PY_OBJFILES='python print("LKDB-BENCH-OBJFILES " + " ".join(sorted(os.path.basename(o.filename) for o in gdb.objfiles() if o.filename.endswith(".ko"))))'
PY_SYM='python print("LKDB-BENCH-SYM %x" % int(gdb.parse_and_eval("&crashme_write")))'

part_from_gdb() { sed -n 's/^LKDB-BENCH-PART \([0-9.]*\)$/\1/p' "$LAST_OUT" | tail -n 1 | awk '{ printf "%d", $1 * 1e6 }'; }

# --- the guest ---------------------------------------------------------------------

# Memory for N sleepers: a busybox `sleep` costs the guest ~100 KiB
# (page tables, kernel stack, task_struct, its private pages).
guest_mem() { local n=$1; echo $((1024 + (n * 200 + 1023) / 1024)); }

boot_guest() { # boot_guest N
    local n=$1 mem
    mem=$(guest_mem "$n")
    GUEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-bench-live-guest.XXXXXX")
    log "booting a guest (nokaslr, $n sleepers, $mem MiB) in $GUEST_DIR"
    local t0=$SECONDS
    local ram=(--shared-ram)
    ((plain)) && ram=()
    "$HERE/guest.sh" start "$GUEST_DIR" --nokaslr "${ram[@]}" --sleepers "$n" --mem "$mem" \
        --timeout $((240 + n / 10)) --lifetime 7200 >&2 || die "the guest did not start"
    log "guest with $n sleepers ready after $((SECONDS - t0)) s"
    port=$("$HERE/guest.sh" port "$GUEST_DIR")
}

# The sleepers' PIDs from the console (LKDB-SLEEPERS: N PID...).
sleeper_pids() {
    tr -d '\r' <"$GUEST_DIR/console.log" | grep -a -m1 '^LKDB-SLEEPERS:' | cut -d' ' -f3- | tr ' ' '\n' | grep -E '^[0-9]+$'
}

guest_threads() { # threads in /proc now, without the shell that counts
    local n
    n=$("$HERE/guest.sh" run "$GUEST_DIR" 'set -- /proc/[0-9]*/task/[0-9]*; echo $#' | tr -dc '0-9')
    is_uint "$n" || die "cannot count the guest's threads"
    echo $((n - 1))
}

# --- ps ----------------------------------------------------------------------------

# PIDs listed by the last run, one per line: lx-ps rows are
# "0xADDR PID COMM", lkdb's "[>] PID PPID CPU TASK ...".
pids_lxps() { awk '$1 ~ /^0x[0-9a-f]+$/ && $2 ~ /^[0-9]+$/ { print $2 }' "$LAST_OUT"; }
pids_lkdb() { sed 's/^>/ /' "$LAST_OUT" | awk '$1 ~ /^[0-9]+$/ && $4 ~ /^[0-9a-f]+$/ { print $1 }'; }

check_sleepers() { # check_sleepers TOOL PIDFILE
    local missing
    missing=$(comm -23 <(sort -u "$WORK/sleepers") <(sort -u "$2") | wc -l)
    ((missing == 0)) || fail_run "$1 listed $(wc -l <"$2") tasks but missed $missing of the $(wc -l <"$WORK/sleepers") sleepers"
}

bench_ps() { # bench_ps N
    local n=$1 i tool us part rows cpus
    local key="ps-$n"
    sleeper_pids >"$WORK/sleepers"
    (($(wc -l <"$WORK/sleepers") == n)) || die "the console lists $(wc -l <"$WORK/sleepers") sleepers, not $n"
    GUEST_TRUTH[$key]="$(tr -d '\r' <"$GUEST_DIR/console.log" | grep -a -m1 '^LKDB-TASKS:' | awk '{ print $2 }')"
    GUEST_NOW[$key]=$(guest_threads)
    cpus=$("$HERE/guest.sh" run "$GUEST_DIR" 'grep -c ^processor /proc/cpuinfo' | tr -dc '0-9')
    GUEST_CPUS[$key]=$cpus

    log "ps, $n sleepers: untimed warm-up runs"
    gdb_job lx-ps
    run "${GDB_CMD[@]}"
    pids_lxps >"$WORK/lxps.pids"
    check_sleepers lx-ps "$WORK/lxps.pids"
    run "$LKDB" --gdb "$gdb" -r ":$port" "$BENCH_VMLINUX" -c 'ps --stats'
    pids_lkdb >"$WORK/lkdb.pids"
    check_sleepers lkdb "$WORK/lkdb.pids"

    for ((i = 1; i <= runs; i++)); do
        # Each tool goes first, second and last in turn.
        local order=(lx-ps lkdb lkdb-stub)
        ((i % 3 == 2)) && order=(lkdb lkdb-stub lx-ps)
        ((i % 3 == 0)) && order=(lkdb-stub lx-ps lkdb)
        for tool in "${order[@]}"; do
            if [[ $tool == lx-ps ]]; then
                gdb_job lx-ps
                run "${GDB_CMD[@]}"
                us=$LAST_US part=$(part_from_gdb)
                [[ -n $part ]] || fail_run "gdb printed no LKDB-BENCH-PART line"
                pids_lxps >"$WORK/lxps.pids"
                check_sleepers lx-ps "$WORK/lxps.pids"
                rows=$(wc -l <"$WORK/lxps.pids")
            else
                local extra=()
                [[ $tool == lkdb-stub ]] && extra=(--no-guest-ram)
                run "$LKDB" "${extra[@]}" --gdb "$gdb" -r ":$port" "$BENCH_VMLINUX" -c 'ps --stats'
                us=$LAST_US
                # lkdb: ps: N tasks, C CPUs in X ms: R reads (FROM), K KiB
                part=$(sed -n 's/^lkdb: ps: .* in \([0-9.]*\) ms: \([0-9]*\) reads.*/\1 \2/p' "$LAST_ERR")
                [[ -n $part ]] || fail_run "lkdb printed no 'ps --stats' line"
                if [[ $tool == lkdb ]]; then
                    grep -qE "^lkdb: ps: .* ([0-9]+) reads \\(\\1 from guest RAM, 0 through gdb${COPIED_RE}\\)" "$LAST_ERR" ||
                        fail_run "lkdb did not read every task from $RAM_FROM"
                else
                    grep -qF '(through gdb)' "$LAST_ERR" || fail_run "lkdb --no-guest-ram did not read through gdb"
                fi
                READS[$key|$tool]=${part#* }
                part=$(awk -v ms="${part% *}" 'BEGIN { printf "%d", ms * 1000 }')
                pids_lkdb >"$WORK/lkdb.pids"
                check_sleepers lkdb "$WORK/lkdb.pids"
                rows=$(wc -l <"$WORK/lkdb.pids")
            fi
            add TIMES "$key|$tool" "$us"
            add PARTS "$key|$tool" "$part"
            add ROWS "$key|$tool" "$rows"
            log "$(printf '%-8s %-6s run %d: %8ss total, %8ss in the command, %d tasks' "$key" "$tool" "$i" \
                "$(fmt_s "$us")" "$(fmt_s "$part")" "$rows")"
        done
        # Same task set?  The idle tasks of CPUs 1.. are only in lkdb's list
        # (lx-ps walks init_task's list); kworkers may come and go.
        local only_lx only_lkdb
        only_lx=$(comm -23 <(sort -u "$WORK/lxps.pids") <(sort -u "$WORK/lkdb.pids") | wc -l)
        only_lkdb=$(comm -13 <(sort -u "$WORK/lxps.pids") <(sort -u "$WORK/lkdb.pids") | wc -l)
        if ((only_lx || only_lkdb)); then
            NOTES[$key]="${NOTES[$key]:-}round $i: $only_lx PIDs only in lx-ps, $only_lkdb only in lkdb; "
        fi
    done
}

# Where the time goes (untimed): lx-ps's memory packets to the stub, from
# gdb's remotelogfile, and what one read costs gdb alone (python
# read_memory of init_task, repeated: gdb does not cache target data).
profile_ps() { # profile_ps KEY
    local key=$1 log=$WORK/remote.log cmd packets=()
    # lx-ps's packets: a run with it minus one without (gdb's own start).
    for cmd in lx-ps 'python pass'; do
        rm -f "$log"
        GDB_CMD=("$gdb" -nx -q -batch
            -iex "set index-cache directory $GDB_INDEX" -iex 'set index-cache enabled on'
            -iex "set remotelogfile $log"
            -ex "target remote :$port" -ex "source $SRC/vmlinux-gdb.py" -ex "$cmd" "$BENCH_VMLINUX")
        run "${GDB_CMD[@]}"
        packets+=("$(grep -cE '^w \+?\$m' "$log" || true)")
    done
    LXPS_PACKETS[$key]=$((packets[0] - packets[1]))
    rm -f "$log"
    GDB_CMD=("$gdb" -nx -q -batch
        -iex "set index-cache directory $GDB_INDEX" -iex 'set index-cache enabled on'
        -ex "target remote :$port"
        -ex 'python
import time
inf = gdb.selected_inferior()
a = int(gdb.parse_and_eval("(unsigned long)&init_task"))
out = []
for size in (64, 1024, 3072):
    t0 = time.perf_counter()
    for i in range(500):
        inf.read_memory(a, size)
    out.append("%d:%.0f" % (size, (time.perf_counter() - t0) / 500 * 1e6))
print("LKDB-BENCH-READ " + " ".join(out))
' "$BENCH_VMLINUX")
    run "${GDB_CMD[@]}"
    READ_COST[$key]=$(sed -n 's/^LKDB-BENCH-READ //p' "$LAST_OUT")
    [[ -n ${READ_COST[$key]} ]] || fail_run "gdb printed no LKDB-BENCH-READ line"
}

# --- foreach bt ----------------------------------------------------------------------

# lkdb's foreach bt over every task (a superset of the hung-task triage's
# `foreach UN bt`; no lx- command backtraces every task): wall time to
# exit; each run must print one task header per task ps lists.
bench_foreach() { # bench_foreach N
    local n=$1 i want got key="foreach-$1"
    run "$LKDB" --gdb "$gdb" -r ":$port" "$BENCH_VMLINUX" -c 'ps --stats'
    want=$(pids_lkdb | wc -l)
    log "foreach bt, $n sleepers: an untimed warm-up run"
    run "$LKDB" --gdb "$gdb" -r ":$port" "$BENCH_VMLINUX" -c 'foreach bt'
    for ((i = 1; i <= runs; i++)); do
        run "$LKDB" --gdb "$gdb" -r ":$port" "$BENCH_VMLINUX" -c 'foreach bt'
        got=$(grep -c '^PID: ' "$LAST_OUT" || true)
        # Tasks may come and go between ps and foreach (kworkers): 1 %.
        ((got * 100 >= want * 99)) || fail_run "foreach bt printed $got task headers, ps listed $want tasks"
        add TIMES "$key|lkdb" "$LAST_US"
        add ROWS "$key|lkdb" "$got"
        log "$(printf '%-12s run %d: %8ss, %d tasks' "$key" "$i" "$(fmt_s "$LAST_US")" "$got")"
    done
}

# --- module symbols ----------------------------------------------------------------

bench_modules() {
    local key=modules i tool us part want_sym kos
    "$HERE/guest.sh" run "$GUEST_DIR" 'grep -q "^crashme " /proc/modules || insmod /crashme.ko' >/dev/null ||
        die "insmod /crashme.ko in the guest failed"
    "$HERE/guest.sh" run "$GUEST_DIR" 'cut -d" " -f1 /proc/modules' | tr -d '\r' | grep -E '^[a-z0-9_]+$' |
        sort >"$WORK/modules.guest"
    want_sym=$("$HERE/guest.sh" run "$GUEST_DIR" 'grep " crashme_write" /proc/kallsyms' | tr -d '\r' |
        awk '$3 == "crashme_write" { sub(/^0+/, "", $1); print $1; exit }')
    [[ -n $want_sym ]] || die "crashme_write is not in the guest's /proc/kallsyms"
    # The directory both tools search: the DWARF .ko of each loaded module.
    local moddir=$WORK/modules m f
    mkdir -p "$moddir"
    while read -r m; do
        if [[ $m == crashme ]]; then
            f=$LKDB_CRASHME_KO
        else
            f=$(find "$LKDB_DEBUG_MODULES_DIR" \( -name "$m.ko" -o -name "${m//_/-}.ko" \) -print -quit)
        fi
        [[ -n $f && -f $f ]] || die "no debug .ko for the guest's module $m under $LKDB_DEBUG_MODULES_DIR"
        # Hard links (or copies), not symlinks: lkdb's mod -S does not
        # follow symlinks in the directory (nftw with FTW_PHYS).
        ln -f "$f" "$moddir/$(basename "$f")" 2>/dev/null || cp "$f" "$moddir/$(basename "$f")" ||
            die "cannot link or copy $f to $moddir"
    done <"$WORK/modules.guest"
    kos=$(for f in "$moddir"/*.ko; do basename "$f"; done | sort | tr '\n' ' ')
    kos=${kos% }
    MOD_LIST=$(tr '\n' ' ' <"$WORK/modules.guest")
    MOD_LIST=${MOD_LIST% }

    check_mod_run() { # check_mod_run TOOL
        local got sym
        got=$(sed -n 's/^LKDB-BENCH-OBJFILES //p' "$LAST_OUT" | tail -n 1)
        sym=$(sed -n 's/^LKDB-BENCH-SYM //p' "$LAST_OUT" | tail -n 1)
        [[ $got == "$kos" ]] || fail_run "$1 loaded the objfiles '$got', not '$kos'"
        [[ $sym == "$want_sym" ]] || fail_run "$1 puts crashme_write at '$sym', the guest's /proc/kallsyms at $want_sym"
    }
    lkdb_mod() {
        LAST_CMD=()
        run "$LKDB" --gdb "$gdb" -r ":$port" "$BENCH_VMLINUX" -c "mod -S $moddir --stats" \
            -c "python import os" -c "$PY_OBJFILES" -c "$PY_SYM"
    }
    log "modules ($MOD_LIST): untimed warm-up runs"
    gdb_job "lx-symbols $moddir"
    GDB_CMD=("${GDB_CMD[@]:0:${#GDB_CMD[@]}-1}" -ex "$PY_OBJFILES" -ex "$PY_SYM" "$BENCH_VMLINUX")
    local GDB_MOD=("${GDB_CMD[@]}")
    run "${GDB_MOD[@]}"
    check_mod_run lx-symbols
    lkdb_mod
    check_mod_run lkdb
    for ((i = 1; i <= runs; i++)); do
        local order=(lx-symbols lkdb)
        ((i % 2)) || order=(lkdb lx-symbols)
        for tool in "${order[@]}"; do
            if [[ $tool == lx-symbols ]]; then
                run "${GDB_MOD[@]}"
                us=$LAST_US part=$(part_from_gdb)
                [[ -n $part ]] || fail_run "gdb printed no LKDB-BENCH-PART line"
            else
                lkdb_mod
                us=$LAST_US
                # lkdb: mod: N modules read in X ms: R reads, K KiB; total T ms
                part=$(sed -n 's/^lkdb: mod: .* total \([0-9.]*\) ms$/\1/p' "$LAST_ERR")
                [[ -n $part ]] || fail_run "lkdb printed no 'mod --stats' line"
                part=$(awk -v ms="$part" 'BEGIN { printf "%d", ms * 1000 }')
            fi
            check_mod_run "$tool"
            add TIMES "$key|$tool" "$us"
            add PARTS "$key|$tool" "$part"
            add ROWS "$key|$tool" "$(wc -w <<<"$kos")"
            log "$(printf '%-8s %-10s run %d: %8ss total, %8ss in the command' "$key" "$tool" "$i" \
                "$(fmt_s "$us")" "$(fmt_s "$part")")"
        done
    done
}

# --- the runs ------------------------------------------------------------------------

declare -A GUEST_TRUTH=() GUEST_NOW=() GUEST_CPUS=() READS=() LXPS_PACKETS=() READ_COST=()
MOD_LIST=''
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$VMLINUX" >/dev/null
for ((g = 0; g < ${#TASKS[@]}; g++)); do
    boot_guest "${TASKS[g]}"
    bench_ps "${TASKS[g]}"
    profile_ps "ps-${TASKS[g]}"
    bench_foreach "${TASKS[g]}"
    if ((g == 0 && modules)); then
        bench_modules
    fi
    stop_guest
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ----------------------------------------------------------------------------

med() { # med VALUES...: the median (the mean of the middle two for an even count)
    printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { printf "%d", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
mini() { printf '%s\n' "$@" | sort -n | head -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

table() { # table TITLE REF-TOOL 'TOOL...' KEY...
    local title=$1 ref=$2 key tool others
    read -r -a others <<<"$3"
    shift 3
    echo "$title"
    printf '%-10s %-11s %4s %6s %9s %8s %9s %8s %12s %12s %9s\n' measure tool runs rows total_s min_s cmd_s \
        min_cmd_s 'lkdb/ref' 'cmd:lkdb/ref' 'speedup'
    for key in "$@"; do
        for tool in "$ref" "${others[@]}"; do
            local t p r mt mp rt='' rp='' sp=''
            read -r -a t <<<"${TIMES[$key|$tool]}"
            read -r -a p <<<"${PARTS[$key|$tool]}"
            read -r -a r <<<"${ROWS[$key|$tool]}"
            mt=$(med "${t[@]}") mp=$(med "${p[@]}")
            if [[ $tool != "$ref" ]]; then
                local rt0 rp0
                # shellcheck disable=SC2086  # whitespace separated numbers
                rt0=$(med ${TIMES[$key|$ref]}) rp0=$(med ${PARTS[$key|$ref]})
                rt=$(ratio "$mt" "$rt0") rp=$(ratio "$mp" "$rp0")
                sp="$(ratio "$rp0" "$mp")x"
            fi
            printf '%-10s %-11s %4s %6s %9s %8s %9s %8s %12s %12s %9s\n' "$key" "$tool" "${#t[@]}" \
                "$(med "${r[@]}")" "$(fmt_s "$mt")" "$(fmt_s "$(mini "${t[@]}")")" "$(fmt_s "$mp")" \
                "$(fmt_s "$(mini "${p[@]}")")" "$rt" "$rp" "$sp"
        done
    done
}

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "lkdb live-guest benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo "  host:    $(nproc) CPUs ($cpu_model), $(uname -r), QEMU TCG guests (-smp 2, nokaslr)"
echo "  kernel:  $LKDB_KVER ($(basename "$VMLINUX"), $(awk -v b="$(stat -c %s "$VMLINUX")" 'BEGIN { printf "%.0f MB", b / 1e6 }'))"
echo "  lkdb:    $LKDB ($("$LKDB" --version 2>&1 | head -n 1)), driving $gdb"
echo "  gdb:     $("$gdb" --version | head -n 1); scripts/gdb from $SOURCE_PKG $(dpkg-query -W -f='${Version}' "$SOURCE_PKG")"
echo "  load:    $load_before before, $load_after after (1/5/15 min; other work on the machine adds noise)"
echo "  total_s: process start to exit (attach, symbols from a warm index cache, the command);"
echo "  cmd_s:   the command alone (gdb: python time around lx-ps / lx-symbols; lkdb: its --stats)."
echo "  speedup: ref cmd_s / lkdb cmd_s.  Medians of $runs runs; the tools took turns going first."
for n in "${TASKS[@]}"; do
    key="ps-$n"
    echo "  guest '$key': LKDB-TASKS ${GUEST_TRUTH[$key]} at boot; ${GUEST_NOW[$key]} threads in /proc before the runs,"
    echo "           + idle tasks: lx-ps lists swapper/0 only, lkdb one per CPU (${GUEST_CPUS[$key]})."
    echo "           lkdb's ps: ${READS[$key|lkdb]} memory reads (last run), all from $RAM_FROM;"
    echo "           lkdb-stub (--no-guest-ram): the same ${READS[$key|lkdb-stub]} reads through gdb and the stub."
done
echo
keys=()
for n in "${TASKS[@]}"; do keys+=("ps-$n"); done
table "ps: lx-ps (gdb -batch + scripts/gdb) against lkdb ps ($RAM_FROM) and lkdb-stub (--no-guest-ram)" lx-ps 'lkdb lkdb-stub' "${keys[@]}"
for k in "${keys[@]}"; do
    [[ -z ${NOTES[$k]:-} ]] || echo "  $k: ${NOTES[$k]}"
done
echo
echo "where the time goes (cmd_s medians / reads; lx-ps's m packets counted with gdb's remotelogfile):"
printf '  %-9s %-24s %-24s %-26s %s\n' measure 'lx-ps: m packets, us' 'lkdb: reads, us' 'lkdb-stub: reads, us' 'gdb alone, us per read of 64/1024/3072 B'
for k in "${keys[@]}"; do
    n=${k#ps-}
    # shellcheck disable=SC2086  # whitespace separated numbers
    lx_us=$(med ${PARTS[$k|lx-ps]}) lk_us=$(med ${PARTS[$k|lkdb]}) st_us=$(med ${PARTS[$k|lkdb-stub]})
    rows=$(med ${ROWS[$k|lkdb]})
    lxp=${LXPS_PACKETS[$k]} lkr=${READS[$k|lkdb]} str=${READS[$k|lkdb-stub]}
    printf '  %-9s %-24s %-24s %-26s %s\n' "$k" \
        "$(awk -v p="$lxp" -v t="$lx_us" -v n="$rows" 'BEGIN { printf "%d (%.1f/task), %.0f each", p, p / n, t / p }')" \
        "$(awk -v p="$lkr" -v t="$lk_us" -v n="$rows" 'BEGIN { printf "%d (%.1f/task), %.1f each", p, p / n, t / p }')" \
        "$(awk -v p="$str" -v t="$st_us" -v n="$rows" 'BEGIN { printf "%d (%.1f/task), %.0f each", p, p / n, t / p }')" \
        "$(tr ' ' '\n' <<<"${READ_COST[$k]}" | cut -d: -f2 | paste -sd/)"
done
echo
echo "foreach bt over every task (lkdb alone: no lx- command backtraces every task; target for foreach UN bt at 5000 tasks: <= 5 s):"
for n in "${TASKS[@]}"; do
    # shellcheck disable=SC2086  # whitespace separated numbers
    printf '  %-14s runs %d, tasks %d, total_s median %s, min %s\n' "foreach-$n" "$runs" "$(med ${ROWS[foreach-$n|lkdb]})" \
        "$(fmt_s "$(med ${TIMES[foreach-$n|lkdb]})")" "$(fmt_s "$(mini ${TIMES[foreach-$n|lkdb]})")"
done
if ((modules)); then
    echo
    table "module symbols: lx-symbols DIR against lkdb mod -S DIR ($MOD_LIST)" lx-symbols lkdb modules
    echo "  lx-symbols first reloads vmlinux (symbol-file; from the index cache), then add-symbol-file per module."
fi

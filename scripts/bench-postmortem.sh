#!/usr/bin/env bash
# bench-postmortem.sh — lkdb against the crash utility on the same vmcore:
# time from process start to `sys` answered, to `ps` done and to `log` done,
# and the peak RSS, for
#
#   lkdb -q VMLINUX VMCORE -c STEP             (cold: empty lkdb caches,
#                                               warm: caches filled)
#   printf 'STEP\nq\n' | crash -s VMLINUX VMCORE   (crash has no caches)
#
# plus a "start" step (lkdb -c 'p 1'; crash with just 'q'): what starting
# costs before any command runs.  Every run's output is checked (sys shows
# the kernel's RELEASE, ps lists the sleepers, log has "sysrq triggered
# crash"); a wrong lkdb output aborts.
#
# Usage:
#   bench-postmortem.sh [--vmcore FILE] [--runs N] [--format elf|kdump|flat]
#                       [--mem MB] [--sleepers N] [--steps LIST] [--strict]
#                       [--timeout S] [--keep]
#
#   --vmcore FILE   benchmark this dump (of the fixture's vmlinux) instead of
#                   making one: a guest (--mem MB --sleepers N) panicked
#                   with sysrq-c, dumped by QEMU as ELF and as flattened
#                   kdump-zlib, the latter reassembled with makedumpfile -R
#   --runs N        timed runs per tool, step and cache state (default 5)
#   --format F      which of the dumps made here to benchmark: elf (QEMU's
#                   ELF), kdump (kdump-compressed, the default) or flat
#                   (QEMU's flattened -z file as it is)
#   --mem MB        the guest's memory when making the dump (default 512)
#   --sleepers N    sleeping tasks in that guest (default 50; 5000 for the
#                   issue's foreach bt figure: give it --mem 2048)
#   --steps LIST    the steps to time, of "start sys ps log" (the default)
#                   and "kmem" (kmem -i), "slab" (kmem -s), "rd" (rd -a
#                   linux_banner), "vtop" (vtop of jiffies' address), "vm"
#                   (vm of PID 1), "list" (list -H modules -o module.list),
#                   "search" (search -k -c of the panic message: all of
#                   kernel memory), "pages" (kmem -p: every page), "tree"
#                   (tree -o vmap_area.rb_node vmap_area_root), "slabs"
#                   (kmem -S: every cache's slabs and objects), "zones"
#                   (kmem -z), "free" (kmem -f: every free list walked),
#                   "vmalloc" (kmem -v), "members" (tree -s of each PID's
#                   struct pid: a gdb print per entry), "timer" (the wheel),
#                   "hrtimer" (timer -r), "runqt" (runq -t), "net",
#                   "waitq" (waitq oom_reaper_wait), "irqa" (irq -a),
#                   "bte" (bt -e), "btF" (bt -F), "dev", "devp" (dev -p),
#                   "swap", "foreachbt" (foreach bt: every task's stack),
#                   "files" (files 1), "mount", "sig" (sig 1), "psS" (ps -S)
#   --strict        also abort when crash's own output is incomplete (by
#                   default that is flagged in the table: crash 8.0.2 from
#                   Debian 12 does not find most tasks of a 6.1 kernel)
#   --timeout S     limit for a single run (default 300)
#   --keep          keep the temporary directory (dumps, outputs, caches)
#
# lkdb is $LKDB, else build/frontend/lkdb in this repository (it needs
# lkdb-dump-server from the same build).  crash, time and makedumpfile are
# installed with apt-get when missing (root needed).  The vmlinux comes from
# the fixture ($LKDB_VMLINUX, else fixture.env).  The dump files stay in the
# page cache for every run (both tools alike): "cold" is about lkdb's own
# caches (XDG_CACHE_HOME: gdb index cache, ktypes cache), not the disk.
# Peak RSS is what /usr/bin/time reports: the largest single process of the
# tree (for lkdb that is gdb or lkdb itself, not their sum).
# The table goes to stdout, progress to stderr.
set -euo pipefail
export LC_ALL=C

PROG=bench-postmortem.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
LKDB=${LKDB:-$REPO/build/frontend/lkdb}

usage() {
    sed -n '/^# Usage:/,/^# The table/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

vmcore='' runs=5 format=kdump mem=512 nsleep=50 steps='start sys ps log' strict=0 run_timeout=300 keep=0
while (($#)); do
    case $1 in
    --vmcore) vmcore=${2:?--vmcore needs FILE}; shift ;;
    --runs) runs=${2:?--runs needs N}; shift ;;
    --format) format=${2:?--format needs elf, kdump or flat}; shift ;;
    --mem) mem=${2:?--mem needs MB}; shift ;;
    --sleepers) nsleep=${2:?--sleepers needs N}; shift ;;
    --steps) steps=${2:?--steps needs a list}; shift ;;
    --strict) strict=1 ;;
    --timeout) run_timeout=${2:?--timeout needs SECONDS}; shift ;;
    --keep) keep=1 ;;
    -h | --help) usage ;;
    *) die "unknown argument '$1' (--help for usage)" ;;
    esac
    shift
done
if ! [[ $runs =~ ^[0-9]+$ ]] || ((runs < 1 || runs > 1000)); then
    die "--runs must be an integer from 1 to 1000, got '$runs'"
fi
if ! [[ $run_timeout =~ ^[0-9]+$ ]] || ((run_timeout < 1)); then
    die "--timeout must be a positive integer, got '$run_timeout'"
fi
[[ $format == elf || $format == kdump || $format == flat ]] ||
    die "--format must be elf, kdump or flat, got '$format'"
if ! [[ $mem =~ ^[0-9]+$ ]] || ((mem < 128)); then
    die "--mem must be an integer of at least 128 (MB), got '$mem'"
fi
if ! [[ $nsleep =~ ^[0-9]+$ ]] || ((nsleep < 1 || nsleep > 20000)); then
    die "--sleepers must be an integer from 1 to 20000, got '$nsleep'"
fi
read -r -a STEPS <<<"$steps"
((${#STEPS[@]})) || die "--steps needs at least one of: start sys ps log kmem slab rd vtop vm list search pages tree slabs zones free vmalloc members"
for step in "${STEPS[@]}"; do
    [[ $step =~ ^(start|sys|ps|log|kmem|slab|rd|vtop|vm|list|search|pages|tree|slabs|zones|free|vmalloc|members|timer|hrtimer|runqt|net|waitq|irqa|bte|btF|dev|devp|swap|foreachbt|files|mount|sig|psS)$ ]] || die "--steps: unknown step '$step' (start sys ps log kmem slab rd vtop vm list search pages tree slabs zones free vmalloc members timer hrtimer runqt net waitq irqa bte btF dev devp swap foreachbt files mount sig psS)"
done
if [[ -n $vmcore ]]; then
    [[ -r $vmcore ]] || die "--vmcore $vmcore: not a readable file"
    vmcore=$(realpath "$vmcore")
fi

# --- tools and fixture -------------------------------------------------------

need_pkgs=(crash time)
[[ -n $vmcore ]] || need_pkgs+=(makedumpfile)
"$HERE/install-deps.sh" --only "${need_pkgs[@]}" ||
    die "could not install ${need_pkgs[*]} (scripts/install-deps.sh)"
[[ -x $LKDB ]] || die "lkdb binary not found at $LKDB; build it (meson setup build && ninja -C build) or set LKDB=/path/to/lkdb"
[[ -x $(dirname "$LKDB")/../server/lkdb-dump-server ]] ||
    die "lkdb-dump-server not found beside $LKDB (build both with ninja)"
# shellcheck source=bench-lib.sh
. "$HERE/bench-lib.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-benchpm.XXXXXX")
GUEST_DIR=''
cleanup() {
    local rc=$?
    bench_guest_gone "$GUEST_DIR"
    if ((keep)); then log "temporary files kept in $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT

# --- the dump and its ground truth ---------------------------------------------

release='' sleepers=''
if [[ -z $vmcore ]]; then
    GUEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-benchpm-guest.XXXXXX")
    log "booting a guest (--mem $mem --sleepers $nsleep) and panicking it"
    "$HERE/guest.sh" start "$GUEST_DIR" --mem "$mem" --sleepers "$nsleep" --lifetime 1800 \
        --timeout $((240 + nsleep / 10)) >/dev/null ||
        die "the guest did not boot (see $GUEST_DIR/console.log)"
    "$HERE/guest.sh" run "$GUEST_DIR" --no-wait 'echo c > /proc/sysrq-trigger' >/dev/null 2>&1 || true
    "$HERE/guest.sh" wait "$GUEST_DIR" 'end Kernel panic' 60 >/dev/null ||
        die "the guest did not panic"
    "$HERE/guest.sh" dump "$GUEST_DIR" "$WORK/vmcore.elf" --format elf >/dev/null
    "$HERE/guest.sh" dump "$GUEST_DIR" "$WORK/vmcore.flat" --format kdump-zlib >/dev/null
    console=$(tr -d '\r' <"$GUEST_DIR/console.log")
    "$HERE/guest.sh" stop "$GUEST_DIR" >/dev/null 2>&1 || true
    rm -rf "$GUEST_DIR"
    GUEST_DIR=''
    makedumpfile -R "$WORK/vmcore.kdump" <"$WORK/vmcore.flat" >"$WORK/R.log" 2>&1 ||
        die "makedumpfile -R failed: $(tail -n 1 "$WORK/R.log")"
    release=$(sed -n 's/^LKDB-RELEASE: //p' <<<"$console" | head -n 1)
    sleepers=$(sed -n 's/^LKDB-SLEEPERS: [0-9]* //p' <<<"$console" | head -n 1)
    [[ -n $release && -n $sleepers ]] || die "no LKDB-RELEASE or LKDB-SLEEPERS on the guest's console"
    vmcore=$WORK/vmcore.$format
else
    # The release the vmlinux was built as; sleepers: any 'sleep' task.
    release=$(strings -n 16 "$VMLINUX" | sed -n 's/^Linux version \([^ ]*\) .*/\1/p' | head -n 1)
    [[ -n $release ]] || die "no 'Linux version' banner in $VMLINUX"
fi
nsleepers=$(wc -w <<<"$sleepers")
log "vmcore $vmcore ($(du -h "$vmcore" | cut -f1)), release $release, ${nsleepers} sleepers"
# jiffies' run-time address for vtop (crash's vtop takes an address only)
jiffies=$("$LKDB" -q "$VMLINUX" "$vmcore" -c 'sym jiffies' 2>/dev/null | awk 'NR == 1 { print $1 }')

# --- one run ---------------------------------------------------------------------

# check_output STEP FILE: prints nothing when the output is right, else why not
check_output() {
    local step=$1 out=$2 missing=0 p
    case $step in
    start) ;;
    sys) grep -qE "^ *RELEASE: $release\$" "$out" || echo "no 'RELEASE: $release' line" ;;
    ps)
        if [[ -n $sleepers ]]; then
            for p in $sleepers; do
                awk -v p="$p" '{ sub(/^>/, "") } $1 == p && $NF == "sleep" { f = 1 } END { exit !f }' "$out" ||
                    missing=$((missing + 1))
            done
            ((missing == 0)) || echo "$missing of $nsleepers sleepers missing ($(grep -cE '^[> ] +[0-9]+ ' "$out") task rows)"
        else
            grep -qE ' sleep$' "$out" || echo "no 'sleep' task"
        fi ;;
    log) grep -q 'sysrq triggered crash' "$out" || echo "no 'sysrq triggered crash' line" ;;
    kmem) grep -qE '^ +TOTAL MEM +[0-9]+ ' "$out" || echo "no 'TOTAL MEM' line" ;;
    rd) grep -qF "Linux version $release" "$out" || echo "no 'Linux version $release'" ;;
    vtop) grep -q '^PAGE DIRECTORY: ' "$out" || echo "no 'PAGE DIRECTORY' line" ;;
    slab) grep -qE ' kmalloc-64$' "$out" || echo "no kmalloc-64 cache" ;;
    vm) grep -qE ' /bin/busybox$' "$out" || echo "no /bin/busybox mapping" ;;
    list) [[ $(grep -cE '^[0-9a-f]{16}$' "$out") -ge 1 ]] || echo "no module addresses" ;;
    search) grep -qE '^[0-9a-f]{16}: sysrq triggered crash' "$out" || echo "no hit of the panic message" ;;
    pages) [[ $(grep -cE '^[0-9a-f]{16} +[0-9a-f]+ ' "$out") -ge 1000 ]] || echo "fewer than 1000 page lines" ;;
    tree) [[ $(grep -cE '^[0-9a-f]{16}$' "$out") -ge 1 ]] || echo "no vmap_area addresses" ;;
    slabs) [[ $(grep -cE '^  \[[0-9a-f]+\]$' "$out") -ge 1000 ]] || echo "fewer than 1000 allocated objects" ;;
    zones) grep -qE '^NODE: 0  ZONE: 1 .*NAME: "DMA32"$' "$out" || echo "no DMA32 zone" ;;
    free) grep -qE '^nr_free_pages: [0-9]+ ' "$out" || echo "no nr_free_pages line" ;;
    vmalloc) [[ $(grep -cE '^[0-9a-f]{16}  [0-9a-f]{16}  ' "$out") -ge 10 ]] || echo "fewer than 10 vmalloc areas" ;;
    members) [[ $(grep -cE '^  numbers\[0\]\.nr = [0-9]+,$' "$out") -ge 50 ]] || echo "fewer than 50 PIDs" ;;
    timer) grep -q '^TIMER_BASES\[0\]' "$out" || echo "no TIMER_BASES[0]" ;;
    hrtimer) grep -q '^CPU: 0  HRTIMER_CPU_BASE: ' "$out" || echo "no HRTIMER_CPU_BASE" ;;
    runqt) grep -qE '^ CPU 0: [0-9]+$' "$out" || echo "no CPU 0 clock" ;;
    net) grep -qE '^[0-9a-f]{16}  lo ' "$out" || echo "no lo device" ;;
    waitq) grep -q 'COMMAND: "oom_reaper"' "$out" || echo "no oom_reaper" ;;
    irqa) grep -qE '^  0 timer ' "$out" || echo "no IRQ 0" ;;
    bte) grep -q '^  USER-MODE EXCEPTION FRAME AT: ' "$out" || echo "no user-mode exception frame" ;;
    btF) grep -qE '^    [0-9a-f]{16}: .*[a-z_]+\+[0-9]+ ' "$out" || echo "no symbolic stack word" ;;
    dev) grep -qE '^ +1 +mem ' "$out" || echo "no mem major" ;;
    devp) grep -q 'ROOT BUS' "$out" || echo "no PCI root bus" ;;
    swap) grep -q '^SWAP_INFO_STRUCT ' "$out" || echo "no swap header" ;;
    foreachbt) [[ $(grep -cE '^PID: [0-9]+ ' "$out") -ge $nsleepers ]] || echo "fewer task headers than sleepers" ;;
    files) grep -q '^ROOT: /' "$out" || echo "no ROOT line" ;;
    mount) grep -qE ' proc +/proc *$' "$out" || echo "no /proc mount" ;;
    sig) grep -q 'SIGNAL_STRUCT: ' "$out" || echo "no SIGNAL_STRUCT" ;;
    psS) grep -qE '^ +IN: [0-9]+' "$out" || echo "no IN count" ;;
    esac
}

declare -A TIMES=() ANSWERED=() RSS=() NOTE=()
# first_output OUT STAMP: copy stdin to OUT, writing to STAMP the time the
# first line came (when the answer appeared, which can be well before the
# process ends: lkdb lets gdb finish loading before it exits).
first_output() {
    local line
    {
        if IFS= read -r line; then
            echo "${EPOCHREALTIME/[.,]/}" >"$2"
            printf '%s\n' "$line"
            cat
        fi
    } >"$1"
}
# run KEY STEP OUT -- COMMAND...: time one run (stdin from $WORK/stdin)
run() {
    local key=$1 step=$2 out=$3 t0 t1 rc bad
    shift 4
    t0=${EPOCHREALTIME/[.,]/}
    rc=0
    rm -f "$WORK/first" "$WORK/pipe"
    mkfifo "$WORK/pipe"
    first_output "$out" "$WORK/first" <"$WORK/pipe" &
    local reader=$!
    timeout "$run_timeout" /usr/bin/time -f %M -o "$WORK/rss" "$@" <"$WORK/stdin" \
        >"$WORK/pipe" 2>"$out.err" || rc=$?
    t1=${EPOCHREALTIME/[.,]/}
    wait "$reader"
    local ta=$t1
    [[ -s $WORK/first ]] && ta=$(<"$WORK/first")
    if ((rc != 0)); then
        # crash exits 0 after q; lkdb 0 when every command worked.
        printf '%s: error: run %s failed (exit status %s); command:' "$PROG" "$key" "$rc" >&2
        printf ' %q' "$@" >&2
        printf '\n%s: stderr:\n' "$PROG" >&2
        tail -n 20 "$out.err" >&2
        exit 1
    fi
    bad=$(check_output "$step" "$out")
    if [[ -n $bad ]]; then
        if [[ $key == *crash* ]] && ((!strict)); then
            NOTE[$key]="INCOMPLETE: $bad"
        else
            die "run $key: wrong output: $bad (output in $out; --keep keeps it)"
        fi
    fi
    TIMES[$key]+="$((t1 - t0)) "
    ANSWERED[$key]+="$((ta - t0)) "
    RSS[$key]+="$(tail -n 1 "$WORK/rss") "
    log "$(printf '%-6s %-12s %7.3fs %6d MB' "$step" "${key#*|}" "$(awk -v u=$((t1 - t0)) 'BEGIN { print u / 1e6 }')" \
        "$(($(tail -n 1 "$WORK/rss") / 1024))")"
}
# step_cmd STEP: the command a step runs, the same for both tools
step_cmd() {
    case $1 in
    kmem) echo 'kmem -i' ;;
    rd) echo 'rd -a linux_banner' ;;
    vtop) echo "vtop $jiffies" ;;
    slab) echo 'kmem -s' ;;
    vm) echo 'vm 1' ;;
    list) echo 'list -H modules -o module.list' ;;
    search) echo 'search -k -c "sysrq triggered crash"' ;;
    pages) echo 'kmem -p' ;;
    tree) echo 'tree -o vmap_area.rb_node vmap_area_root' ;;
    slabs) echo 'kmem -S' ;;
    zones) echo 'kmem -z' ;;
    free) echo 'kmem -f' ;;
    vmalloc) echo 'kmem -v' ;;
    members) echo 'tree -t x -r pid_namespace.idr -s pid.numbers[0].nr init_pid_ns' ;;
    hrtimer) echo 'timer -r' ;;
    runqt) echo 'runq -t' ;;
    waitq) echo 'waitq oom_reaper_wait' ;;
    irqa) echo 'irq -a' ;;
    bte) echo 'bt -e' ;;
    btF) echo 'bt -F' ;;
    devp) echo 'dev -p' ;;
    foreachbt) echo 'foreach bt' ;;
    files) echo 'files 1' ;;
    sig) echo 'sig 1' ;;
    psS) echo 'ps -S' ;;
    *) echo "$1" ;;
    esac
}
lkdb_cmd() { # lkdb_cmd STEP
    if [[ $1 == start ]]; then echo 'p 1'; else step_cmd "$1"; fi
}
run_lkdb() { # run_lkdb STEP CACHE(cold|warm) XDG_DIR
    : >"$WORK/stdin"
    XDG_CACHE_HOME=$3 run "$1|lkdb $2" "$1" "$WORK/out.lkdb.$1.$2" -- \
        "$LKDB" -q "$VMLINUX" "$vmcore" -c "$(lkdb_cmd "$1")"
}
run_crash() { # run_crash STEP
    if [[ $1 == start ]]; then printf 'q\n' >"$WORK/stdin"; else printf '%s\nq\n' "$(step_cmd "$1")" >"$WORK/stdin"; fi
    run "$1|crash" "$1" "$WORK/out.crash.$1" -- crash -s "$VMLINUX" "$vmcore"
}

# --- which formats each tool reads --------------------------------------------

declare -A READS=()
try_read() { # try_read TOOL FILE
    local out=$WORK/fmt.out rc=0
    if [[ $1 == crash ]]; then
        printf 'sys\nq\n' | timeout "$run_timeout" crash -s "$VMLINUX" "$2" >"$out" 2>&1 || rc=$?
    else
        XDG_CACHE_HOME=$WORK/xdg-warm timeout "$run_timeout" "$LKDB" -q "$VMLINUX" "$2" -c sys >"$out" 2>&1 || rc=$?
    fi
    if ((rc == 0)) && grep -qE "^ *RELEASE: $release\$" "$out"; then
        READS[$1|$2]=yes
    else
        READS[$1|$2]="no: $(grep -v '^ *$' "$out" | tail -n 1 | cut -c1-70)"
    fi
}
mkdir -p "$WORK/xdg-warm"
formats=("$vmcore")
[[ -e $WORK/vmcore.elf ]] && formats=("$WORK/vmcore.elf" "$WORK/vmcore.kdump" "$WORK/vmcore.flat")
for f in "${formats[@]}"; do
    for tool in crash lkdb; do try_read "$tool" "$f"; done
done

# --- timed runs ----------------------------------------------------------------------

# Warm: fill lkdb's caches once (untimed) with all three commands.
: >"$WORK/stdin"
XDG_CACHE_HOME=$WORK/xdg-warm "$LKDB" -q "$VMLINUX" "$vmcore" -c sys -c ps -c log </dev/null >/dev/null 2>&1 ||
    die "lkdb -c sys -c ps -c log on $vmcore failed"
for ((i = 1; i <= runs; i++)); do
    log "round $i of $runs"
    for step in "${STEPS[@]}"; do
        run_crash "$step"
        rm -rf "$WORK/xdg-cold"
        mkdir -p "$WORK/xdg-cold"
        run_lkdb "$step" cold "$WORK/xdg-cold"
        run_lkdb "$step" warm "$WORK/xdg-warm"
    done
done
# The part lkdb spends in-process (after gdb and the symbols are loaded).
XDG_CACHE_HOME=$WORK/xdg-warm "$LKDB" -q "$VMLINUX" "$vmcore" -c 'ps --stats' -c 'log --stats' \
    </dev/null >/dev/null 2>"$WORK/stats.err" || die "lkdb ps --stats / log --stats failed"

# --- table --------------------------------------------------------------------------------

stats() { # stats LIST-OF-NUMBERS -> "median min"
    tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ a[NR] = $1 }
        END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
              printf "%d %d\n", m, a[1] }'
}
crash_ver=$(crash --version 2>/dev/null | sed -n 's/^crash \([0-9.]*\).*/\1/p' | head -n 1)
echo "vmcore: $vmcore ($(du -h "$vmcore" | cut -f1)), Linux $release; vmlinux $(du -h "$VMLINUX" | cut -f1)"
echo "lkdb: $LKDB; crash ${crash_ver:-?}; $runs runs each; $(nproc) CPUs"
echo
printf '%-6s %-6s %-6s %9s %8s %11s %12s %21s %16s  %s\n' step tool cache median_s min_s answered_s peak_rss_MB 'speedup(crash/lkdb)' 'answer_speedup' note
for step in "${STEPS[@]}"; do
    read -r cmed _ <<<"$(stats "${TIMES[$step|crash]}")"
    read -r camed _ <<<"$(stats "${ANSWERED[$step|crash]}")"
    for key in "$step|crash" "$step|lkdb cold" "$step|lkdb warm"; do
        read -r med min <<<"$(stats "${TIMES[$key]}")"
        read -r amed _ <<<"$(stats "${ANSWERED[$key]}")"
        read -r rss _ <<<"$(stats "${RSS[$key]}")"
        tool=${key#*|}
        cache=-
        [[ $tool == lkdb* ]] && cache=${tool#lkdb } tool=lkdb
        speedup=- aspeedup=-
        [[ $tool == lkdb ]] && speedup=$(awk -v a="$cmed" -v b="$med" 'BEGIN { printf "%.1fx", a / b }')
        [[ $tool == lkdb ]] && aspeedup=$(awk -v a="$camed" -v b="$amed" 'BEGIN { printf "%.1fx", a / b }')
        printf '%-6s %-6s %-6s %9.3f %8.3f %11.3f %12d %21s %16s  %s\n' "$step" "$tool" "$cache" \
            "$(awk -v u="$med" 'BEGIN { print u / 1e6 }')" "$(awk -v u="$min" 'BEGIN { print u / 1e6 }')" \
            "$(awk -v u="$amed" 'BEGIN { print u / 1e6 }')" \
            $((rss / 1024)) "$speedup" "$aspeedup" "${NOTE[$key]:-}"
    done
done
echo
# The issue's target for a flattened dump: lkdb warm <= 1/8 of crash.
for step in "${STEPS[@]}"; do
    [[ $step == start ]] && continue
    read -r cmed _ <<<"$(stats "${TIMES[$step|crash]}")"
    read -r lmed _ <<<"$(stats "${TIMES[$step|lkdb warm]}")"
    read -r lamed _ <<<"$(stats "${ANSWERED[$step|lkdb warm]}")"
    awk -v s="$step" -v c="$cmed" -v l="$lmed" -v a="$lamed" 'BEGIN {
        printf "%s, warm: lkdb %.3f s to exit (%.3f s to the answer) / crash %.3f s = %.3f (%.3f); target <= 0.125: %s\n",
            s, l / 1e6, a / 1e6, c / 1e6, l / c, a / c, l / c <= 0.125 ? "met" : "NOT met" }'
done
echo
echo "answered_s = time until the first line of output (the answer); median_s = until the process"
echo "ended (gdb's symbol loading that no command needed is not waited for)."
echo "start = starting and exiting with no real work ('p 1' for lkdb, just 'q' for crash): what"
echo "both tools pay before sys/ps/log run; the rest of each sys/ps/log row is the command itself."
echo "lkdb's in-process part (warm caches), from ps --stats and log --stats:"
sed 's/^/  /' "$WORK/stats.err"
echo
echo "dump formats read (sys shows RELEASE $release):"
for f in "${formats[@]}"; do
    printf '  %-22s crash: %-40s lkdb: %s\n' "$(basename "$f")" "${READS[crash|$f]}" "${READS[lkdb|$f]}"
done
if grep -q 'not found in PID hash' "$WORK/out.crash.ps.err" "$WORK/out.crash.ps" 2>/dev/null; then
    echo
    echo "crash warned: $(grep -h -m1 'not found in PID hash' "$WORK/out.crash.ps.err" "$WORK/out.crash.ps" | head -n 1)"
fi

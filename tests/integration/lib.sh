# Shared helpers for integration tests (sourced).  Each test is a bash script
# printing TAP; meson runs them one at a time (is_parallel: false).
#
# Environment (set by tests/integration/meson.build):
#   LKDB          the lkdb binary under test
#   LKDB_SCRIPTS  the source tree's scripts/ directory
#   LKDB_GUESTS   where guest directories live (in the build tree)
# and, optional, LKDB_SHARED_DUMP_DIR (scripts/test.sh): see shared_dump.
# The fixture (kernel, vmlinux, initrd) comes from scripts/fixture.sh's cache.
set -uo pipefail

CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkdb}
FIXTURE_ENV=${LKDB_FIXTURE_ENV:-$CACHE/kernel/current/fixture.env}
if [[ ! -f $FIXTURE_ENV ]]; then
    echo "Bail out! no kernel fixture at $FIXTURE_ENV (run scripts/fixture.sh)"
    exit 1
fi
# shellcheck source=/dev/null
. "$FIXTURE_ENV"
GUEST_SH=$LKDB_SCRIPTS/guest.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-it.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The TAP stream, for helpers that run inside $(...): their own stdout is
# the substitution's, so a "Bail out!" there would never reach TAP.
exec {tap_fd}>&1
# bail_out WHY: end the test; in $(...) this ends only the subshell, so the
# caller adds "|| exit 1".
bail_out() {
    echo "Bail out! $*" >&"$tap_fd"
    exit 1
}

tap_n=0
tap_failed=0
ok() {
    tap_n=$((tap_n + 1))
    if [[ $1 == 0 ]]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}
# check NAME COMMAND...: one TAP line from a command's status
check() {
    local name=$1
    shift
    if "$@"; then ok 0 "$name"; else ok 1 "$name"; fi
}
diag() { sed 's/^/# /' "$@"; }
# wait_for FILE ERE SECONDS: until a line of FILE matches; 1 at the deadline.
# Tests wait for what they need, never for a fixed time.
wait_for() {
    local deadline=$((SECONDS + $3))
    until grep -qE -- "$2" "$1" 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}
# wait_for_count FILE ERE N SECONDS: until N lines of FILE match (a
# message that may already be there from an earlier event); 1 at the deadline.
wait_for_count() {
    local deadline=$((SECONDS + $4))
    until (($(grep -acE -- "$2" "$1" 2>/dev/null) >= $3)); do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}
done_testing() {
    echo "1..$tap_n"
    [[ $tap_failed == 0 ]]
}

# The guest most tests share: KASLR on, its RAM in a shared file (lkdb
# reads it directly), booted once per test run, reused
# while its QEMU lives.  scripts/test.sh stops it at the end; if nobody
# does, its --lifetime ends it.  Use as: g=$(shared_guest) || exit 1
# (QEMU does not inherit the TAP stream: meson would wait for it to close).
shared_guest() {
    local dir=$LKDB_GUESTS/shared
    mkdir -p "$LKDB_GUESTS"
    exec 9>"$LKDB_GUESTS/shared.lock"
    flock 9
    if ! "$GUEST_SH" status "$dir" >/dev/null 2>&1; then
        rm -rf "$dir"
        mkdir -p "$dir"
        "$GUEST_SH" start "$dir" --sleepers 4 --lifetime 1800 --shared-ram \
            >&2 {tap_fd}>&- ||
            { flock -u 9; bail_out "shared guest did not boot"; }
    fi
    flock -u 9
    echo "$dir"
}

# A guest of the test's own (it will be killed or changed).
# Use as: g=$(own_guest NAME [guest.sh start options]) || exit 1
own_guest() {
    local dir=$LKDB_GUESTS/$1
    shift
    "$GUEST_SH" stop "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
    mkdir -p "$dir"
    "$GUEST_SH" start "$dir" --lifetime 900 "$@" >&2 {tap_fd}>&- ||
        bail_out "guest $dir did not boot"
    echo "$dir"
}

# gdb's own walk of the task list: lkdb ... -c "source $GDB_TASK_WALK".
GDB_TASK_WALK=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/gdb_task_walk.py

# leaders_match_gdb_walk OUT WHERE: in OUT, the output of ps --json then
# gdb's walk (GDB_TASK_WALK) in one stop, ps's thread-group leaders (pid,
# task, comm) are gdb's, at least 20.  WHERE says what lkdb read from.
leaders_match_gdb_walk() {
    grep '^GDB-TASK ' "$1" >"$TMP/gdb-walk"
    grep -v '^GDB-TASK ' "$1" | sed -n '/^\[/,$p' >"$TMP/ps-json"
    python3 - "$TMP/ps-json" "$TMP/gdb-walk" "$2" <<'PY'
import json, sys
tasks = json.load(open(sys.argv[1]))
lkdb = {(t["pid"], int(t["task"], 16), t["comm"])
        for t in tasks if t["pid"] == t["tgid"] and t["pid"] > 0}
gdb = set()
for line in open(sys.argv[2]):
    _, pid, addr, comm = line.rstrip("\n").split(" ", 3)
    gdb.add((int(pid), int(addr, 16), comm))
print("# %d leaders from lkdb (%s), %d from gdb's walk" % (len(lkdb), sys.argv[3], len(gdb)))
if len(gdb) < 20 or lkdb != gdb:
    print("# only lkdb %s, only gdb %s" % (sorted(lkdb - gdb)[:4], sorted(gdb - lkdb)[:4]))
    sys.exit(1)
PY
}

# same_with_and_without_guest_ram PORT PID: bt PID, mod and log print the
# same reading guest RAM (lkdb's fast path) and through gdb alone
# (--no-guest-ram), as checks.
same_with_and_without_guest_ram() {
    local port=$1 pid=$2 s1 s2 n
    "$LKDB" -q -r ":$port" "$LKDB_VMLINUX" -c "bt $pid" -c mod -c log >"$TMP/ram" 2>"$TMP/ram.err"
    s1=$?
    "$LKDB" -q -r ":$port" "$LKDB_VMLINUX" --no-guest-ram -c "bt $pid" -c mod -c log >"$TMP/gdb" 2>"$TMP/gdb.err"
    s2=$?
    diag "$TMP/ram.err" "$TMP/gdb.err"
    check "bt, mod and log exit 0 both ways" test $s1 = 0 -a $s2 = 0
    check "--no-guest-ram: no guest RAM note" bash -c "! grep -q 'reading guest memory' '$TMP/gdb.err'"
    sed -n '/^PID: /,/ORIG_RAX/p' "$TMP/ram" >"$TMP/bt.ram"
    sed -n '/^PID: /,/ORIG_RAX/p' "$TMP/gdb" >"$TMP/bt.gdb"
    check "bt of PID $pid: the same frames both ways, through schedule" \
        bash -c "cmp -s '$TMP/bt.ram' '$TMP/bt.gdb' && grep -q ' schedule at ' '$TMP/bt.ram'"
    grep -E '^ *ffff[0-9a-f]{12} ' "$TMP/ram" >"$TMP/mod.ram" || true
    grep -E '^ *ffff[0-9a-f]{12} ' "$TMP/gdb" >"$TMP/mod.gdb" || true
    check "mod: the same modules both ways" \
        bash -c "test -s '$TMP/mod.ram' && cmp -s '$TMP/mod.ram' '$TMP/mod.gdb'"
    grep -E '^\[ *[0-9]+\.[0-9]{6}\] ' "$TMP/ram" >"$TMP/log.ram"
    grep -E '^\[ *[0-9]+\.[0-9]{6}\] ' "$TMP/gdb" >"$TMP/log.gdb"
    n=$(wc -l <"$TMP/log.ram")
    check "log: what gdb read later starts with what guest RAM gave ($n lines)" \
        bash -c "test $n -gt 100 && head -n $n '$TMP/log.gdb' | cmp -s - '$TMP/log.ram'"
}

# Use as: port=$(guest_port "$g") || exit 1
guest_port() {
    "$GUEST_SH" port "$1" || bail_out "no gdb port for the guest in $1"
}
# The KASLR offset as the guest itself sees it: _text in /proc/kallsyms
# minus the link address of _text (0xffffffff81000000 on x86_64).
guest_kaslr_offset() {
    local text
    text=$("$GUEST_SH" run "$1" "grep ' _text\$' /proc/kallsyms" | awk '{print $1}')
    printf '0x%x\n' $((0x$text - 0xffffffff81000000))
}

# crash's sys MEMORY for a count of 4 KiB pages: up to the next GiB when
# 64 MiB or less short of it, then "1.5 GB", "960 MB" (".0" dropped), KB.
crash_memory() {
    awk -v p="$1" 'BEGIN {
        b = p * 4096; g = 2^30
        next_g = int((b + g - 1) / g) * g
        if (next_g - b <= 64 * 2^20) b = next_g
        if (b >= g) s = sprintf("%.1f GB", b / g)
        else if (b >= 2^20) s = sprintf("%.1f MB", b / 2^20)
        else s = sprintf("%d KB", b / 1024)
        sub(/\.0 /, " ", s); print s }'
}

# A dump of a panicked fixture guest (crashme.ko loaded, then sysrq c),
# made once per test run and shared: $LKDB_SHARED_DUMP_DIR (scripts/test.sh
# sets it, so the ASan pass reads the same dump), else
# $LKDB_GUESTS/shared-dump.  In it: vmcore.elf (QEMU ELF), vmcore.flat
# (QEMU -z, flattened kdump-compressed), the guest's console.log, and
# guest-proc, the guest's own view just before the panic (ground truth):
#   tainted N        /proc/sys/kernel/tainted
#   cpus N           processors in /proc/cpuinfo
#   text ADDR        _text in /proc/kallsyms (KASLR offset: minus 0xffffffff81000000)
#   vmcoreinfo yes   the kernel handed VMCOREINFO to QEMU (fw_cfg), else no
#   present N        one line per zone of /proc/zoneinfo
#   meminfo:KEY: N   each line of /proc/meminfo (kB, or a count), read last
#   proc-version ... /proc/version (the kernel's linux_banner)
#   kernel-code A-B  the physical range of the kernel's code (/proc/iomem)
#   user-page PID ADDR ENTRY  a sleeper's first mapped page and its
#                    /proc/PID/pagemap entry (bit 63 present, PFN in 0..54)
#   maps LINE        each line of that sleeper's /proc/PID/maps
#   module NAME      each module of /proc/modules, in its order
#   slab NAME ACTIVE TOTAL SLABS  each cache of /proc/slabinfo
#   zoneinfo LINE    each line of /proc/zoneinfo
#   buddyinfo LINE   each line of /proc/buddyinfo
#   mounts LINE      each line of /proc/mounts
#   interrupts LINE  each line of /proc/interrupts
#   vmallocinfo LINE each line of /proc/vmallocinfo, read last
# 256 MiB of RAM, 2 CPUs, 4 LKDB-SLEEPERS.  A dump made for another
# fixture (kernel, initrd or crashme.ko changed) is made again.
# Use as: d=$(shared_dump) || exit 1
shared_dump() {
    local dir=${LKDB_SHARED_DUMP_DIR:-$LKDB_GUESTS/shared-dump}
    local stamp
    # facts-7: guest-proc gained /proc/meminfo, /proc/version, Kernel code,
    # a user page, a task's maps, /proc/modules, /proc/slabinfo; facts-8:
    # /proc/zoneinfo, /proc/buddyinfo, /proc/vmallocinfo (facts-9: its
    # addresses, not hashed); facts-10: /proc/mounts; facts-11:
    # /proc/interrupts.
    stamp="facts-11 $(stat -L -c '%n %s %Y' "$LKDB_VMLINUX" "$LKDB_VMLINUZ" "$LKDB_INITRD" \
        "$LKDB_CRASHME_KO" | tr '\n' ' ')"
    mkdir -p "$(dirname "$dir")"
    exec 8>"$dir.lock"
    flock 8
    if [[ ! -s $dir/vmcore.elf || ! -s $dir/vmcore.flat || ! -s $dir/guest-proc ||
          $(cat "$dir/fixture" 2>/dev/null) != "$stamp" ]]; then
        local g=$dir-source
        "$GUEST_SH" stop "$g" >/dev/null 2>&1
        rm -rf "$dir" "$g"
        mkdir -p "$dir" "$g"
        local facts='echo tainted $(cat /proc/sys/kernel/tainted);'
        facts+=' echo cpus $(grep -c ^processor /proc/cpuinfo);'
        facts+=' echo text $(grep " _text$" /proc/kallsyms | cut -d" " -f1);'
        facts+=' if test -d /sys/firmware/qemu_fw_cfg/by_name/etc/vmcoreinfo;'
        facts+=' then echo vmcoreinfo yes; else echo vmcoreinfo no; fi;'
        facts+=' grep -w present /proc/zoneinfo;'
        facts+=' sed "s/^/proc-version /" /proc/version;'
        facts+=' echo kernel-code $(grep "Kernel code" /proc/iomem | cut -d" " -f1-3 | tr -d " ");'
        facts+=' p=$(pidof sleep | cut -d" " -f1); a=$(head -n1 /proc/$p/maps | cut -d- -f1);'
        facts+=' echo user-page $p $a $(dd if=/proc/$p/pagemap bs=8 skip=$((0x$a / 4096)) count=1 2>/dev/null | od -An -tx8);'
        facts+=' sed "s/^/maps /" /proc/$p/maps;'
        facts+=' cut -d" " -f1 /proc/modules | sed "s/^/module /";'
        facts+=' sed "s/^/meminfo:/; s/ kB$//" /proc/meminfo;'
        facts+=' awk "NR > 2 { print \"slab\", \$1, \$2, \$3, \$15 }" /proc/slabinfo;'
        facts+=' sed "s/^/zoneinfo /" /proc/zoneinfo; sed "s/^/buddyinfo /" /proc/buddyinfo;'
        facts+=' sed "s/^/mounts /" /proc/mounts; sed "s/^/interrupts /" /proc/interrupts;'
        # %pK prints addresses to root only with kptr_restrict 1 (0 hashes them).
        facts+=' echo 1 >/proc/sys/kernel/kptr_restrict; sed "s/^/vmallocinfo /" /proc/vmallocinfo'
        {
            "$GUEST_SH" start "$g" --lifetime 600 --sleepers 4 --mem 256 &&
                "$GUEST_SH" run "$g" 'insmod /crashme.ko' &&
                "$GUEST_SH" run "$g" "$facts" >"$dir/guest-proc.part" &&
                "$GUEST_SH" run "$g" --no-wait 'echo c > /proc/sysrq-trigger' &&
                "$GUEST_SH" wait "$g" 'end Kernel panic' 60 &&
                "$GUEST_SH" dump "$g" "$dir/vmcore.elf.part" --format elf &&
                "$GUEST_SH" dump "$g" "$dir/vmcore.flat.part" --format kdump-zlib
        } >&2 {tap_fd}>&-
        local status=$?
        cp "$g/console.log" "$dir/console.log" 2>/dev/null
        "$GUEST_SH" stop "$g" >/dev/null 2>&1
        rm -rf "$g"
        if ((status)); then
            flock -u 8
            bail_out "the shared dump could not be made"
        fi
        mv "$dir/guest-proc.part" "$dir/guest-proc"
        mv "$dir/vmcore.elf.part" "$dir/vmcore.elf"
        mv "$dir/vmcore.flat.part" "$dir/vmcore.flat"
        chmod a-w "$dir"/vmcore.*
        printf '%s\n' "$stamp" >"$dir/fixture"
    fi
    flock -u 8
    echo "$dir"
}
# shared_fact DIR KEY: a value from a shared dump's guest-proc
shared_fact() { awk -v k="$2" '$1 == k { print $2; exit }' "$1/guest-proc"; }

# one_line_errors TARGET-ARGS... -- COMMAND...: each lkdb COMMAND (run as
# lkdb -q TARGET-ARGS -c COMMAND) exits 1 with one line "lkdb: NAME: ..."
# on stderr, NAME its first word, and prints nothing else.
one_line_errors() {
    local args=() cmd name status
    while (($#)) && [[ $1 != -- ]]; do args+=("$1"); shift; done
    shift
    for cmd in "$@"; do
        "$LKDB" -q "${args[@]}" -c "$cmd" >"$TMP/bad.out" 2>"$TMP/bad.err"
        status=$?
        diag "$TMP/bad.err"
        name=${cmd%% *}
        check "'$cmd': exit 1, one line naming $name, nothing printed" \
            test "$status" = 1 -a "$(grep -c '' "$TMP/bad.err")" = 1 -a ! -s "$TMP/bad.out" -a \
                 -n "$(grep "^lkdb: $name: " "$TMP/bad.err")"
    done
}

# have_crash: whether crash can be compared with here (installed, and not
# said to be unable to read this kernel: LKDB_NO_CRASH gives the reason);
# else prints the reason for the skips.
have_crash() {
    if [[ -n ${LKDB_NO_CRASH:-} ]]; then
        crash_skip=$LKDB_NO_CRASH
        return 1
    fi
    if ! command -v crash >/dev/null 2>&1; then
        crash_skip="crash not installed"
        return 1
    fi
    return 0
}

# bug_under_lkdb NAME PID GUEST GUEST-CMD [until-report|until-marker]:
# lkdb (PID, started with --wait, its output in $TMP/NAME.{out,err}) waits;
# the guest runs GUEST-CMD, then writes LKDB-AFTER-NAME to its console.
# until-report (the default): lkdb's report ("***") is waited for, else lkdb
# is ended; until-marker: lkdb gets Ctrl-C once the marker is on the
# console.  The console ($GUEST/console.log) before the run goes in
# $TMP/NAME.before, at the stop in $TMP/NAME.at-stop, once the guest went
# on in $TMP/NAME.con (whole: the kernel's lines may reach it before a
# marker written first; console_since gives the run's own); lkdb's status
# in $status.
bug_under_lkdb() {
    local name=$1 pid=$2 guest=$3 cmd=$4 mode=${5:-until-report}
    local log=$guest/console.log
    wait_for "$TMP/$name.err" 'waiting for a panic' 60
    tr -d '\r' <"$log" >"$TMP/$name.before"
    "$GUEST_SH" run --no-wait "$guest" "$cmd; echo LKDB-AFTER-$name >/dev/console"
    if [[ $mode == until-marker ]]; then
        wait_for "$log" "LKDB-AFTER-$name" 120
        kill -INT "$pid"
    else
        wait_for "$TMP/$name.out" '^\*\*\*$' 120 || kill "$pid"
        tr -d '\r' <"$log" >"$TMP/$name.at-stop"
    fi
    wait "$pid"
    status=$?
    diag "$TMP/$name.out" "$TMP/$name.err"
    wait_for "$log" "LKDB-AFTER-$name" 120
    tr -d '\r' <"$log" >"$TMP/$name.con"
}
# console_since NAME: the console lines that came with bug_under_lkdb NAME.
console_since() { tail -n +"$(($(wc -l <"$TMP/$1.before") + 1))" "$TMP/$1.con"; }

# initrd_with_modules BASE LIST MODULE...: BASE (an initrd) with a cpio
# layer after it holding the fixture's MODULEs and what modprobe
# --show-depends names for them, in load order, listed in the guest's
# /etc/lkdb/LIST.modules (paths under /lib/modules/$(uname -r)); prints
# the new initrd's path.
initrd_with_modules() {
    local base=$1 list=$2 verb path rel
    shift 2
    local layer=$TMP/$list-layer
    mkdir -p "$layer/etc/lkdb"
    : >"$layer/etc/lkdb/$list.modules"
    modprobe -a -d "$LKDB_KERNEL_DIR" -S "$LKDB_KVER" --show-depends "$@" >"$TMP/$list.deps" 2>&1 ||
        { diag "$TMP/$list.deps"; bail_out "modprobe --show-depends $* failed in $LKDB_KERNEL_DIR"; }
    while read -r verb path _; do
        [[ $verb == insmod ]] || continue
        rel=${path#"$LKDB_MODULES_DIR"/}
        mkdir -p "$layer/lib/modules/$LKDB_KVER/$(dirname "$rel")"
        cp "$path" "$layer/lib/modules/$LKDB_KVER/$rel"
        printf '%s\n' "$rel" >>"$layer/etc/lkdb/$list.modules"
    done <"$TMP/$list.deps"
    { cat "$base"; (cd "$layer" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -9n); } >"$TMP/$list-initrd.gz"
    echo "$TMP/$list-initrd.gz"
}

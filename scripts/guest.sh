#!/usr/bin/env bash
# guest.sh — start, drive and stop a QEMU (TCG) guest running the fixture
# kernel.  Every guest lives in its own directory DIR:
#
#   DIR/console.log   ttyS0 (kernel console and /init's LKDB-* lines)
#   DIR/agent.sock    ttyS1: command agent (see make-initramfs.sh)
#   DIR/monitor.sock  HMP monitor          DIR/qmp.sock  QMP monitor
#   DIR/gdb-port      TCP port of the gdb stub on 127.0.0.1
#   DIR/qemu.pid      QEMU's pid           DIR/qemu.log  QEMU's own output
#   DIR/guest.env     shell variables describing the running guest
#
# Usage:
#   guest.sh start DIR [--nokaslr] [--sleepers N] [--smp N] [--mem MB]
#                      [--extra-append STR] [--lifetime SECONDS] [--wait-gdb]
#                      [--no-wait] [--timeout SECONDS] [--cpu MODEL]
#                      [--shared-ram] [--drive FILE]
#   guest.sh wait DIR [ERE-PATTERN [TIMEOUT]]   (default LKDB-READY, 120 s)
#   guest.sh run DIR [--no-wait] [--timeout S] 'COMMAND' [TIMEOUT]
#   guest.sh monitor DIR 'HMP COMMAND' [TIMEOUT]
#   guest.sh dump DIR FILE [--format elf|kdump-zlib|kdump-lzo|kdump-snappy] [--timeout S]
#   guest.sh stop DIR
#   guest.sh port DIR
#   guest.sh status DIR
#
# The kernel and initrd come from $LKDB_VMLINUZ / $LKDB_INITRD if set, else
# from $LKDB_FIXTURE_ENV, else from $LKDB_CACHE/kernel/current/fixture.env.
set -euo pipefail

PROG=guest.sh
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

CACHE=${LKDB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lkdb}
QEMU=${LKDB_QEMU:-qemu-system-x86_64}

usage() {
    sed -n '/^# Usage:/,/^# The kernel/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

need() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found (apt-get install $2)"
}

load_fixture() {
    if [[ -z ${LKDB_VMLINUZ:-} || -z ${LKDB_INITRD:-} ]]; then
        local env=${LKDB_FIXTURE_ENV:-$CACHE/kernel/current/fixture.env}
        [[ -f $env ]] || die "no fixture: $env not found (run scripts/fixture.sh)"
        # shellcheck source=/dev/null
        . "$env"
    fi
    [[ -f $LKDB_VMLINUZ ]] || die "kernel $LKDB_VMLINUZ not found (run scripts/fixture.sh)"
    [[ -f $LKDB_INITRD ]] || die "initrd $LKDB_INITRD not found (run scripts/fixture.sh)"
}

# --shared-ram: the guest's RAM in a shared file on tmpfs (QEMU's
# memory-backend-file, share=on), which lkdb reads directly.  One file per
# guest directory; stop removes it, and start removes files no process maps
# any more (a guest whose lifetime ran out).
ram_file() { printf '/dev/shm/lkdb-guest-%s' "$(printf '%s' "$1" | md5sum | cut -c1-16)"; }
sweep_ram_files() {
    local f
    for f in /dev/shm/lkdb-guest-*; do
        [[ -e $f ]] || continue
        grep -qsF -- "$f" /proc/[0-9]*/maps || rm -f -- "$f"
    done
}

guest_dir() {
    [[ -n ${1:-} ]] || usage
    [[ -d $1 ]] || die "guest directory $1 does not exist"
    (cd "$1" && pwd)
}

# True if PID is a live (not zombie) process whose command line contains STR.
alive_with() {
    local pid=$1 str=$2 state
    [[ -n $pid && -r /proc/$pid/stat ]] || return 1
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [[ $state != Z && $state != X ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$str"
}

qemu_pid() { { tr -dc '0-9' <"$1/qemu.pid"; } 2>/dev/null || true; }
wrapper_pid() { { tr -dc '0-9' <"$1/wrapper.pid"; } 2>/dev/null || true; }

# True while the guest in DIR runs (QEMU, or its wrapper still starting it).
running() {
    local dir=$1
    alive_with "$(qemu_pid "$dir")" "$dir/qemu.pid" || alive_with "$(wrapper_pid "$dir")" "$dir/qemu.pid"
}

# Is a TCP port in LISTEN state on this machine (IPv4 or IPv6)?
port_listening() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p {found = 1} END {exit !found}' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

port_in_use() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p=":$hex" 'substr($2, length($2) - 4) == p {found = 1} END {exit !found}' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

pick_port() {
    local port i
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        port_in_use "$port" || { printf '%s\n' "$port"; return; }
    done
    die "no free TCP port found for the gdb stub"
}

show_tail() {
    local file=$1 n=${2:-25}
    if [[ -s $file ]]; then
        printf '%s: last %s lines of %s:\n' "$PROG" "$n" "$file" >&2
        tail -n "$n" "$file" | tr -d '\r' | sed 's/^/    /' >&2
    else
        printf '%s: %s is empty\n' "$PROG" "$file" >&2
    fi
}

# wait_console DIR PATTERN TIMEOUT [FAIL-PATTERN]: print the first console
# line matching the ERE PATTERN; fail if QEMU dies, TIMEOUT seconds pass or
# a line matches FAIL-PATTERN first.
wait_console() {
    local dir=$1 pat=$2 timeout=$3 fail=${4:-} deadline line
    deadline=$((SECONDS + timeout))
    while :; do
        if [[ -f $dir/console.log ]] && line=$(tr -d '\r' <"$dir/console.log" | grep -a -m1 -E -- "$pat"); then
            printf '%s\n' "$line"
            return 0
        fi
        if [[ -n $fail && -f $dir/console.log ]] && line=$(tr -d '\r' <"$dir/console.log" | grep -a -m1 -E -- "$fail"); then
            log "error: the console of $dir shows '$line' before '$pat'"
            show_tail "$dir/console.log"
            return 1
        fi
        if ! running "$dir"; then
            # One last look: the line may have been written just before exit.
            if [[ -f $dir/console.log ]] && line=$(tr -d '\r' <"$dir/console.log" | grep -a -m1 -E -- "$pat"); then
                printf '%s\n' "$line"
                return 0
            fi
            log "error: QEMU in $dir exited before '$pat' appeared on the console"
            show_tail "$dir/console.log"
            show_tail "$dir/qemu.log" 10
            return 1
        fi
        if ((SECONDS >= deadline)); then
            log "error: '$pat' did not appear on the console of $dir within ${timeout}s"
            show_tail "$dir/console.log"
            return 1
        fi
        sleep 0.2
    done
}

# Boots tried by this start: a boot that TCG breaks is tried again, once.
BOOT_TRY=0

cmd_start() {
    local start_args=("$@") dir=${1:-}
    [[ -n $dir ]] || usage
    shift
    local kaslr=1 sleepers=4 smp=2 mem=1024 extra='' lifetime=1200 wait_gdb=0 nowait=0
    local timeout=${LKDB_BOOT_TIMEOUT:-240} cpu='' shared_ram=0 drive=''
    while (($#)); do
        case $1 in
        --nokaslr) kaslr=0 ;;
        --sleepers) sleepers=${2:?--sleepers needs N}; shift ;;
        --smp) smp=${2:?--smp needs N}; shift ;;
        --mem) mem=${2:?--mem needs MB}; shift ;;
        --extra-append) extra=${2?--extra-append needs STR}; shift ;;
        --lifetime) lifetime=${2:?--lifetime needs SECONDS}; shift ;;
        --wait-gdb) wait_gdb=1 ;;
        --no-wait) nowait=1 ;;
        --timeout) timeout=${2:?--timeout needs SECONDS}; shift ;;
        --cpu) cpu=${2:?--cpu needs MODEL}; shift ;;
        --shared-ram) shared_ram=1 ;;
        # A raw disk image as the guest's virtio disk (/dev/vda once
        # virtio_pci and virtio_blk are loaded): make-kdump.sh's capture.
        --drive) drive=${2:?--drive needs FILE}; shift ;;
        *) die "start: unknown option '$1'" ;;
        esac
        shift
    done
    local v
    for v in sleepers smp mem lifetime timeout; do
        is_uint "${!v}" || die "start: --$v must be a non-negative integer, got '${!v}'"
    done
    ((smp >= 1 && mem >= 128 && lifetime >= 1)) || die "start: need --smp >= 1, --mem >= 128, --lifetime >= 1"
    if [[ -n $drive ]]; then
        [[ -f $drive ]] || die "start: --drive $drive: no such file"
        drive=$(realpath "$drive")
    fi
    need "$QEMU" qemu-system-x86
    need timeout coreutils
    need setsid util-linux
    load_fixture

    mkdir -p "$dir" || die "cannot create guest directory $dir"
    dir=$(cd "$dir" && pwd)
    # sun_path holds 107 bytes.
    ((${#dir} + 14 <= 107)) || die "guest directory path too long for unix sockets (${#dir} chars): $dir"
    if running "$dir"; then
        die "a guest is already running in $dir (pid $(qemu_pid "$dir")); run '$PROG stop $dir' first"
    fi
    rm -f "$dir"/{console.log,qemu.log,qemu.pid,wrapper.pid,gdb-port,guest.env,agent.sock,monitor.sock,qmp.sock}
    local ramfile=''
    sweep_ram_files
    if ((shared_ram)); then
        ramfile=$(ram_file "$dir")
        rm -f "$ramfile"
        local avail_kb
        avail_kb=$(df --output=avail -k /dev/shm 2>/dev/null | tail -n1 | tr -d ' ')
        is_uint "${avail_kb:-x}" || die "start: --shared-ram needs a tmpfs at /dev/shm"
        ((avail_kb / 1024 > mem)) ||
            die "start: --shared-ram: /dev/shm has $((avail_kb / 1024)) MiB free, the guest needs $mem MiB"
    fi

    local append="console=ttyS0 lkdb.sleepers=$sleepers panic=0"
    ((kaslr)) || append+=" nokaslr"
    [[ -z $extra ]] || append+=" $extra"

    local attempt port wpid deadline started
    for attempt in 1 2 3 4 5; do
        port=$(pick_port)
        # shellcheck disable=SC2054  # commas belong to QEMU option values
        local args=(
            -accel tcg -smp "$smp" -m "$mem"
            -kernel "$LKDB_VMLINUZ" -initrd "$LKDB_INITRD" -append "$append"
            -nodefaults -display none -no-reboot -name lkdb-guest
            -chardev "file,id=console,path=$dir/console.log" -serial chardev:console
            -chardev "socket,id=agent,path=$dir/agent.sock,server=on,wait=off" -serial chardev:agent
            -chardev "socket,id=hmp,path=$dir/monitor.sock,server=on,wait=off" -mon chardev=hmp,mode=readline
            -chardev "socket,id=qmp,path=$dir/qmp.sock,server=on,wait=off" -mon chardev=qmp,mode=control
            -gdb "tcp:127.0.0.1:$port"
            -pidfile "$dir/qemu.pid"
            # VMCOREINFO for dump-guest-memory (the dump reader needs it)
            -device vmcoreinfo
        )
        [[ -z $cpu ]] || args+=(-cpu "$cpu")
        [[ -z $drive ]] || args+=(-drive "file=$drive,if=virtio,format=raw")
        [[ -z $ramfile ]] || args+=(
            -object "memory-backend-file,id=lkdb-ram,size=${mem}M,mem-path=$ramfile,share=on"
            -machine memory-backend=lkdb-ram)
        ((wait_gdb)) && args+=(-S)
        # timeout bounds QEMU's life even if nobody ever stops it; setsid
        # keeps it out of the caller's terminal and process group.
        (cd "$dir" && exec setsid timeout -k 10 "$lifetime" "$QEMU" "${args[@]}" </dev/null >"$dir/qemu.log" 2>&1) &
        wpid=$!
        printf '%s\n' "$wpid" >"$dir/wrapper.pid"
        deadline=$((SECONDS + 30))
        started=0
        while ((SECONDS < deadline)); do
            if port_listening "$port" && [[ -s $dir/qemu.pid ]] && alive_with "$(qemu_pid "$dir")" "$dir/qemu.pid"; then
                started=1
                break
            fi
            alive_with "$wpid" "$dir/qemu.pid" || break
            sleep 0.1
        done
        ((started)) && break
        if alive_with "$wpid" "$dir/qemu.pid"; then
            kill -TERM "$wpid" 2>/dev/null || true
            show_tail "$dir/qemu.log" 10
            die "QEMU did not open the gdb port $port within 30 s"
        fi
        if grep -qiE 'address already in use|failed to (bind|find an available port)' "$dir/qemu.log" 2>/dev/null; then
            log "gdb port $port was taken; retrying with another ($attempt/5)"
            continue
        fi
        show_tail "$dir/qemu.log" 15
        die "QEMU failed to start (log: $dir/qemu.log)"
    done
    ((started)) || die "could not find a free gdb port after 5 attempts"
    printf '%s\n' "$port" >"$dir/gdb-port"
    {
        printf 'LKDB_GUEST_DIR=%q\n' "$dir"
        printf 'LKDB_GDB_PORT=%q\n' "$port"
        printf 'LKDB_QEMU_PID=%q\n' "$(qemu_pid "$dir")"
        printf 'LKDB_GUEST_KASLR=%q\n' "$kaslr"
        printf 'LKDB_GUEST_SLEEPERS=%q\n' "$sleepers"
        printf 'LKDB_GUEST_APPEND=%q\n' "$append"
        printf 'LKDB_GUEST_VMLINUZ=%q\n' "$LKDB_VMLINUZ"
        printf 'LKDB_GUEST_INITRD=%q\n' "$LKDB_INITRD"
        printf 'LKDB_CONSOLE_LOG=%q\n' "$dir/console.log"
        printf 'LKDB_AGENT_SOCK=%q\n' "$dir/agent.sock"
        printf 'LKDB_MONITOR_SOCK=%q\n' "$dir/monitor.sock"
        printf 'LKDB_QMP_SOCK=%q\n' "$dir/qmp.sock"
        printf 'LKDB_GUEST_RAM=%q\n' "$ramfile"
    } >"$dir/guest.env"
    log "started QEMU pid $(qemu_pid "$dir") in $dir, gdb stub on 127.0.0.1:$port, lifetime ${lifetime}s$( ((wait_gdb)) && echo ', halted until gdb continues')"

    if ((nowait || wait_gdb)); then
        return 0
    fi
    local t0=$SECONDS
    if ! wait_console "$dir" 'LKDB-READY' "$timeout" 'Kernel panic - not syncing' >/dev/null; then
        cmd_stop "$dir" >/dev/null 2>&1 || true
        # Under TCG with more than one vCPU a CPU can still run a stale
        # translation of an int3 that text_poke_bp() already took back while
        # the kernel patches static keys: "Oops: int3" from a poke that is
        # over (seen on 6.12 in sched_clock_cpu at 2 s).  That is QEMU, not
        # the kernel under test, so such a boot is tried once more (its
        # console kept aside).
        # A boot whose console just stops, with no panic, before
        # LKDB-READY (seen once in CI: a 6.1 guest silent after 1.1 s of
        # boot on a loaded host) is likewise tried once more.
        local why=''
        if tr -d '\r' <"$dir/console.log" | grep -aq 'Oops: int3'; then
            why='hit a stale int3 under TCG'
        elif ! tr -d '\r' <"$dir/console.log" | grep -aq 'Kernel panic'; then
            why="stopped before LKDB-READY with no panic in ${timeout}s (a TCG hang?)"
        fi
        if ((BOOT_TRY == 0)) && [[ -n $why ]]; then
            BOOT_TRY=1
            mv -f "$dir/console.log" "$dir/console.failed-boot.log"
            log "the boot in $dir $why (console kept in $dir/console.failed-boot.log); booting once more"
            cmd_start "${start_args[@]}"
            return
        fi
        die "guest in $dir did not boot to LKDB-READY (stopped it; console: $dir/console.log)"
    fi
    log "guest ready after $((SECONDS - t0))s: $(tr -d '\r' <"$dir/console.log" | grep -a -m1 'LKDB-RELEASE:' || true)"
}

cmd_wait() {
    local dir pat=${2:-LKDB-READY} timeout=${3:-120}
    dir=$(guest_dir "${1:-}")
    is_uint "$timeout" || die "wait: TIMEOUT must be seconds, got '$timeout'"
    wait_console "$dir" "$pat" "$timeout" || die "wait: '$pat' not seen on the console of $dir"
}

cmd_stop() {
    local dir pid wpid i
    dir=$(guest_dir "${1:-}")
    pid=$(qemu_pid "$dir")
    wpid=$(wrapper_pid "$dir")
    if ! running "$dir"; then
        rm -f "$dir"/{agent.sock,monitor.sock,qmp.sock,qemu.pid,wrapper.pid} "$(ram_file "$dir")"
        log "no guest running in $dir"
        return 0
    fi
    if alive_with "$pid" "$dir/qemu.pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            alive_with "$pid" "$dir/qemu.pid" || break
            sleep 0.1
        done
        if alive_with "$pid" "$dir/qemu.pid"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    for ((i = 0; i < 100; i++)); do
        alive_with "$wpid" "$dir/qemu.pid" || break
        ((i == 50)) && kill -KILL "$wpid" 2>/dev/null
        ((i == 20)) && kill -TERM "$wpid" 2>/dev/null
        sleep 0.1
    done
    if running "$dir"; then
        die "could not stop the guest in $dir (pid $pid)"
    fi
    rm -f "$dir"/{agent.sock,monitor.sock,qmp.sock,qemu.pid,wrapper.pid} "$(ram_file "$dir")"
    log "stopped the guest in $dir"
}

cmd_port() {
    local dir
    dir=$(guest_dir "${1:-}")
    [[ -s $dir/gdb-port ]] || die "no gdb port recorded in $dir (guest never started?)"
    cat "$dir/gdb-port"
}

cmd_status() {
    local dir
    dir=$(guest_dir "${1:-}")
    if running "$dir"; then
        echo "running pid $(qemu_pid "$dir") gdb-port $(cat "$dir/gdb-port" 2>/dev/null || echo '?')"
    else
        echo "stopped"
        return 1
    fi
}

# Connect a coprocess SOCAT to unix socket $1 (stderr to $2).
open_socket() {
    local sock=$1 err=$2
    need socat socat
    [[ -S $sock ]] || die "socket $sock does not exist (guest not running?)"
    coproc SOCAT { exec socat - "UNIX-CONNECT:$sock" 2>"$err"; }
}

close_socket() {
    if [[ -n ${SOCAT_PID:-} ]]; then
        local wfd=${SOCAT[1]:-}
        [[ -z $wfd ]] || eval "exec $wfd>&-" 2>/dev/null || true
        kill "$SOCAT_PID" 2>/dev/null || true
        wait "$SOCAT_PID" 2>/dev/null || true
        SOCAT_PID=''
    fi
}

cmd_run() {
    local dir='' nowait=0 timeout='' cmd='' have_cmd=0
    while (($#)); do
        case $1 in
        --no-wait) nowait=1 ;;
        --timeout) timeout=${2:?--timeout needs SECONDS}; shift ;;
        *)
            if [[ -z $dir ]]; then
                dir=$(guest_dir "$1")
            elif ((!have_cmd)); then
                cmd=$1 have_cmd=1
            elif [[ -z $timeout ]]; then
                timeout=$1
            else
                die "run: unexpected argument '$1'"
            fi
            ;;
        esac
        shift
    done
    [[ -n $dir ]] || usage
    [[ $have_cmd == 1 && -n $cmd ]] || die "run: no COMMAND given"
    [[ $cmd != *$'\n'* && $cmd != *$'\r'* ]] || die "run: COMMAND must be a single line"
    timeout=${timeout:-60}
    is_uint "$timeout" || die "run: TIMEOUT must be seconds, got '$timeout'"
    running "$dir" || die "run: no guest running in $dir"

    exec {lockfd}>"$dir/agent.lock"
    flock -w "$timeout" "$lockfd" || die "run: agent of $dir busy for ${timeout}s"
    local err id line rc='' begun=0 deadline left
    err=$(mktemp)
    id="$$-$RANDOM$RANDOM"
    open_socket "$dir/agent.sock" "$err"
    printf '#lkdb-id:%s %s\n' "$id" "$cmd" >&"${SOCAT[1]}" ||
        { close_socket; die "run: cannot write to $dir/agent.sock: $(cat "$err")"; }
    deadline=$((SECONDS + timeout))
    while :; do
        left=$((deadline - SECONDS))
        if ((left <= 0)); then
            close_socket
            rm -f "$err"
            log "error: run: no answer from the agent of $dir within ${timeout}s (command: $cmd)"
            exit 124
        fi
        if ! IFS= read -r -t "$left" line <&"${SOCAT[0]}"; then
            if [[ -n $line ]]; then
                : # a last unterminated line; handled below
            elif ((SECONDS >= deadline)); then
                continue
            else
                close_socket
                log "error: run: agent connection of $dir closed before LKDB-DONE${err:+: $(cat "$err" 2>/dev/null)}"
                rm -f "$err"
                exit 125
            fi
        fi
        line=${line//$'\r'/}
        if ((!begun)); then
            if [[ $line == "LKDB-BEGIN $id" ]]; then
                begun=1
                if ((nowait)); then
                    rc=0
                    break
                fi
            fi
            continue
        fi
        if [[ $line =~ ^(.*)LKDB-DONE\ ([0-9]+)$ ]]; then
            [[ -z ${BASH_REMATCH[1]} ]] || printf '%s\n' "${BASH_REMATCH[1]}"
            rc=${BASH_REMATCH[2]}
            break
        fi
        printf '%s\n' "$line"
    done
    close_socket
    rm -f "$err"
    exit "$rc"
}

# hmp DIR COMMAND TIMEOUT: run one HMP command, print its output.
hmp() {
    local dir=$1 cmd=$2 timeout=$3 err buf chunk deadline left lockfd
    exec {lockfd}>"$dir/monitor.lock"
    flock -w "$timeout" "$lockfd" || die "monitor of $dir busy for ${timeout}s"
    err=$(mktemp)
    open_socket "$dir/monitor.sock" "$err"
    deadline=$((SECONDS + timeout))
    # read_prompt: read into buf until the "(qemu) " prompt.
    read_prompt() {
        buf=''
        while [[ $buf != *'(qemu) ' ]]; do
            left=$((deadline - SECONDS))
            ((left > 0)) || { close_socket; rm -f "$err"; die "monitor: no prompt from $dir within ${timeout}s (command: $cmd)"; }
            if IFS= read -r -d ' ' -t "$left" chunk <&"${SOCAT[0]}"; then
                buf+="$chunk "
            else
                buf+=$chunk
                if ((SECONDS < deadline)); then
                    close_socket
                    die "monitor: connection to $dir/monitor.sock closed: $(cat "$err")"
                fi
            fi
        done
    }
    read_prompt
    printf '%s\n' "$cmd" >&"${SOCAT[1]}"
    read_prompt
    close_socket
    rm -f "$err"
    exec {lockfd}>&-
    # Drop the echoed command line, terminal escapes, CRs and the prompt.
    buf=${buf%'(qemu) '}
    printf '%s' "$buf" | sed -e $'s/\x1b\\[[0-9;]*[A-Za-z]//g' -e $'s/\r//g' |
        awk -v c="$cmd" 'NR == 1 && index($0, c) {next} {print}'
}

cmd_monitor() {
    local dir cmd=${2:-} timeout=${3:-60}
    dir=$(guest_dir "${1:-}")
    [[ -n $cmd ]] || die "monitor: no HMP command given"
    [[ $cmd != *$'\n'* ]] || die "monitor: HMP command must be a single line"
    is_uint "$timeout" || die "monitor: TIMEOUT must be seconds, got '$timeout'"
    running "$dir" || die "monitor: no guest running in $dir"
    hmp "$dir" "$cmd" "$timeout"
}

cmd_dump() {
    local dir file='' format=elf timeout=600 flag out status magic t0
    dir=$(guest_dir "${1:-}")
    shift
    while (($#)); do
        case $1 in
        --format) format=${2:?--format needs elf|kdump-zlib}; shift ;;
        --timeout) timeout=${2:?--timeout needs SECONDS}; shift ;;
        -*) die "dump: unknown option '$1'" ;;
        *) [[ -z $file ]] || die "dump: unexpected argument '$1'"; file=$1 ;;
        esac
        shift
    done
    [[ -n $file ]] || die "dump: no FILE given"
    case $format in
    elf) flag='' ;;
    kdump-zlib) flag='-z' ;;
    kdump-lzo) flag='-l' ;;
    kdump-snappy) flag='-s' ;;
    *) die "dump: unknown --format '$format' (elf, kdump-zlib, kdump-lzo, kdump-snappy)" ;;
    esac
    is_uint "$timeout" || die "dump: --timeout must be seconds, got '$timeout'"
    running "$dir" || die "dump: no guest running in $dir"
    mkdir -p "$(dirname "$file")"
    file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
    [[ $file != *[[:space:]]* ]] || die "dump: FILE must not contain whitespace: $file"
    rm -f "$file"

    t0=$SECONDS
    out=$(hmp "$dir" "dump-guest-memory -d ${flag:+$flag }$file" 60)
    if grep -qi 'error\|unknown\|invalid' <<<"$out"; then
        die "dump: dump-guest-memory refused: $(tr '\n' ' ' <<<"$out")"
    fi
    while :; do
        out=$(hmp "$dir" 'info dump' 60)
        status=$(sed -n 's/^Status: *//p' <<<"$out" | head -n1)
        case $status in
        completed) break ;;
        failed) die "dump: QEMU reports the dump to $file failed" ;;
        esac
        ((SECONDS - t0 < timeout)) || die "dump: not finished after ${timeout}s (status: ${status:-?})"
        sleep 0.5
    done
    [[ -s $file ]] || die "dump: QEMU reported completion but $file is empty or missing"
    magic=$(head -c 8 "$file" | od -An -c | tr -d ' \n')
    case $format in
    elf) [[ $magic == '177ELF'* ]] || die "dump: $file has no ELF header (starts with '$magic')" ;;
    # QEMU < 8.2 writes kdump files in makedumpfile's "flattened" format
    # (header "makedumpfile"); `makedumpfile -R` turns that into plain KDUMP.
    kdump-*) [[ $magic == KDUMP* || $magic == makedump* ]] ||
        die "dump: $file has neither a KDUMP nor a flattened makedumpfile header (starts with '$magic')" ;;
    esac
    log "dumped guest memory of $dir to $file ($format, $(stat -c %s "$file") bytes, $((SECONDS - t0))s)"
    printf '%s\n' "$file"
}

main() {
    local sub=${1:-}
    (($#)) && shift
    case $sub in
    start) cmd_start "$@" ;;
    wait) cmd_wait "$@" ;;
    run) cmd_run "$@" ;;
    monitor) cmd_monitor "$@" ;;
    dump) cmd_dump "$@" ;;
    stop) cmd_stop "$@" ;;
    port) cmd_port "$@" ;;
    status) cmd_status "$@" ;;
    -h | --help | help | '') usage ;;
    *) die "unknown subcommand '$sub' (start, wait, run, monitor, dump, stop, port, status)" ;;
    esac
}

main "$@"

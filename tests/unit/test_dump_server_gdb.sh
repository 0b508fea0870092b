#!/usr/bin/env bash
# The dump server under a real gdb: "target remote | fake-dump-server"
# (the server over the fake target of fake_target.h: 2 CPUs, memory at
# 0xffffffff81000000 where byte i is i * 7 + 0x11).
# Args: FAKE_DUMP_SERVER.  gdb comes from $GDB, default gdb.
set -uo pipefail
SERVER=$(realpath "$1")
GDB=${GDB:-gdb}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0

if ! command -v "$GDB" >/dev/null; then
    echo "1..0 # SKIP no $GDB"
    exit 0
fi

check() {
    local name=$1
    shift
    n=$((n + 1))
    if "$@"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        sed 's/^/# /' "$TMP/out"
        failed=$((failed + 1))
    fi
}
has() { grep -qF -- "$1" "$TMP/out"; }
has_re() { grep -qE -- "$1" "$TMP/out"; }
# Lines after the marker "=== $1" up to the next marker.
section() { sed -n "/^=== $1\$/,/^=== /p" "$TMP/out" | sed '1d;$d'; }
section_has() { section "$1" | grep -qF -- "$2"; }
section_is() { test "$(section "$1")" = "$2"; }

# gdb -batch with -ex commands; "mark NAME" echoes "=== NAME".
run_gdb() {
    local args=() a
    for a in "$@"; do
        if [[ $a == mark\ * ]]; then
            args+=(-ex "echo === ${a#mark }\\n")
        else
            args+=(-ex "$a")
        fi
    done
    timeout 60 "$GDB" -nx -batch "${args[@]}" -ex 'echo === end\n' \
        >"$TMP/out" 2>&1
    echo $? >"$TMP/status"
}

session() {
    run_gdb "$@" \
        "target remote | $SERVER" \
        'mark threads' 'info threads' \
        'mark rip' 'p $rip' \
        'mark bytes' 'x/4xb 0xffffffff81000000' \
        'mark thread2' 'thread 2' 'p $rsp' \
        'mark eflags' 'p $eflags' \
        'mark arch' 'show architecture' \
        'mark continue' 'continue' \
        'mark after-continue' 'p $pc' \
        'mark stepi' 'stepi' \
        'mark fault' 'x/x 0xdead0000' \
        'mark partial' 'x/4xg 0xffffffff81001ff0' \
        'mark st0' 'p $st0' \
        'mark fs_base' 'p/x $fs_base' \
        'mark orig_rax' 'p $orig_rax' \
        'mark write' 'set var *(char *)0xffffffff81000000 = 1' \
        'mark detach' 'delete' 'detach' \
        'mark threads-after' 'info threads'
}

checks() {
    local how=$1
    check "$how: gdb ran to the end" has '=== end'
    check "$how: two threads, named by CPU" section_is threads \
"  Id   Target Id         Frame 
* 1    Thread 1 (CPU 0)  0xffffffff81000010 in ?? ()
  2    Thread 2 (CPU 1)  0xffffffff81000020 in ?? ()"
    check "$how: \$rip of CPU 0" section_is rip \
        '$1 = (void (*)()) 0xffffffff81000010'
    check "$how: memory bytes" section_is bytes \
        '0xffffffff81000000:	0x11	0x18	0x1f	0x26'
    check "$how: thread 2 has CPU 1's rsp" section_has thread2 \
        '= (void *) 0xffffc90000013f00'
    check "$how: eflags decoded by the target description" \
        section_has eflags '[ PF ZF IF ]'
    check "$how: architecture i386:x86-64" section_has arch \
        '(currently "i386:x86-64")'
    check "$how: continue says a dump cannot be resumed" section_has continue \
        'lkdb-dump-server: a dump cannot be resumed'
    check "$how: continue stops where it was, on the same thread" \
        section_has continue 'Thread 2 stopped.'
    check "$how: registers unchanged after continue" section_has after-continue \
        ' = (void (*)()) 0xffffffff81000020'
    check "$how: stepi refused the same way" section_has stepi \
        'a dump cannot be resumed'
    check "$how: unreadable memory" section_is fault \
        '0xdead0000:	Cannot access memory at address 0xdead0000'
    check "$how: a read across the end of memory gives what is there" \
        section_is partial \
"0xffffffff81001ff0:	0xd2cbc4bdb6afa8a1	0x0a03fcf5eee7e0d9
0xffffffff81002000:	Cannot access memory at address 0xffffffff81002000"
    check "$how: x87 registers are unavailable" section_has st0 \
        ' = <unavailable>'
    check "$how: fs_base (segments feature)" section_has fs_base ' = 0x0'
    check "$how: orig_rax (linux feature)" section_has orig_rax ' = -1'
    check "$how: writing memory fails" section_has write \
        'Cannot access memory at address 0xffffffff81000000'
    check "$how: detach" section_has detach \
        '[Inferior 1 (Remote target) detached]'
    check "$how: no threads after detach" section_is threads-after \
        'No threads.'
}

session
checks "no-ack mode"
session 'set remote noack-packet off'
checks "ack mode"

# The task context through "monitor".
run_gdb "target remote | $SERVER" \
    'mark set' 'monitor lkdb-context rip=ffffffff81000100 rsp=ffffc90000000100 rbp=0' \
    'mark threads' 'info threads' \
    'mark thread3' 'thread 3' 'p $rip' 'p $rsp' \
    'mark show' 'monitor lkdb-context' \
    'mark override' 'monitor lkdb-context thread=1 rip=ffffffff81000040' \
    'maintenance flush register-cache' 'thread 1' \
    'mark rip1' 'p $rip' \
    'mark clear' 'monitor lkdb-context clear' \
    'maintenance flush register-cache' \
    'mark rip1-again' 'p $rip' \
    'mark threads-again' 'info threads' \
    'mark bad' 'monitor lkdb-context bogus=1' \
    'mark unknown' 'monitor frobnicate' \
    'mark help' 'monitor help'
check "monitor: setting a context names its thread" section_is set 'thread 3'
check "monitor: the context is thread 3" section_has threads \
    '  3    Thread 3 (context) 0xffffffff81000100 in ?? ()'
check "monitor: its registers" section_has thread3 \
    '= (void *) 0xffffc90000000100'
check "monitor: show" section_is show \
    'thread 3 rsp=ffffc90000000100 rip=ffffffff81000100'
check "monitor: overriding CPU 0" section_is rip1 \
    '$3 = (void (*)()) 0xffffffff81000040'
check "monitor: cleared" section_is rip1-again \
    '$4 = (void (*)()) 0xffffffff81000010'
check "monitor: the context thread is gone" bash -c \
    "! grep -q 'Thread 3' <<<'$(section threads-again)'"
check "monitor: a bad register fails, saying why" section_is bad \
'lkdb-context: unknown register "bogus"
Protocol error with Rcmd'
check "monitor: unknown command" section_has unknown \
    'unknown monitor command "frobnicate"'
check "monitor: help" section_has help 'lkdb-context [thread=ID] REG=HEX...'

echo "1..$n"
[[ $failed == 0 ]]

#!/usr/bin/env bash
# The lkdb binary without a guest: usage errors, bad files, a missing gdb,
# a vmcore (not supported yet), symbols-only mode, help as text and JSON.
# Args: LKDB VMLINUX_FIXTURE (a small ELF with linux_banner).
set -uo pipefail
LKDB=$(realpath "$1")
FIXTURE=$(realpath "$2")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0
check() {
    local name=$1
    shift
    n=$((n + 1))
    if "$@"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        sed 's/^/# /' "$TMP/out" "$TMP/err"
        failed=$((failed + 1))
    fi
}
run() { "$LKDB" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/status"; }
status() { test "$(cat "$TMP/status")" = "$1"; }
err_is() { status "$1" && test "$(wc -l <"$TMP/err")" = 1 && grep -qE "$2" "$TMP/err"; }
out_has() { status "$1" && grep -qE "$2" "$TMP/out"; }

run
check "no arguments: exit 2, says VMLINUX is missing" err_is 2 '^lkdb: missing VMLINUX'
run --bogus "$FIXTURE"
check "unknown option is named" err_is 2 '^lkdb: unknown option --bogus'
run "$FIXTURE" -c
check "option without its argument is named" err_is 2 '^lkdb: option -c needs an argument'
run --kaslr-offset 12zz "$FIXTURE"
check "bad --kaslr-offset is named" err_is 2 '^lkdb: --kaslr-offset: not a number: "12zz"'
run --connect-timeout 0 "$FIXTURE"
check "out-of-range --connect-timeout" err_is 2 'connect-timeout: 0 is not between'
run a b c
check "too many arguments" err_is 2 '^lkdb: too many arguments: "c"'
run --wait "$FIXTURE"
check "--wait without a live target is refused" err_is 2 '^lkdb: --wait needs a live target'
run --wait --no-wait -r :1 "$FIXTURE"
check "--wait and --no-wait together are refused" err_is 2 'either --wait or --no-wait'
run qemu "$FIXTURE"
check "lkdb qemu without -- is refused" err_is 2 '^lkdb: lkdb qemu: no "--" before'
run qemu "$FIXTURE" --
check "lkdb qemu without QEMU arguments is refused" err_is 2 'no QEMU arguments after'
run qemu -r :1 "$FIXTURE" -- -kernel x
check "lkdb qemu with --remote is refused" err_is 2 'QEMU is the target'
run qemu --no-wait "$FIXTURE" -- -kernel x
check "lkdb qemu --no-wait is refused in one line (it always waits)" \
    err_is 2 '^lkdb: lkdb qemu always waits; --no-wait does not apply$'
run qemu "$FIXTURE" -- -kernel x -nographic
check "lkdb qemu -nographic is refused before QEMU starts" err_is 2 'drop -nographic'
run qemu "$FIXTURE" -- -kernel x -s
check "lkdb qemu refuses the user's own stub (-s)" err_is 2 'drop -s: lkdb gives QEMU its gdb stub'
LKDB_QEMU=/nonexistent/qemu run qemu "$FIXTURE" -- -kernel x
check "lkdb qemu without QEMU: one line naming it" err_is 2 'cannot run /nonexistent/qemu'
# A QEMU that writes down its arguments and fails: what lkdb qemu adds for
# the guest's RAM (a shared memfd sized by -m), and the hint when it fails.
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\nexit 1\n' \
    "$TMP/qemu-args" >"$TMP/fake-qemu"
chmod +x "$TMP/fake-qemu"
LKDB_QEMU=$TMP/fake-qemu run qemu "$FIXTURE" -- -kernel x -m 256
# Past lkdb's note that it started QEMU, one line says why it ended.
sed -i '/^lkdb: started QEMU (pid [0-9]*), gdb stub on 127.0.0.1:[0-9]*, console kept in /d' "$TMP/err"
check "lkdb qemu: QEMU failing names the memfd it was given and --no-guest-ram" \
    err_is 2 '^lkdb: QEMU exited \(exit status 1\) before lkdb could attach; .*--no-guest-ram leaves that out'
check "lkdb qemu gives the guest a shared memfd of -m's size as its RAM" \
    bash -c "grep -qx 'memory-backend-memfd,id=lkdb-ram,size=268435456,share=on' '$TMP/qemu-args' &&
             grep -qx 'memory-backend=lkdb-ram' '$TMP/qemu-args'"
LKDB_QEMU=$TMP/fake-qemu run qemu "$FIXTURE" -- -kernel x
check "... 128 MiB without -m (QEMU's default)" \
    grep -qx 'memory-backend-memfd,id=lkdb-ram,size=134217728,share=on' "$TMP/qemu-args"
LKDB_QEMU=$TMP/fake-qemu run qemu --no-guest-ram "$FIXTURE" -- -kernel x -m 256
check "... none with --no-guest-ram" bash -c "! grep -q memory-backend '$TMP/qemu-args'"
LKDB_QEMU=$TMP/fake-qemu run qemu "$FIXTURE" -- -kernel x -m 1G \
    -object memory-backend-ram,id=mine,size=1G -machine memory-backend=mine
check "... none when the user's arguments arrange RAM" bash -c "! grep -q lkdb-ram '$TMP/qemu-args'"
LKDB_QEMU=$TMP/fake-qemu run qemu "$FIXTURE" -- -kernel x -m 1.5G
check "... none for a -m lkdb cannot size (QEMU judges it)" bash -c "! grep -q lkdb-ram '$TMP/qemu-args'"
run --console-log x "$FIXTURE"
check "--console-log is for lkdb qemu" err_is 2 'console-log is for lkdb qemu'
run -r :1 "$FIXTURE" "$TMP/vmcore"
check "--remote with a vmcore is refused" err_is 2 'either --remote or a VMCORE'

run /nonexistent/vmlinux -c 'p 1'
check "missing vmlinux: one line naming it" err_is 2 '^lkdb: /nonexistent/vmlinux: .*No such file'
printf 'not an elf file\n' >"$TMP/text"
run "$TMP/text" -c 'p 1'
check "non-ELF vmlinux: one line naming it" err_is 2 "^lkdb: $TMP/text: not an ELF file"
run "$TMP" -c 'p 1'
check "a directory as vmlinux is refused" err_is 2 "^lkdb: $TMP: "
: >"$TMP/vmcore"
run "$FIXTURE" "$TMP/vmcore"
check "an empty file as vmcore is refused, naming it" err_is 2 "^lkdb: $TMP/vmcore: "
printf 'not a dump\n' >"$TMP/vmcore"
run "$FIXTURE" "$TMP/vmcore"
check "a text file as vmcore is refused, naming it" err_is 2 "^lkdb: $TMP/vmcore: "
run --gdb /nonexistent/gdb "$FIXTURE" -c 'p 1'
check "missing gdb: says so and how to fix it" \
    err_is 2 'cannot run gdb "/nonexistent/gdb": No such file or directory \(install gdb or give its path with --gdb PATH\)'

# Attach errors say what is wrong, once.
run -r nosuchhost.invalid:1234 "$FIXTURE" -c 'p 1'
check "an unknown host is named as unknown, not 'No such file'" \
    bash -c "grep -q 'cannot attach to nosuchhost.invalid:1234: unknown host \"nosuchhost.invalid\"' '$TMP/err' &&
             ! grep -q 'No such file' '$TMP/err' && test \$(cat '$TMP/status') = 2"
run -r 127.0.0.1:1 "$FIXTURE" -c 'p 1'
check "connection refused names the target once" \
    err_is 2 '^lkdb: cannot attach to 127\.0\.0\.1:1: connection refused \(is QEMU'
# A port that speaks something else, and one that accepts but never
# answers (a stub another debugger holds): each its own error, within
# --connect-timeout, not gdb's retries.
serve() {
    python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
print(s.getsockname()[1], flush=True)
while sys.argv[1] == "junk":
    c, _ = s.accept()
    c.send(b"SSH-2.0-OpenSSH_9.2p1\r\n")
    time.sleep(0.3)
    c.close()
time.sleep(120)
' "$1" >"$TMP/port.$1" &
    echo $! >"$TMP/server.$1"
    for _ in $(seq 50); do [[ -s $TMP/port.$1 ]] && break; sleep 0.1; done
}
serve junk
serve busy
run --connect-timeout 2 -r "127.0.0.1:$(cat "$TMP/port.junk")" "$FIXTURE" -c 'p 1'
check "a port that is no gdb stub says what answered" \
    err_is 2 "^lkdb: cannot attach to 127.0.0.1:[0-9]+: no gdb stub there: it answered \"SSH-2.0-OpenSSH_9.2p1\"\$"
start=$SECONDS
run --connect-timeout 2 -r "127.0.0.1:$(cat "$TMP/port.busy")" "$FIXTURE" -c 'p 1'
took=$((SECONDS - start))
check "a stub that never answers: one line, within --connect-timeout" \
    err_is 2 'connected, but no gdb stub answered within 2 s \(is another debugger attached'
echo "# the silent stub was given up after ${took} s (--connect-timeout 2)"
kill "$(cat "$TMP/server.junk")" "$(cat "$TMP/server.busy")" 2>/dev/null

# A vmlinux without DWARF (symbols kept): one warning at start, naming it.
objcopy --strip-debug "$FIXTURE" "$TMP/nodwarf"
run -q "$TMP/nodwarf" -c 'p 6*7'
check "no DWARF: one warning naming the file, file:line and types missing; it still runs" \
    bash -c "test \$(cat '$TMP/status') = 0 && grep -q '= 42' '$TMP/out' &&
             test \$(wc -l <'$TMP/err') = 1 &&
             grep -qF 'lkdb: warning: $TMP/nodwarf has no DWARF debugging information' '$TMP/err' &&
             grep -q 'file:line' '$TMP/err' && grep -q 'types' '$TMP/err'"
run -q "$FIXTURE" -c 'p 6*7'
check "with DWARF: no warning" test ! -s "$TMP/err"

run --version
check "--version prints the version, exit 0" out_has 0 '^lkdb [0-9]+\.[0-9]+'
run --help
check "--help shows usage on stdout, exit 0" out_has 0 '^Usage: lkdb'

# Symbols only (no target), like "gdb vmlinux".
run -q "$FIXTURE" -c 'p sizeof(linux_banner) > 10' -c 'p 6*7'
check "symbols-only session runs gdb commands" \
    bash -c "test \$(cat '$TMP/status') = 0 && grep -q '= 1' '$TMP/out' && grep -q '= 42' '$TMP/out'"
run -q "$FIXTURE" -c 'p 1' -c 'frobnicate' -c 'p 2'
check "a failing command gives exit 1; the rest still run" \
    bash -c "test \$(cat '$TMP/status') = 1 && grep -q 'Undefined command: \"frobnicate\"' '$TMP/err' && grep -q '= 2' '$TMP/out'"
check "gdb's error is printed once" test "$(grep -c frobnicate "$TMP/err")" = 1
printf 'p 3\nquit\np 4\n' | "$LKDB" -q "$FIXTURE" >"$TMP/out" 2>"$TMP/err"
check "stdin commands stop at quit" bash -c "grep -q '= 3' '$TMP/out' && ! grep -q '= 4' '$TMP/out'"

run -q "$FIXTURE" -c help
check "help lists lkdb commands and says the rest goes to gdb" \
    bash -c "grep -q '^  help ' '$TMP/out' && grep -q '^  quit ' '$TMP/out' && grep -q 'goes to gdb' '$TMP/out'"
run -q "$FIXTURE" -c 'help quit'
check "help COMMAND shows usage and aliases" \
    bash -c "grep -q '^Usage: quit' '$TMP/out' && grep -q '^Aliases: q exit' '$TMP/out'"
run -q "$FIXTURE" -c help
sed -n 's/^  \([a-z]\+\) .*/\1/p' "$TMP/out" >"$TMP/names"
run -q "$FIXTURE" -c 'help --json'
check "help --json is valid JSON with the same commands as the text" \
    python3 -c "import json,sys; d=json.load(open('$TMP/out')); t=open('$TMP/names').read().split(); sys.exit(0 if [c['name'] for c in d]==t and 'quit' in t else 1)"
check "every command taking --json documents its output's schema (a --json option line)" \
    python3 -c "import json,re,sys; d=json.load(open('$TMP/out')); sys.exit(0 if all(re.search(r'^  --json +\S', c['usage'], re.M) for c in d if '--json' in c['usage'].split(chr(10))[0] and c['name'] != 'help') else 1)"
run -q --json "$FIXTURE" -c help
check "global --json applies to help" \
    python3 -c "import json; json.load(open('$TMP/out'))"
run -q "$FIXTURE" -c 'help print'
check "help of a gdb command is gdb's" grep -q 'Print value of expression' "$TMP/out"
run -q "$FIXTURE" -c 'help frobnicate'
check "help of an unknown command fails" bash -c "test \$(cat '$TMP/status') = 1"
run -q "$FIXTURE" -c "$(printf 'p 1\np 2')"
check "a command with a newline is refused, not split" \
    bash -c "test \$(cat '$TMP/status') = 1 && grep -q 'control characters' '$TMP/err' && ! grep -q '= 2' '$TMP/out'"
# The gdb index cache by the XDG rules: a relative XDG_CACHE_HOME is
# ignored (HOME/.cache), and with no absolute HOME either there is none
# (no /tmp fallback), with a note.
mkdir -p "$TMP/home" "$TMP/cwd"
(cd "$TMP/cwd" && XDG_CACHE_HOME=rel HOME=$TMP/home \
    "$LKDB" "$FIXTURE" -c 'show index-cache enabled' >"$TMP/out" 2>"$TMP/err")
check "a relative XDG_CACHE_HOME is ignored: the index cache goes under HOME/.cache" \
    bash -c "test -d '$TMP/home/.cache/lkdb/gdb-index' && ! test -e '$TMP/cwd/rel' &&
             grep -qx 'The index cache is on.' '$TMP/out'"
(cd "$TMP/cwd" && env -u HOME -u XDG_CACHE_HOME \
    "$LKDB" "$FIXTURE" -c 'show index-cache enabled' >"$TMP/out" 2>"$TMP/err")
check "no XDG_CACHE_HOME and no HOME: no index cache, and a note says so" \
    bash -c "grep -qx 'The index cache is off.' '$TMP/out' &&
             grep -q '^lkdb: no cache directory (neither XDG_CACHE_HOME nor HOME' '$TMP/err' &&
             ! test -e '$TMP/cwd/.cache'"

# --no-index-cache: gdb answers and no index is written, where the same
# start without it writes one.
index_files() { find "$1/lkdb/gdb-index" -type f 2>/dev/null | wc -l; }
XDG_CACHE_HOME=$TMP/cache-on run -q "$FIXTURE" -c 'p sizeof(linux_banner) > 10'
check "a start writes gdb's index under XDG_CACHE_HOME/lkdb/gdb-index" \
    test "$(index_files "$TMP/cache-on")" -gt 0
XDG_CACHE_HOME=$TMP/cache-off run -q --no-index-cache "$FIXTURE" -c 'p sizeof(linux_banner) > 10'
check "--no-index-cache: gdb answers, no index file under XDG_CACHE_HOME/lkdb/gdb-index" \
    bash -c "test \$(cat '$TMP/status') = 0 && grep -qx '\$1 = 1' '$TMP/out' &&
             test $(index_files "$TMP/cache-off") = 0"

# -x FILE is not inherited by what lkdb starts while it runs: gdb's shell
# (a grandchild of lkdb) reads the flags of lkdb's descriptor for FILE;
# O_CLOEXEC is 02000000 (bit 19) in fdinfo's octal flags.
script=$TMP/script.gdb
cat >"$script" <<EOF
shell lk=\$(awk '{print \$4}' /proc/\$PPID/stat); for fd in /proc/\$lk/fd/*; do if [ "\$(readlink \$fd)" = "$script" ]; then f=\$(awk '/^flags/ {print \$2}' /proc/\$lk/fdinfo/\${fd##*/}); echo "x-file-fd cloexec=\$(( (0\$f >> 19) & 1 ))"; fi; done
EOF
run -q "$FIXTURE" -x "$script"
check "-x FILE is opened close-on-exec" grep -qx 'x-file-fd cloexec=1' "$TMP/out"
echo "1..$n"
[[ $failed == 0 ]]

#!/usr/bin/env bash
# Batch mode: -c, -x and a non-terminal stdin run in order; the exit status
# says whether any command failed; quitting (quit, q, exit) detaches and the
# guest keeps running.  A second lkdb while one holds the stub gives up
# within --connect-timeout and does not leave the guest paused.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX

"$LKDB" -q -r ":$port" "$V" -c 'p 6*7' -c 'info registers rip' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/out" "$TMP/err"
check "all commands succeed: exit 0" test $status = 0
check "-c commands run in order" \
    bash -c "grep -n '= 42' '$TMP/out' | grep -q '^1:' && grep -q '^rip ' '$TMP/out'"
check "rip is a relocated kernel address" \
    grep -qE '^rip +0xffffffff[89a-b]' "$TMP/out"

"$LKDB" -q -r ":$port" "$V" -c 'p no_such_symbol_lkdb' -c 'p 1' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/out" "$TMP/err"
check "a failing command gives exit 1" test $status = 1
check "gdb's error is shown on stderr" \
    grep -qF 'No symbol "no_such_symbol_lkdb" in current context.' "$TMP/err"
check "later commands still run" grep -q '= 1' "$TMP/out"

printf 'p 2+3\n# a comment\n\np sizeof(struct task_struct) > 0\n' >"$TMP/script"
"$LKDB" -q -r ":$port" "$V" -x "$TMP/script" >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/out" "$TMP/err"
check "-x script runs every line" test "$(grep -c '^\$[0-9]* = [15]$' "$TMP/out")" = 2
check "-x script exit 0" test $status = 0

"$LKDB" -q -r ":$port" "$V" -x "$TMP/missing-script" >"$TMP/out" 2>"$TMP/err"
status=$?
check "missing -x file is an error naming it (exit 1)" \
    bash -c "test $status = 1 && grep -q 'missing-script: No such file' '$TMP/err'"

printf 'p 10+1\np bad_symbol_lkdb\n' | "$LKDB" -q -r ":$port" "$V" >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/out" "$TMP/err"
check "stdin commands run (non-tty batch)" grep -q '= 11' "$TMP/out"
check "stdin failure gives exit 1" test $status = 1

"$LKDB" -q -r ":$port" "$V" -c "$(printf 'p 1\n-gdb-exit')" >"$TMP/out" 2>"$TMP/err"
status=$?
check "a command with a newline is refused, not split" \
    bash -c "test $status = 1 && grep -q 'control characters' '$TMP/err'"

# quit detaches: the guest answers its agent afterwards, and its jiffies
# advance (it was not left stopped).
"$LKDB" -q -r ":$port" "$V" -c 'p jiffies' -c quit -c 'p 99' >"$TMP/out1" 2>&1
status=$?
check "quit ends the script (later commands do not run)" \
    bash -c "test $status = 0 && ! grep -q '= 99' '$TMP/out1'"
check "guest runs after detach (agent answers)" \
    bash -c "'$GUEST_SH' run '$g' 'echo alive-after-detach' 5 | grep -q alive-after-detach"
j1=$(sed -n 's/^\$1 = //p' "$TMP/out1")
sleep 1
"$LKDB" -q -r ":$port" "$V" -c 'p jiffies' >"$TMP/out2" 2>&1
j2=$(sed -n 's/^\$1 = //p' "$TMP/out2")
echo "# jiffies $j1 -> $j2"
check "jiffies advanced between sessions" test "${j2:-0}" -gt "${j1:-0}"

# q and exit are quit: the script ends there, status 0, the guest runs on.
for alias in q exit; do
    "$LKDB" -q -r ":$port" "$V" -c 'p 6*7' -c "$alias" -c 'p 99' >"$TMP/$alias.out" 2>&1
    status=$?
    diag "$TMP/$alias.out"
    check "$alias ends the script with status 0 (later commands do not run)" \
        bash -c "test $status = 0 && grep -q '= 42' '$TMP/$alias.out' && ! grep -q '= 99' '$TMP/$alias.out'"
    check "$alias: the guest runs after detach (agent answers)" \
        bash -c "'$GUEST_SH' run '$g' 'echo alive-after-$alias' 10 | grep -q alive-after-$alias"
done

# A session that arms lkdb's breakpoints (--wait: panic and __die, and
# do_init_module and free_module for module symbols), stopped by Ctrl-C and
# ended: a breakpoint left in QEMU would stop the guest with nobody
# attached, so the guest must run through insmod and rmmod afterwards.
timeout 120 "$LKDB" -r ":$port" "$V" --wait -c 'p 6*7' -c 'info breakpoints' \
    >"$TMP/wait.out" 2>"$TMP/wait.err" &
pid=$!
wait_for "$TMP/wait.err" 'waiting for a panic' 60 || echo "# lkdb did not say it waits"
# Meanwhile the stub is held: another lkdb connects (QEMU queues it), gets
# no answer and says so within --connect-timeout.
"$LKDB" -q --connect-timeout 2 -r ":$port" "$V" -c 'p 1' >"$TMP/busy.out" 2>"$TMP/busy.err"
status=$?
diag "$TMP/busy.err"
check "a second lkdb while one holds the stub: exit 2, one line within --connect-timeout 2" \
    bash -c "test $status = 2 && test \$(wc -l <'$TMP/busy.err') = 1 &&
             grep -qF 'connected, but no gdb stub answered within 2 s (is another debugger attached' '$TMP/busy.err'"
kill -INT $pid
wait $pid
status=$?
diag "$TMP/wait.out" "$TMP/wait.err"
check "--wait, Ctrl-C: the commands run, exit 0" \
    bash -c "test $status = 0 && grep -q '= 42' '$TMP/wait.out'"
armed() {
    local f
    for f in panic __die do_init_module free_module; do
        grep -qE "^[0-9]+ +(hw )?breakpoint +keep y .* in $f " "$TMP/wait.out" || return 1
    done
}
check "the session had breakpoints in panic, __die, do_init_module, free_module" armed
# QEMU takes the queued connection of the lkdb that gave up once the
# session above has left, and pauses the guest for it.
check "the guest runs after both: the connection that gave up does not leave it paused" \
    bash -c "'$GUEST_SH' run '$g' 'echo alive-after-busy' 10 | grep -q alive-after-busy"
# Through both paths whether or not an earlier test left crashme loaded.
if "$GUEST_SH" run "$g" 'grep -q "^crashme " /proc/modules && echo loaded' 20 |
    grep -q loaded; then
    through='rmmod crashme && insmod /crashme.ko'
else
    through='insmod /crashme.ko && rmmod crashme'
fi
check "after detach no breakpoint is left: insmod and rmmod run through" \
    bash -c "'$GUEST_SH' run '$g' '$through && echo alive' 20 | grep -q alive"
done_testing

#!/usr/bin/env bash
# The target going away: nothing listening fails fast with a clear error;
# QEMU killed mid-session gives an error and a clean exit, not a hang;
# Ctrl-C stops a running guest.  Uses its own nokaslr guest, which also
# proves attach works with offset 0.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

# A port nobody listens on (bind-then-close picks a free one).
free_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$(date +%s)
timeout 60 "$LKDB" -r "127.0.0.1:$free_port" "$V" -c 'p 1' >"$TMP/out" 2>"$TMP/err"
status=$?
elapsed=$(( $(date +%s) - start ))
diag "$TMP/err"
echo "# refused after ${elapsed}s"
check "nothing listening: exit 2 (not the 60 s watchdog)" test $status = 2
check "nothing listening: error names the address and the cause" \
    grep -qE "cannot attach to 127.0.0.1:$free_port: connection refused \\(is QEMU running" "$TMP/err"
check "nothing listening: one line" test "$(wc -l <"$TMP/err")" = 1

g=$(own_guest loss --nokaslr --sleepers 1) || exit 1
port=$(guest_port "$g") || exit 1
"$LKDB" -r ":$port" "$V" -c 'p 1' >"$TMP/out" 2>"$TMP/err"
diag "$TMP/err"
check "nokaslr guest: offset 0 found" grep -qF "KASLR offset 0x0" "$TMP/err"

# Ctrl-C while the guest runs: lkdb reads commands from a pipe, so we can
# send SIGINT between "continue" and the next command.
mkfifo "$TMP/cmds"
timeout 120 "$LKDB" -q -r ":$port" "$V" <"$TMP/cmds" >"$TMP/out" 2>"$TMP/err" &
pid=$!
exec 8>"$TMP/cmds"
echo 'continue' >&8
wait_for "$TMP/out" '^Continuing\.' 60 || echo "# no 'Continuing.' from lkdb"
kill -INT $pid
echo 'p 123+1' >&8
check "after Ctrl-C the prompt takes commands (target stopped)" wait_for "$TMP/out" '= 124' 60

# Now kill QEMU under lkdb's feet and ask for more.
"$GUEST_SH" stop "$g" >/dev/null 2>&1
echo 'p jiffies' >&8
echo 'info registers rip' >&8
exec 8>&-
start=$(date +%s)
wait $pid
status=$?
elapsed=$(( $(date +%s) - start ))
diag "$TMP/out" "$TMP/err"
echo "# lkdb ended ${elapsed}s after the guest died, status $status"
check "QEMU killed: lkdb exits by itself (not the 120 s watchdog)" test $status != 124
check "QEMU killed: exit status 1" test $status = 1
check "QEMU killed: the error says the remote side is gone" \
    grep -qiE 'remote connection closed|connection (closed|lost|reset)|not being run|target went away' "$TMP/err"
done_testing

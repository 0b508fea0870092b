#!/usr/bin/env bash
# scripts/guest.sh start over a fake QEMU: a boot that TCG breaks with a
# stale int3 ("Oops: int3" then a panic), or that just stops with no panic
# (a hang), is booted once more; a second such boot, or any other panic
# before LKDB-READY, fails at once.
# Args: GUEST_SH
set -uo pipefail
GUEST_SH=$(realpath "$1")
TMP=$(mktemp -d /tmp/lkdb-boot-retry.XXXXXX)
trap 'bash "$GUEST_SH" stop "$TMP/g" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
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
        sed 's/^/# /' "$TMP/err"
        failed=$((failed + 1))
    fi
}

# The fake QEMU writes its pid file, listens on the gdb port, and writes the
# console line of boot number N (counted in $TMP/boots) from $TMP/console.N.
cat >"$TMP/fake-qemu" <<'PY'
#!/usr/bin/env python3
import os, socket, sys, time
a = sys.argv[1:]
pidfile = a[a.index('-pidfile') + 1]
port = int(a[a.index('-gdb') + 1].rsplit(':', 1)[1])
console = [v.split('path=', 1)[1] for v in a if v.startswith('file,id=console,')][0]
tmp = os.environ['FAKE_QEMU_DIR']
boots = os.path.join(tmp, 'boots')
n = int(open(boots).read()) + 1 if os.path.exists(boots) else 1
open(boots, 'w').write(str(n))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port))
s.listen(1)
open(pidfile, 'w').write('%d\n' % os.getpid())
text = open(os.path.join(tmp, 'console.%d' % n)).read()
time.sleep(0.3)
open(console, 'w').write(text)
time.sleep(60)
PY
chmod +x "$TMP/fake-qemu"
touch "$TMP/vmlinuz" "$TMP/initrd"
INT3='[    2.172355] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI
[    2.172937] RIP: 0010:sched_clock_cpu+0x9/0x190
[    2.177788] Kernel panic - not syncing: Fatal exception in interrupt
'
READY='[    3.000000] LKDB-RELEASE: 6.12.0
LKDB-READY
'
OTHER='[    1.000000] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)
'
HANG='[    1.109599] IP idents hash table entries: 4096 (order: 3, 32768 bytes, linear)
'

start() {
    rm -f "$TMP/boots"
    bash "$GUEST_SH" stop "$TMP/g" >/dev/null 2>&1
    FAKE_QEMU_DIR=$TMP LKDB_QEMU=$TMP/fake-qemu LKDB_VMLINUZ=$TMP/vmlinuz LKDB_INITRD=$TMP/initrd \
        bash "$GUEST_SH" start "$TMP/g" --lifetime 60 --timeout "${BOOT_TIMEOUT:-20}" >"$TMP/out" 2>"$TMP/err"
    echo $? >"$TMP/status"
}
status() { test "$(cat "$TMP/status")" = "$1"; }
boots() { test "$(cat "$TMP/boots")" = "$1"; }

printf '%s' "$INT3" >"$TMP/console.1"
printf '%s' "$READY" >"$TMP/console.2"
start
check "a stale int3 at boot: booted once more, ready" status 0
check "  two boots" boots 2
check "  the log says why" grep -q 'stale int3 under TCG' "$TMP/err"
check "  the failed boot's console is kept" grep -q 'Oops: int3' "$TMP/g/console.failed-boot.log"
check "  console.log is the good boot's" grep -q LKDB-READY "$TMP/g/console.log"

printf '%s' "$INT3" >"$TMP/console.2"
printf '%s' "$READY" >"$TMP/console.3"
start
check "a stale int3 twice: fails" status 1
check "  after two boots, not three" boots 2
check "  says the guest did not boot" grep -q 'did not boot to LKDB-READY' "$TMP/err"

printf '%s' "$OTHER" >"$TMP/console.1"
start
check "another panic before LKDB-READY: fails at once" status 1
check "  one boot" boots 1
check "  the panic is named" grep -q 'Unable to mount root fs' "$TMP/err"

# A console that stops with no panic: a hang, waited for the timeout.
printf '%s' "$HANG" >"$TMP/console.1"
printf '%s' "$READY" >"$TMP/console.2"
BOOT_TIMEOUT=3 start
check "a boot that hangs with no panic: booted once more, ready" status 0
check "  two boots" boots 2
check "  the log says why" grep -q 'no panic in 3s (a TCG hang?)' "$TMP/err"
check "  the hung boot's console is kept" grep -q 'IP idents' "$TMP/g/console.failed-boot.log"

printf '%s' "$HANG" >"$TMP/console.2"
BOOT_TIMEOUT=3 start
check "a hang twice: fails" status 1
check "  after two boots, not three" boots 2

echo "1..$n"
exit $((failed > 0))

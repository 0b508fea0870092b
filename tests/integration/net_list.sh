#!/usr/bin/env bash
# net and net -s.  On the shared dump: net byte for byte as crash 8.0.2
# prints it, --json the same devices.  Live, on the shared guest with lo
# brought up and three netcats (a listener on port 4444, a client
# connected to it, and the connection the listener accepted): net's
# addresses are lo's in the guest's "ip addr" (IPv4 and IPv6), and net -s
# of the netcats (and a listener on 4445 nobody connects to) has each of
# their TCP sockets as /proc/net/tcp{,6} lists it:
# local and remote address and port and state, matched through the
# socket inodes of /proc/PID/fd.  Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

d=$(shared_dump) || exit 1
D=$d/vmcore.elf
"$LKDB" -q "$V" "$D" -c net >"$TMP/net.txt" 2>"$TMP/net.err"
check "net exits 0 on the dump, no warnings" test $? = 0 -a ! -s "$TMP/net.err"
"$LKDB" -q "$V" "$D" -c 'net --json' >"$TMP/net.json" 2>&1
check "--json: the text's devices" python3 -c 'import json, re, sys
j = json.load(open(sys.argv[1]))
t = re.findall(r"(?m)^([0-9a-f]{16})  (\S+)", open(sys.argv[2]).read())
sys.exit(0 if j and [(int(x["net_device"], 16), x["name"]) for x in j] == [(int(a, 16), n) for a, n in t] else 1)' \
    "$TMP/net.json" "$TMP/net.txt"
if have_crash; then
    kaslr=$(printf '0x%x' $((0x$(shared_fact "$d" text) - 0xffffffff81000000)))
    printf 'net > %s\nquit\n' "$TMP/crash.out" >"$TMP/crash.in"
    timeout 300 crash -s --kaslr "$kaslr" "$V" "$D" -i "$TMP/crash.in" >/dev/null 2>&1
    check "crash: net byte for byte as crash 8.0.2's ($(grep -c '' "$TMP/crash.out") lines)" \
        cmp "$TMP/crash.out" "$TMP/net.txt"
else
    ok 0 "crash: net as crash's # SKIP $crash_skip"
fi

g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
start='ip link set lo up; sleep 300 | nc -l -p 4444 >/dev/null 2>&1 & echo pid $!; sleep 1;'
start+=' sleep 300 | nc 127.0.0.1 4444 >/dev/null 2>&1 & echo pid $!;'
start+=' sleep 300 | nc -l -p 4445 >/dev/null 2>&1 & echo pid $!; sleep 1; ip addr show lo'
"$GUEST_SH" run "$g" "$start" | tr -d '\r' >"$TMP/start"
pids=$(awk '$1 == "pid" { print $2 }' "$TMP/start" | tr '\n' ' ')
stop_them() { [[ -n $pids ]] && "$GUEST_SH" run "$g" "kill $pids" >/dev/null 2>&1; pids=; }
trap stop_them EXIT
"$GUEST_SH" run "$g" "cat /proc/net/tcp /proc/net/tcp6; for p in $pids; do for f in /proc/\$p/fd/*; do echo fd \$p \$(readlink \$f); done; done" |
    tr -d '\r' >"$TMP/tcp"
diag "$TMP/start"
"$LKDB" -q -r ":$port" "$V" -c 'net --json' -c "net -s --json $pids" -c "net -s $pids" >"$TMP/live.out" 2>"$TMP/live.err"
"$LKDB" -q -r ":$port" "$V" -c "net -s --json $pids" -c 'foreach nc net --json' >"$TMP/foreach.out" 2>>"$TMP/live.err"
status=$?
diag "$TMP/live.err"
stop_them
check "live: net and net -s exit 0 with no warning" test "$status" = 0 -a ! -s "$TMP/live.err"
check "live: lo's addresses are those of the guest's ip addr (127.0.0.1, ::1)" \
    python3 - "$TMP/start" "$TMP/live.out" <<'PY'
import json, re, sys
ip = open(sys.argv[1]).read()
want4 = re.findall(r'inet (\S+)/', ip)
want6 = re.findall(r'inet6 (\S+)/', ip)
dec = json.JSONDecoder()
devs, _ = dec.raw_decode(open(sys.argv[2]).read())
lo = next((d for d in devs if d['name'] == 'lo'), {})
print('# ip addr: %s %s; lkdb: %s %s' % (want4, want6, lo.get('ipv4'), lo.get('ipv6')))
sys.exit(0 if want4 == ['127.0.0.1'] and lo.get('ipv4') == want4 and lo.get('ipv6') == want6 else 1)
PY
check "live: net -s has each netcat's TCP socket as /proc/net/tcp has it (addresses, ports, state)" \
    python3 - "$TMP/tcp" "$TMP/live.out" <<'PY'
import json, re, socket, struct, sys
lines = open(sys.argv[1]).read().splitlines()
names = {'01': 'ESTABLISHED', '0A': 'LISTEN'}
def addr(h):
    ip, port = h.split(':')
    b = bytes.fromhex(ip)
    if len(b) == 4:
        a = socket.inet_ntop(socket.AF_INET, b[::-1])
    else:
        a = socket.inet_ntop(socket.AF_INET6, b''.join(b[i:i + 4][::-1] for i in range(0, 16, 4)))
    return a, int(port, 16)
by_inode = {}
for l in lines:
    f = l.split()
    if len(f) > 9 and re.match(r'\d+:$', f[0]):
        (la, lp), (ra, rp) = addr(f[1]), addr(f[2])
        by_inode[f[9]] = (la, lp, ra, rp, names.get(f[3], f[3]))
want = {}
for l in lines:
    m = re.match(r'fd (\d+) socket:\[(\d+)\]$', l)
    if m and m[2] in by_inode:
        want.setdefault(int(m[1]), set()).add(by_inode[m[2]])
text = open(sys.argv[2]).read()
dec = json.JSONDecoder()
_, i = dec.raw_decode(text)
tasks, _ = dec.raw_decode(text[i:].lstrip())
got = {t['pid']: {(s['local'], s['local_port'], s['remote'], s['remote_port'], s['state_name'])
                  for s in t['sockets'] if s.get('state_name')} for t in tasks}
got = {p: s for p, s in got.items() if s}
print('# /proc: %s\n# lkdb:  %s' % (want, got))
states = {s[4] for v in want.values() for s in v}
sys.exit(0 if want and got == want and states == {'LISTEN', 'ESTABLISHED'} else 1)
PY
check "live: net -s text: crash's header and a row for the listener on 4445" \
    grep -qE '^ *[0-9]+ [0-9a-f]{16} [0-9a-f]{16} INET(6)?:STREAM +(0\.0\.0\.0|0:0:0:0:0:0:0:0)-4445 ' "$TMP/live.out"
check "live: foreach nc net: each netcat's net -s" python3 -c 'import json, sys
t = open(sys.argv[1]).read()
d = json.JSONDecoder()
a, i = d.raw_decode(t)
b, _ = d.raw_decode(t[i:].lstrip())
sys.exit(0 if a and [x for y in b for x in y] == a else 1)' "$TMP/foreach.out"

one_line_errors "$V" "$D" -- 'net -x' 'net 1' 'net -s 99999' 'net -s -n'
"$LKDB" -q "$V" "$D" -c 'help net' >"$TMP/help.out" 2>&1
check "help net gives the synopsis" grep -qF 'Usage: net [-n [PID|TASK]] | net -s [PID|TASK...] [--json]' "$TMP/help.out"
done_testing

#!/usr/bin/env bash
# files: live, processes the guest starts with a file of /proc, a file of
# /tmp, /dev/null (twice), a pipe and a listening socket open have, fd by
# fd, what their /proc/PID/fd links say, with crash's TYPE (CHR, REG,
# PIPE, SOCK), and the cwd /proc/PID/cwd says; on the shared dump init's
# files and the context task's, with no warning; --json has the text's.
# Bad input: one line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX
d=$(shared_dump) || exit 1

for f in elf flat; do
    "$LKDB" -q "$V" "$d/vmcore.$f" -c 'files 1' -c files >"$TMP/d$f.out" 2>"$TMP/d$f.err"
    status=$?
    diag "$TMP/d$f.err"
    check "dump ($f): files 1 and files exit 0 with no warning, init's fd 0 and crash's header" \
        bash -c "test $status = 0 -a ! -s '$TMP/d$f.err' && grep -q '^PID: 1 ' '$TMP/d$f.out' &&
                 grep -qxF ' FD        FILE             DENTRY            INODE        TYPE  PATH' '$TMP/d$f.out' &&
                 grep -qE '^  0  [0-9a-f]{16}  [0-9a-f]{16}  [0-9a-f]{16}  CHR   /dev/' '$TMP/d$f.out'"
done
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'files --json 1 2' >"$TMP/dj.out" 2>&1
check "dump: --json has the text's files; a kernel thread has none" \
    python3 - "$TMP/dj.out" "$TMP/delf.out" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().split('\nPID: ')[0]
rows = re.findall(r'(?m)^ *(\d+)  ([0-9a-f]{16})  ([0-9a-f]{16})  ([0-9a-f]{16})  (\S+) +(.*)$', text)
ok = [(str(f['fd']), '%016x' % int(f['file'], 16), f['type'], f['path']) for f in j[0]['files']] == \
     [(r[0], r[1], r[4], r[5]) for r in rows] and j[0]['pid'] == 1 and j[1]['pid'] == 2 and j[1]['files'] == []
sys.exit(0 if ok and rows else 1)
PY

# Live: three processes with files of each kind open.
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
start='cd /tmp && (exec 3</proc/version 4>>/tmp/lkdb-files.txt 5<>/dev/null; exec sleep 600) >/dev/null 2>&1 & echo pid $!;'
start+=' sleep 20 | cat >/dev/null 2>&1 & echo pid $!; nc -l -p 4444 >/dev/null 2>&1 & echo pid $!'
"$GUEST_SH" run "$g" "$start" |
    tr -d '\r' | awk '$1 == "pid" { print $2 }' >"$TMP/pids"
sleep 1
pids=$(tr '\n' ' ' <"$TMP/pids")
stop_them() { [[ -n $pids ]] && "$GUEST_SH" run "$g" "kill $pids" >/dev/null 2>&1; pids=; }
trap stop_them EXIT
"$GUEST_SH" run "$g" "for p in $pids; do for f in /proc/\$p/fd/*; do echo fd \$p \${f##*/} \$(readlink \$f); done; echo cwd \$p \$(readlink /proc/\$p/cwd); done" |
    tr -d '\r' >"$TMP/links"
"$LKDB" -q -r ":$port" "$V" -c "files $pids" >"$TMP/live.out" 2>"$TMP/live.err"
status=$?
diag "$TMP/live.err"
# files -d for each dentry of the first process (files, not pipes or sockets).
first=${pids%% *}
dargs=()
while read -r dentry; do dargs+=(-c "files -d $dentry"); done < <(
    sed -n "/^PID: $first /,/^\$/p" "$TMP/live.out" |
        awk '$5 ~ /^(REG|CHR|DIR)$/ { print $3 }' | sort -u)
"$LKDB" -q -r ":$port" "$V" "${dargs[@]}" >"$TMP/dentries.out" 2>&1
stop_them
echo "# processes: $(tr '\n' ' ' <"$TMP/pids")"
check "live: files exits 0 with no warning" test "$status" = 0 -a ! -s "$TMP/live.err"
check "live: each fd's path is its /proc/PID/fd link, the cwd /proc/PID/cwd's, the types crash's" \
    python3 - "$TMP/links" "$TMP/live.out" <<'PY'
import re, sys
want, cwd = {}, {}
for l in open(sys.argv[1]):
    f = l.split()
    if f and f[0] == 'fd' and len(f) == 4:
        want.setdefault(int(f[1]), {})[int(f[2])] = f[3]
    elif f and f[0] == 'cwd' and len(f) == 3:
        cwd[int(f[1])] = f[2]
got, gcwd, types = {}, {}, {}
for block in open(sys.argv[2]).read().split('PID: ')[1:]:
    pid = int(block.split()[0])
    m = re.search(r'(?m)^ROOT: (\S+) +CWD: (\S+)$', block)
    gcwd[pid] = m and m[2]
    for fd, typ, path in re.findall(r'(?m)^ *(\d+)  [0-9a-f]{16}  [0-9a-f]{16}  [0-9a-f]{16}  (\S+) +(.*)$', block):
        got.setdefault(pid, {})[int(fd)] = path
        types[path.split(':')[0] if ':' in path else path] = typ
print('# /proc: %s %s\n# lkdb:  %s %s' % (want, cwd, got, gcwd))
kinds = (types.get('/proc/version'), types.get('/tmp/lkdb-files.txt'), types.get('/dev/null'),
         types.get('pipe'), types.get('socket'))
print('# types: %s' % (kinds,))
sys.exit(0 if len(want) == 3 and got == want and gcwd == cwd and
         kinds == ('REG', 'REG', 'CHR', 'PIPE', 'SOCK') else 1)
PY
check "live: files -d DENTRY has the inode, type and path files shows for each (the /proc links), crash's header" \
    python3 - "$TMP/live.out" "$TMP/dentries.out" "$first" <<'PY'
import re, sys
block = open(sys.argv[1]).read().split('PID: %s ' % sys.argv[3])[1].split('\nPID: ')[0]
rows = {d: (i, t, p) for d, i, t, p in re.findall(
    r'(?m)^ *\d+  [0-9a-f]{16}  ([0-9a-f]{16})  ([0-9a-f]{16})  (REG|CHR|DIR) +(.*)$', block)}
out = open(sys.argv[2]).read()
heads = out.count('     DENTRY           INODE           SUPERBLK     TYPE PATH\n')
got = {d: (i, t, p) for d, i, t, p in re.findall(
    r'(?m)^([0-9a-f]{16}) ([0-9a-f]{16}) [0-9a-f]{16} (REG|CHR|DIR) +(.*)$', out)}
print('# files: %s\n# files -d: %s' % (rows, got))
sys.exit(0 if len(rows) >= 3 and got == rows and heads == len(rows) else 1)
PY

one_line_errors "$V" "$d/vmcore.elf" -- 'files -x' 'files 99999' 'files zzz' 'files -d' 'files -d 0'
"$LKDB" -q "$V" "$d/vmcore.elf" -c 'help files' >"$TMP/help.out" 2>&1
check "help files gives the synopsis and the --json schema" \
    bash -c "grep -qF 'Usage: files [PID|TASK...] | files -d DENTRY [--json]' '$TMP/help.out' && grep -q 'inode, type, path}' '$TMP/help.out'"
done_testing

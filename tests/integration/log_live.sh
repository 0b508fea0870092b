#!/usr/bin/env bash
# log on a live guest: the kernel log read from memory equals what the
# kernel printed on the serial console, holds a marker written to
# /dev/kmsg just before, and --json, -m and -T agree with it.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1
V=$LKDB_VMLINUX

marker="lkdb-marker-$$-$RANDOM"
guest_now=$("$GUEST_SH" run "$g" "echo $marker > /dev/kmsg; date +%s" | tr -d '\r' | tail -1)
# The console as it is now: every line on it was printed before lkdb
# reads the log.  Kernel lines only ("[    1.234567] text"), not /init's
# LKDB-* lines; a last line still being written is left out.
cp "$g/console.log" "$TMP/console.raw"
tr -d '\r' <"$TMP/console.raw" >"$TMP/console.all"
if [[ -n $(tail -c1 "$TMP/console.raw") ]]; then
    sed -i '$d' "$TMP/console.all"
fi
grep -aE '^\[ *[0-9]+\.[0-9]{6}\] ' "$TMP/console.all" | grep -av 'LKDB-' \
    >"$TMP/console"

start=$(date +%s%N)
"$LKDB" -q -r ":$port" "$V" -c 'log --stats' >"$TMP/log" 2>"$TMP/err"
status=$?
end=$(date +%s%N)
diag "$TMP/err"
echo "# lkdb -c log: $(( (end - start) / 1000000 )) ms in all (gdb start and attach included)"
echo "# $(wc -l <"$TMP/log") log lines, $(wc -l <"$TMP/console") kernel lines on the console"
check "log exits 0" test $status = 0
check "no warnings about the buffer" test "$(grep -c 'warning' "$TMP/err")" = 0
check "the marker written to /dev/kmsg is there" \
    grep -qE "^\[ *[0-9]+\.[0-9]{6}\] $marker\$" "$TMP/log"
check "the kernel banner is the first record" \
    grep -qE '^\[ *0\.000000\] Linux version ' <(head -1 "$TMP/log")

# Every kernel line of the console, identical in the log.  A console
# older than the ring (not on a guest this young) would have lost its
# first lines: compare from the log's first line on.
first=$(head -1 "$TMP/log")
awk -v first="$first" 'found || $0 == first { found = 1; print }' \
    "$TMP/console" >"$TMP/console.cmp"
grep -vxFf "$TMP/log" "$TMP/console.cmp" >"$TMP/missing"
echo "# $(wc -l <"$TMP/console.cmp") console lines compared, $(wc -l <"$TMP/missing") missing from log"
head -20 "$TMP/missing" | diag
check "at least 100 console lines compared" \
    test "$(wc -l <"$TMP/console.cmp")" -ge 100
check "every kernel line of the console is in the log, identical" \
    test ! -s "$TMP/missing"
# ... and in the same order: the log, cut to the console's lines, is the
# console.
grep -xFf "$TMP/console.cmp" "$TMP/log" | awk '!seen[$0]++' >"$TMP/log.cut"
awk '!seen[$0]++' "$TMP/console.cmp" >"$TMP/console.uniq"
check "console lines come in the log's order" \
    cmp -s "$TMP/log.cut" "$TMP/console.uniq"
# A multi-line record: each line carries the record's time, as on the
# console ("Unstable clock detected, ..." has four lines on this kernel).
check "multi-line records repeat the prefix on each line" \
    test "$(grep -cE '^\[ *[0-9]+\.[0-9]{6}\] (Unstable clock detected|If you want to keep using the local clock|  "trace_clock=local"|on the kernel command line)' "$TMP/log")" -ge 4

# -m: the level before the text, where crash puts it; the banner is
# KERN_NOTICE, /dev/kmsg's default 4.
"$LKDB" -q -r ":$port" "$V" -c 'log -m' >"$TMP/log-m" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "log -m exits 0" test $status = 0
check "log -m: every line has <0-7> after the time, as crash" \
    test "$(grep -cvE '^\[ *[0-9]+\.[0-9]{6}\] <[0-7]>' "$TMP/log-m")" = 0
check "log -m: the banner is <5>" grep -qE '^\[ *0\.000000\] <5>Linux version ' "$TMP/log-m"
check "log -m: the marker is <4>" grep -qE "^\[ *[0-9.]+\] <4>$marker\$" "$TMP/log-m"
check "log -m has the lines of log" \
    test "$(wc -l <"$TMP/log-m")" -ge "$(wc -l <"$TMP/log")"

# --json: the same records; seq numbers consecutive.
"$LKDB" -q -r ":$port" "$V" -c 'log --json' >"$TMP/json" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "log --json exits 0" test $status = 0
text_lines=$(sed -n "1,/ $marker\$/p" "$TMP/log" | wc -l)
python3 - "$TMP/json" "$marker" "$text_lines" >"$TMP/py" 2>&1 <<'EOF'
import json, sys
records = json.load(open(sys.argv[1]))
marker, text_lines = sys.argv[2], int(sys.argv[3])
# lines of text mode up to and including the marker
idx = [i for i, r in enumerate(records) if r["text"] == marker]
assert len(idx) == 1, "marker records: %d" % len(idx)
lines = sum(r["text"].count("\n") + 1 for r in records[:idx[0] + 1])
assert lines == text_lines, "json lines %d, text lines %d" % (lines, text_lines)
m = records[idx[0]]
assert m["facility"] == 1 and m["level"] == 4, m
seqs = [r["seq"] for r in records]
assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "seq not consecutive"
assert all(r["caller"] is None for r in records), "caller without CONFIG_PRINTK_CALLER"
back = sum(1 for a, b in zip(records, records[1:]) if b["ts_nsec"] < a["ts_nsec"])
print("%d records, seq %d..%d, %d times going back (clock changes at boot)"
      % (len(records), seqs[0], seqs[-1], back))
EOF
status=$?
diag "$TMP/py"
check "--json: same records as text mode, marker from user space, seq consecutive" \
    test $status = 0

# -T: wall-clock time from the kernel's timekeeper; the marker's is the
# guest's date when it was written.
"$LKDB" -q -r ":$port" "$V" -c 'log -T --json' >"$TMP/json-T" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "log -T --json exits 0, no warning" test $status = 0 -a ! -s "$TMP/err"
marker_wall=$(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1])):
    if r["text"] == sys.argv[2]:
        print(r["wall_time_ns"] // 10**9)' "$TMP/json-T" "$marker")
echo "# marker written at guest time $guest_now, -T says ${marker_wall:-?}"
check "-T: the marker's wall time is the guest's date (within 30 s)" \
    test "${marker_wall:-0}" -ge $((guest_now - 30)) -a "${marker_wall:-0}" -le $((guest_now + 30))
"$LKDB" -q -r ":$port" "$V" -c 'log -T' >"$TMP/log-T" 2>&1
check "log -T: dmesg -T style times" \
    grep -qE "^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\] $marker\$" "$TMP/log-T"

# Bad usage is refused without touching the target.
"$LKDB" -q -r ":$port" "$V" -c 'log -x' >"$TMP/out" 2>&1
status=$?
diag "$TMP/out"
check "log -x: usage error, exit 1" test $status = 1
check "log -x: names the option" grep -q 'unknown option -x' "$TMP/out"
done_testing

#!/usr/bin/env bash
# lkdb decode as a command, without QEMU or gdb: golden output on the real
# logs in DATA (no vmlinux exists for them: frames stay as printed, names
# demangled, Code: lines disassembled), demangled names checked against
# c++filt, and bad input: one-line errors, exit 2, no crash, no hang.
# Usage: decode_cli.sh LKDB DATA_DIR VMLINUX_STANDIN
set -uo pipefail
LKDB=$1 DATA=$2 STANDIN=$3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lkdb-decode.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
n=0 failed=0
ok() {
    n=$((n + 1))
    if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() { local name=$1; shift; if "$@"; then ok 0 "$name"; else ok 1 "$name"; fi; }
# one_line_error NAME PATTERN ARGS... (stdin /dev/null): exit 2, one line
one_line_error() {
    local name=$1 pattern=$2
    shift 2
    timeout 20 "$LKDB" decode "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
    local status=$?
    sed 's/^/# /' "$TMP/err"
    check "$name" test $status = 2 -a "$(wc -l <"$TMP/err")" = 1 -a ! -s "$TMP/out"
    check "$name: the message says what is wrong" grep -qE "$pattern" "$TMP/err"
}

for log in "$DATA"/*.log; do
    name=$(basename "$log" .log)
    timeout 20 "$LKDB" decode <"$log" >"$TMP/$name.out" 2>"$TMP/$name.err"
    status=$?
    check "$name: exit 0, nothing on stderr" test $status = 0 -a ! -s "$TMP/$name.err"
    if diff -u "$DATA/$name.expected" "$TMP/$name.out" >"$TMP/diff"; then
        ok 0 "$name: output is the golden one"
    else
        sed 's/^/# /' "$TMP/diff" | head -40
        ok 1 "$name: output is the golden one"
    fi
    # Lines with no frame and no Code: are byte-identical and in order.
    grep -v -e '+0x' -e 'Code: ' "$log" >"$TMP/plain.in"
    grep -Fxf "$TMP/plain.in" "$TMP/$name.out" >"$TMP/plain.out"
    check "$name: other lines pass through unchanged" cmp -s "$TMP/plain.in" "$TMP/plain.out"
done

# Every mangled name of the Rust log as c++filt demangles it (without the
# legacy ::h<hash>, which lkdb leaves out as rustfilt does).
rust=$DATA/rust-module-stack-overflow-4.15.log
grep -oE '_ZN[^+ ]+E\+0x[0-9a-f]+/0x[0-9a-f]+' "$rust" | sed 's/+.*//' >"$TMP/mangled"
c++filt <"$TMP/mangled" | sed -E 's/::h[0-9a-f]{16}$//' >"$TMP/cxxfilt"
missing=0
while IFS= read -r want; do
    grep -qF -- "$want+0x" "$TMP/rust-module-stack-overflow-4.15.out" || { echo "# not found: $want"; missing=1; }
done <"$TMP/cxxfilt"
check "rust: $(wc -l <"$TMP/mangled") legacy-mangled names demangled as c++filt does" \
    test "$(wc -l <"$TMP/mangled")" -gt 20 -a $missing = 0
check "rust: no complete mangled name is left" \
    bash -c "! grep -qE '_ZN[^ ]*E\+0x' '$TMP/rust-module-stack-overflow-4.15.out'"

# JSON: one object per input line, each valid.
"$LKDB" decode --json <"$rust" >"$TMP/rust.json"
check "--json: one valid object per input line" python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
lines = open(sys.argv[2], errors="replace").read().splitlines()
assert len(objs) == len(lines)
assert sum(o["kind"] == "frame" for o in objs) == 55
assert any(o.get("demangled") == "core::cmp::min_by" for o in objs)
assert any(i.get("faulting") is False for o in objs for i in o.get("instructions", []))
' "$TMP/rust.json" "$rust"

# Bad input.
one_line_error "a missing vmlinux is refused" "$TMP/nope.*(No such file|not found)" "$TMP/nope"
printf 'not an ELF file\n' >"$TMP/text"
one_line_error "a vmlinux that is not ELF is refused" "$TMP/text.*ELF" "$TMP/text"
one_line_error "a missing module directory is refused" "module directory $TMP/nodir" "$STANDIN" --modules "$TMP/nodir"
one_line_error "a module directory that is a file is refused" "not a directory" "$STANDIN" -m "$TMP/text"
one_line_error "an unknown option is refused" "unknown option --bogus" --bogus
one_line_error "two vmlinux arguments are refused" "unexpected argument" a b
one_line_error "--modules without a directory is refused" "needs a directory" -m

head -c 200000 /dev/urandom >"$TMP/garbage"
timeout 20 "$LKDB" decode <"$TMP/garbage" >"$TMP/garbage.out" 2>"$TMP/garbage.err"
status=$?
check "binary garbage on stdin: exit 0, passed through byte for byte" \
    bash -c "test $status = 0 && cmp -s '$TMP/garbage' '$TMP/garbage.out'"
timeout 20 "$LKDB" decode --json <"$TMP/garbage" >"$TMP/garbage.json" 2>&1
check "binary garbage with --json: valid JSON lines" \
    python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/garbage.json"
{ printf '[    1.0]  '; head -c 20000000 /dev/zero | tr '\0' 'a'; printf '+0x1/0x2\n'; } >"$TMP/long"
start=$(date +%s%N)
timeout 60 "$LKDB" decode <"$TMP/long" >"$TMP/long.out" 2>"$TMP/long.err"
status=$?
end=$(date +%s%N)
echo "# a 20 MB line: $(( (end - start) / 1000000 )) ms"
check "a 20 MB line passes through unchanged" \
    bash -c "test $status = 0 && cmp -s '$TMP/long' '$TMP/long.out'"
printf 'no newline at the end: foo+0x1/0x2' >"$TMP/nonl"
"$LKDB" decode <"$TMP/nonl" >"$TMP/nonl.out"
check "a last line without a newline stays so (byte for byte)" cmp "$TMP/nonl" "$TMP/nonl.out"
echo "1..$n"
[[ $failed == 0 ]]

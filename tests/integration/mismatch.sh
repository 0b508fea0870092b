#!/usr/bin/env bash
# A vmlinux whose banner differs from the running kernel's is refused with
# both banners named, quickly (before the symbol load); --force goes on.
. "$(dirname "$0")/lib.sh"
g=$(shared_guest) || exit 1
port=$(guest_port "$g") || exit 1

# Same layout, different build: the real vmlinux with one byte of its
# banner's version changed, as a rebuilt kernel would differ.
fake=$TMP/vmlinux-other
cp --reflink=auto "$LKDB_VMLINUX" "$fake"
# "Linux version 6..." -> "Linux version 7..." wherever the banner text
# stands in the file (linux_banner in .rodata, and copies elsewhere).
offsets=$(grep -obUaF "Linux version $LKDB_KVER (" "$fake" | cut -d: -f1)
check "banner found in the vmlinux file" test -n "$offsets"
for offset in $offsets; do
    printf '7' | dd of="$fake" bs=1 seek=$((offset + 14)) conv=notrunc status=none
done

"$LKDB" -r ":$port" "$fake" -c 'p jiffies' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "mismatch exits with status 2" test $status = 2
check "error says the vmlinux does not match and names the file" \
    grep -qE "vmlinux-other: .*running kernel is \"Linux version $LKDB_KVER" "$TMP/err"
check "error names the vmlinux's own banner" \
    grep -qF "Linux version 7" "$TMP/err"
check "no command ran" test ! -s "$TMP/out"
check "the error is one line; the rest is the detach note" \
    test "$(grep -vc "^lkdb: detached from" "$TMP/err")" = 1

"$LKDB" -r ":$port" "$fake" --force -c 'p 1+1' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "--force goes on (exit 0)" test $status = 0
check "--force warns" grep -q "warning: .*--force" "$TMP/err"
check "--force session runs commands" grep -q '= 2' "$TMP/out"

# Not a kernel at all, and no such file: one-line errors naming the file.
"$LKDB" -r ":$port" /bin/true -c 'p 1' >"$TMP/out" 2>"$TMP/err"
status=$?
diag "$TMP/err"
check "/bin/true as vmlinux is refused (status 2)" test $status = 2
check "error names /bin/true" grep -q "^lkdb: /bin/true: " "$TMP/err"
done_testing

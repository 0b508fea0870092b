#!/usr/bin/env bash
# lkdb(1)'s COMMANDS section is made from the command table: the part
# between the "Begin command table" and "End command table" comments must be
# what lkdb --help-commands=man writes.  With --update, write it there.
# Args: LKDB MANPAGE [--update].
set -uo pipefail
LKDB=$1
MAN=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
begin='^\.\\" Begin command table'
end='^\.\\" End command table'
if [ "$(grep -c "$begin" "$MAN")" != 1 ] || [ "$(grep -c "$end" "$MAN")" != 1 ]; then
    echo "not ok 1 - $MAN has one Begin and one End command table comment"
    exit 1
fi
"$LKDB" --help-commands=man >"$TMP/table" || exit 1
if [ "${3:-}" = --update ]; then
    sed -e "/$begin/,/$end/{/$begin/{p;r $TMP/table
};/$end/p;d}" "$MAN" >"$TMP/man" && cat "$TMP/man" >"$MAN"
    exit
fi
sed -n "/$begin/,/$end/{/$begin/d;/$end/d;p}" "$MAN" >"$TMP/page"
echo 1..1
if diff -u "$TMP/page" "$TMP/table" >"$TMP/diff"; then
    echo "ok 1 - $MAN's command list is the command table's"
else
    echo "not ok 1 - $MAN's command list is not the command table's (update: $0 LKDB $MAN --update)"
    sed 's/^/# /' "$TMP/diff"
    exit 1
fi

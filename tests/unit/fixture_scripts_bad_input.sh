#!/usr/bin/env bash
# The fixture scripts refuse bad arguments before they boot anything: one
# line "PROG: error: ..." naming what is wrong, exit status 1, no guest
# directory left behind.
# Args: SCRIPTS_DIR
set -uo pipefail
SCRIPTS=$(realpath "$1")
TMP=$(mktemp -d /tmp/lkdb-script-args.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0
# refused NAME PATTERN COMMAND...: exit 1, one line on stderr matching
# PATTERN, nothing on stdout.
refused() {
    local name=$1 pattern=$2 status
    shift 2
    n=$((n + 1))
    "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    status=$?
    if [[ $status == 1 && $(grep -c '' "$TMP/err") == 1 && ! -s $TMP/out ]] &&
        grep -qE "$pattern" "$TMP/err"; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name (exit $status)"
        sed 's/^/# /' "$TMP/err" "$TMP/out"
        failed=$((failed + 1))
    fi
}
refused "make-kdump.sh: an unknown KIND is named" \
    "^make-kdump.sh: error: unknown KIND 'bogus' \(sysrq, oops or irq\)\$" \
    bash "$SCRIPTS/make-kdump.sh" bogus
refused "make-kdump.sh: no KIND gives the usage" \
    '^make-kdump.sh: error: usage: make-kdump.sh ' \
    bash "$SCRIPTS/make-kdump.sh"
refused "guest.sh start --drive: a missing disk image is named" \
    "^guest.sh: error: start: --drive $TMP/none.img: no such file\$" \
    bash "$SCRIPTS/guest.sh" start "$TMP/g" --drive "$TMP/none.img"
n=$((n + 1))
if [[ ! -e $TMP/g ]]; then
    echo "ok $n - ... and no guest directory is made"
else
    echo "not ok $n - ... and no guest directory is made"
    failed=$((failed + 1))
fi
echo "1..$n"
exit $((failed > 0))

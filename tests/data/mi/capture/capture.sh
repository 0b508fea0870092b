#!/bin/sh
# Regenerate the real gdb transcripts ../gdb*.mi: compile prog.c in a
# temporary directory and feed each *.cmd file to gdb's MI3 interpreter.
# The temporary directory shows as /tmp/prog.  Addresses and pids vary
# between runs: the tests only rely on the structure and on values that
# come from prog.c itself.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/lkdb-mi-capture.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp "$here/prog.c" "$tmp/"
cd "$tmp"
gcc -g -O0 -pthread -o prog prog.c
version=$(gdb --version | sed -n '1s/.* \([0-9][0-9]*\)\.[0-9.]*$/\1/p')
for cmd in "$here"/*.cmd; do
	name=$(basename "$cmd" .cmd)
	# One command at a time, so async output lands between the same
	# commands on every run.
	while IFS= read -r line; do
		printf '%s\n' "$line"
		sleep 0.3
	done <"$cmd" |
	gdb --interpreter=mi3 -nx -q ./prog 2>&1 |
		sed "s|$tmp|/tmp/prog|g" >"$here/../gdb$version-$name.mi"
done

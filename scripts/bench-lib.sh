# bench-lib.sh — what the benchmark scripts share (sourced after they define
# die and CACHE): the tools they time with, the fixture's vmlinux in
# VMLINUX (from $LKDB_VMLINUX, else the cached fixture.env), and
# bench_guest_gone DIR: stop the guest.sh guest in DIR and remove DIR.
command -v timeout >/dev/null 2>&1 || die "'timeout' not found (apt-get install coreutils)"
[[ -n ${EPOCHREALTIME:-} ]] || die "bash ${BASH_VERSION} has no EPOCHREALTIME (need bash >= 5)"
if [[ -z ${LKDB_VMLINUX:-} ]]; then
    env_file=${LKDB_FIXTURE_ENV:-$CACHE/kernel/current/fixture.env}
    [[ -f $env_file ]] || die "no fixture: $env_file not found (run scripts/fixture.sh)"
    # shellcheck source=/dev/null
    . "$env_file"
fi
VMLINUX=${LKDB_VMLINUX:?}
[[ -f $VMLINUX ]] || die "vmlinux $VMLINUX not found (run scripts/fixture.sh)"
bench_guest_gone() {
    [[ -n $1 ]] || return 0
    "$HERE/guest.sh" stop "$1" >/dev/null 2>&1 || log "could not stop the guest in $1"
    rm -rf "$1"
}

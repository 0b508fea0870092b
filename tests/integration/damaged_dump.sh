#!/usr/bin/env bash
# A real dump damaged on purpose: the kernel's lists are what a memory
# corruption hits first, and a debugger must still answer.  The suite's
# shared dump of a panicked guest (lib.sh's shared_dump) is patched in
# copies (ELF: physical address -> file offset from its program headers):
#   - a sleeper's tasks.next pointing back at init's node (a cycle),
#   - a sleeper's tasks.next set to LIST_POISON1 (unreadable),
#   - the modules list head's next set to LIST_POISON1,
#   - a sleeper's saved stack pointer (thread.sp) set to an unmapped address,
#   - a slab cache's object size (kmem_cache.size) set to 0.
# Each command ends within its timeout, does not crash, prints a warning
# naming the damage, and still shows what it could read; ground truth for
# the rest is the intact dump and the guest's own LKDB-SLEEPERS line.
. "$(dirname "$0")/lib.sh"
V=$LKDB_VMLINUX

d=$(shared_dump) || exit 1
intact=$d/vmcore.elf
read -r -a sleepers < <(grep -a -m1 '^LKDB-SLEEPERS:' "$d/console.log" | tr -d '\r' | cut -d' ' -f2-)
sleepers=("${sleepers[@]:1}")
echo "# sleepers: ${sleepers[*]}"
[[ ${#sleepers[@]} -ge 2 ]] || bail_out "fewer than 2 LKDB-SLEEPERS on the dumped guest's console"

# lkdb NAME DUMP ARGS...: output in $TMP/NAME.out/.err, status in .st
lkdb() {
    local name=$1 dump=$2
    shift 2
    timeout 120 "$LKDB" -q "$V" "$dump" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    echo $? >"$TMP/$name.st"
    diag "$TMP/$name.err"
}
st() { cat "$TMP/$1.st"; }
# Opened the dump and ended by itself: 0, or 1 when a command failed on
# the damage; not 2 (lkdb could not start), the timeout (124) or a signal.
ended_cleanly() { local s; s=$(st "$1"); [[ $s == 0 || $s == 1 ]]; }

lkdb facts "$intact" -c 'ps --json' -c 'p/x page_offset_base' -c 'p/x phys_base' \
    -c 'p/x &modules' -c 'p/x &((struct task_struct *)0)->tasks' \
    -c 'p/x &((struct task_struct *)0)->thread.sp' -c 'p/x &((struct kmem_cache *)0)->size' \
    -c 'kmem -s --json'
hexval() { sed -nE "s/^\\\$$1 = (0x[0-9a-f]+)$/\\1/p" "$TMP/facts.out"; }
page_offset=$(hexval 1) phys_base=$(hexval 2) modules=$(hexval 3) tasks_off=$(hexval 4) sp_off=$(hexval 5)
size_off=$(hexval 6)
# The cache to damage (kmalloc-64: it has slabs) and one after it in
# kmem -s's order that must still be walked.
cache_of() { grep -oE "\"cache\": \"0x[0-9a-f]+\", \"name\": \"$1\"" "$TMP/facts.out" | grep -oE '0x[0-9a-f]+'; }
bad_cache=$(cache_of kmalloc-64) good_cache=$(cache_of kmalloc-8)
echo "# page_offset_base $page_offset phys_base $phys_base &modules $modules tasks@$tasks_off thread.sp@$sp_off"
[[ -n $page_offset && -n $phys_base && -n $modules && -n $tasks_off && -n $sp_off &&
   -n $size_off && -n $bad_cache && -n $good_cache ]] ||
    { echo "Bail out! could not read the layout from the intact dump"; exit 1; }
task_of() { # PID -> task address (hex, no 0x)
    python3 -c 'import json,sys
for t in json.JSONDecoder().raw_decode(sys.stdin.read())[0]:
    if t["pid"] == int(sys.argv[1]): print("%x" % int(t["task"], 16)); break' "$1" <"$TMP/facts.out"
}
s1=${sleepers[0]} s2=${sleepers[1]}
t1=$(task_of "$s1") t2=$(task_of "$s2") init=$(task_of 1)
[[ -n $t1 && -n $t2 && -n $init ]] || { echo "Bail out! sleepers not in ps"; exit 1; }

# patch IN OUT KIND ADDR VALUE: OUT = IN with 8 bytes at the kernel address
# ADDR (KIND direct: the direct map; image: the kernel image) set to VALUE.
patch() {
    python3 - "$@" "$page_offset" "$phys_base" <<'PY'
import shutil, struct, sys
src, dst, kind, addr, value, page_offset, phys_base = sys.argv[1:8]
addr, value = int(addr, 16), int(value, 16)
if kind == 'direct':
    phys = addr - int(page_offset, 16)
else:
    phys = (addr - 0xffffffff80000000 + int(phys_base, 16)) % (1 << 64)
shutil.copyfile(src, dst)
with open(dst, 'r+b') as f:
    hdr = f.read(64)
    phoff, = struct.unpack_from('<Q', hdr, 32)
    phentsize, phnum = struct.unpack_from('<HH', hdr, 54)
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack('<IIQQQQ', f.read(40))
        if p_type == 1 and p_paddr <= phys < p_paddr + p_filesz:
            f.seek(p_offset + phys - p_paddr)
            f.write(struct.pack('<Q', value))
            sys.exit(0)
sys.exit('physical address 0x%x is not in the dump' % phys)
PY
}
poison=dead000000000100
node() { printf '%x' $((0x$1 + tasks_off)); }
patch "$intact" "$TMP/cycle.elf" direct "$(node "$t1")" "$(node "$init")" ||
    bail_out "cannot patch the dump (cycle)"
patch "$intact" "$TMP/poison.elf" direct "$(node "$t1")" "$poison" ||
    bail_out "cannot patch the dump (poisoned task)"
patch "$intact" "$TMP/modules.elf" image "${modules#0x}" "$poison" ||
    bail_out "cannot patch the dump (modules list)"
patch "$intact" "$TMP/stack.elf" direct "$(printf '%x' $((0x$t2 + sp_off)))" ffffc9ffdead0000 ||
    bail_out "cannot patch the dump (saved stack pointer)"
patch "$intact" "$TMP/cache.elf" direct "$(printf '%x' $((bad_cache + size_off)))" 0 ||
    bail_out "cannot patch the dump (kmem_cache.size)"

lkdb intact-ps "$intact" -c ps
n_intact=$(grep -cE '^[ >]+[0-9]+ ' "$TMP/intact-ps.out")

lkdb cycle "$TMP/cycle.elf" -c ps -c "bt $s2"
check "cycle in the task list: ps ends by itself" ended_cleanly cycle
check "cycle in the task list: a warning names the cycle" \
    grep -qE '^lkdb: ps: warning: task 0x[0-9a-f]+ seen twice \(a cycle' "$TMP/cycle.err"
check "cycle in the task list: ps still lists init and sleeper $s1" \
    bash -c "grep -qE '^[ >]+1 +0 ' '$TMP/cycle.out' && grep -qE '^[ >]+$s1 ' '$TMP/cycle.out'"
n_cycle=$(grep -cE '^[ >]+[0-9]+ ' "$TMP/cycle.out")
echo "# tasks: intact $n_intact, with the cycle $n_cycle"
check "cycle in the task list: no task is listed twice" \
    test "$(grep -E '^[ >]+[0-9]+ ' "$TMP/cycle.out" | tr -d '>' | awk '{print $4}' | sort | uniq -d | wc -l)" = 0

lkdb poison "$TMP/poison.elf" -c ps -c sys
check "poisoned task pointer: ps and sys end by themselves" ended_cleanly poison
check "poisoned task pointer: a warning names the unreadable address" \
    grep -qE "^lkdb: ps: warning: cannot read task 0x[0-9a-f]+" "$TMP/poison.err"
check "poisoned task pointer: ps still lists sleeper $s1 (before the damage)" \
    grep -qE "^[ >]+$s1 " "$TMP/poison.out"
check "poisoned task pointer: sys still answers (RELEASE)" \
    grep -qE '^ +RELEASE: [0-9]' "$TMP/poison.out"

lkdb modules "$TMP/modules.elf" -c mod -c "bt $s1"
check "poisoned modules list: mod and bt end by themselves" ended_cleanly modules
check "poisoned modules list: a warning names the bad pointer" \
    grep -qE "warning: bad list pointer 0x$poison|warning: cannot read struct module" "$TMP/modules.err"
check "poisoned modules list: bt of a sleeper still goes through schedule" \
    grep -qE '^ *#[0-9]+ \[[0-9a-f]{16}\] schedule at ' "$TMP/modules.out"

lkdb stack "$TMP/stack.elf" -c "bt $s2" -c "bt $s1"
check "unmapped saved stack pointer: bt ends by itself" ended_cleanly stack
check "unmapped saved stack pointer: a one-line error names PID $s2 and the address" \
    grep -qE "^lkdb: .*PID $s2: .*ffffc9ffdead" "$TMP/stack.err"
check "unmapped saved stack pointer: the next bt ($s1) still works" \
    grep -qE "^PID: +$s1 " "$TMP/stack.out"
lkdb cache "$TMP/cache.elf" -c 'kmem -S'
check "slab cache of 0-byte objects: kmem -S ends by itself" ended_cleanly cache
check "slab cache of 0-byte objects: a warning names kmalloc-64 and its address" \
    grep -qE "^lkdb: kmem: warning: cache \"kmalloc-64\" \($bad_cache\): .*0 bytes" "$TMP/cache.err"
check "slab cache of 0-byte objects: kmem -S still walks the other caches (kmalloc-8)" \
    grep -qE "^${good_cache#0x} +[0-9]+ .* kmalloc-8\$" "$TMP/cache.out"
done_testing

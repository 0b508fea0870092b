#!/usr/bin/env python3
"""check-include-graph.py [SOURCE_ROOT] — the rooms' include rules, as TAP.

lkdb's sources live in rooms (directories).  Every room has a rank; a file
may include headers of its own room and of rooms of lower rank only, so a
lower room never calls up into a higher one.  The modules (x.c with its x.h)
must also include each other without a cycle: when a.c includes b.h and b.c
includes a.h, a and b cannot be understood, tested or replaced alone.

Checked, one TAP line each:
  - every #include "..." names a file that exists, by its path from the
    source root (no "../", no bare names that only an include path finds);
  - no file includes a header of a higher-ranked room (or of a room that is
    not in RANKS: a new room must be given its place);
  - mi/ and kernel-helpers/ include nothing of each other (APART);
  - the module graph has no cycle (the cycle is printed when there is one).
Exit status 1 when any check fails.
"""
import os
import re
import sys

# Lower rank = lower room.  A room includes only its own and lower ranks.
# Rooms of equal rank may not include each other at all.
RANKS = {
    "common": 0,
    "mi": 1,
    "kernel-helpers/core": 1,
    "kernel-helpers/memory": 2,
    "kernel-helpers/x86_64": 2,
    "kernel-helpers/fs": 2,
    "kernel-helpers/dumps": 3,
    "kernel-helpers/devices": 3,
    "kernel-helpers/symbols": 4,
    "kernel-helpers/log": 4,
    "kernel-helpers/tasks": 5,
    "kernel-helpers/decode": 6,
    "server": 6,
    "frontend/terminal": 6,
    "frontend/target": 7,
    "frontend/core": 8,
    "frontend/kernel": 9,
    "frontend/live": 10,
    "frontend/decode": 10,
    "frontend/cmd": 11,
    "frontend/cmd/memory": 11,
    "frontend/cmd/fs": 11,
    "frontend/cmd/tasks": 11,
    "frontend/cmd/system": 11,
    "frontend": 12,
}
# Rooms that must know nothing of each other whatever their ranks:
# (includer's room prefix, forbidden room prefix).  mi/ drives gdb and knows
# nothing of kernels; kernel-helpers/ read kernels and know nothing of gdb
# (nor of the server that speaks gdb's protocol).
APART = [
    ("mi", "kernel-helpers"),
    ("kernel-helpers", "mi"),
    ("kernel-helpers", "server"),
]
SOURCE_DIRS = ("common", "mi", "kernel-helpers", "frontend", "server")
SYSTEM_HEADERS = {"config.h"}  # generated in the build root
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(root):
    for top in SOURCE_DIRS:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), root)


def room_of(path):
    return os.path.dirname(path)


def module_of(path):
    return os.path.splitext(path)[0]


def find_cycle(graph):
    """One cycle of the graph as a list of nodes, or None."""
    state = {}
    stack = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..")
    root = os.path.abspath(root)
    files = sorted(sources(root))
    unresolved, upward, unranked, apart = [], [], set(), []
    modules = {}
    for f in files:
        text = open(os.path.join(root, f), encoding="utf-8").read()
        me = module_of(f)
        modules.setdefault(me, set())
        for inc in INCLUDE.findall(text):
            if inc in SYSTEM_HEADERS:
                continue
            if not os.path.isfile(os.path.join(root, inc)) or ".." in inc:
                unresolved.append(f"{f}: #include \"{inc}\"")
                continue
            mine, theirs = room_of(f), room_of(inc)
            for r in (mine, theirs):
                if r not in RANKS:
                    unranked.add(r)
            if mine != theirs and mine in RANKS and theirs in RANKS and \
                    RANKS[theirs] >= RANKS[mine]:
                upward.append(f"{f} ({mine}, rank {RANKS[mine]}) includes "
                              f"{inc} ({theirs}, rank {RANKS[theirs]})")
            for a, b in APART:
                if (mine + "/").startswith(a + "/") and \
                        (theirs + "/").startswith(b + "/"):
                    apart.append(f"{f} ({a}) includes {inc} ({b})")
            if module_of(inc) != me:
                modules[me].add(module_of(inc))
    n = 0
    failed = 0

    def tap(ok, what, details):
        nonlocal n, failed
        n += 1
        print(("ok" if ok else "not ok") + f" {n} - {what}")
        for d in details:
            print(f"# {d}")
        if not ok:
            failed += 1

    tap(not unresolved, "every include names a file by its path from the source root",
        unresolved)
    tap(not unranked, "every room has a rank",
        [f"room {r} is not in RANKS" for r in sorted(unranked)])
    tap(not upward, "no room includes a room of its own rank or higher", upward)
    tap(not apart, "mi/ includes nothing of kernel-helpers/, kernel-helpers/ nothing of mi/ or server/",
        apart)
    cycle = find_cycle(modules)
    tap(cycle is None, f"the {len(modules)} modules include each other without a cycle",
        [" -> ".join(cycle)] if cycle else [])
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

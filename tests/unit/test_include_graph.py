#!/usr/bin/env python3
"""TAP: scripts/check-include-graph.py fails on what it must refuse.

Small source trees in a temporary directory, each with one fault: an
include by bare name, an upward include between rooms, an include between
rooms kept apart, a cycle between modules of one room, an unranked room.
The checker must pass the clean tree and fail each faulty one, naming the
file."""
import os
import shutil
import subprocess
import sys
import tempfile

checker = sys.argv[1]
n = 0
failed = 0


def tree(files):
    d = tempfile.mkdtemp()
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(d, path)), exist_ok=True)
        with open(os.path.join(d, path), "w") as f:
            f.write(text)
    return d


def run(files):
    d = tree(files)
    try:
        r = subprocess.run([sys.executable, checker, d],
                           capture_output=True, text=True)
    finally:
        shutil.rmtree(d)
    return r.returncode, r.stdout


def check(ok, what, out=""):
    global n, failed
    n += 1
    print(("ok" if ok else "not ok") + f" {n} - {what}")
    if not ok:
        failed += 1
        for line in out.splitlines():
            print("# " + line)


base = {
    "common/error.h": "",
    "common/error.c": '#include "common/error.h"\n',
    "kernel-helpers/core/vmlinux.h": '#include "common/error.h"\n',
    "kernel-helpers/core/vmlinux.c": '#include "kernel-helpers/core/vmlinux.h"\n',
    "frontend/core/session.h": '#include "kernel-helpers/core/vmlinux.h"\n',
    "frontend/core/session.c": '#include "frontend/core/session.h"\n',
    "frontend/main.c": '#include "frontend/core/session.h"\n',
}

status, out = run(base)
check(status == 0 and "not ok" not in out, "a clean tree passes", out)

faults = [
    ("an include by bare name", "frontend/core/session.c",
     '#include "session.h"\n', "not ok 1", "session.c"),
    ("an include of a higher room", "kernel-helpers/core/vmlinux.c",
     '#include "frontend/core/session.h"\n', "not ok 3", "vmlinux.c"),
    ("kernel-helpers including mi", "kernel-helpers/core/vmlinux.c",
     '#include "mi/gdb_driver.h"\n', "not ok 4", "mi/gdb_driver.h"),
    ("a room without a rank", "frontend/newroom/x.c",
     '#include "common/error.h"\n', "not ok 2", "frontend/newroom"),
    ("a cycle between two modules", "common/error.h",
     '#include "common/fdio.h"\n', "not ok 5", "common/error -> common/fdio"),
]
for what, path, text, verdict, names in faults:
    files = dict(base)
    files["mi/gdb_driver.h"] = ""
    files["common/fdio.h"] = ""
    files["common/fdio.c"] = '#include "common/fdio.h"\n#include "common/error.h"\n'
    files[path] = files.get(path, "") + text
    status, out = run(files)
    check(status == 1 and verdict in out and names in out,
          f"{what} fails the check and is named", out)

print(f"1..{n}")
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Cost of creating files right after a mass deletion, in a plain folder and below one marked `chattr +T`.

Repeats what the benchmark harness does between runs: write 2,000 files of 8 KB, delete them, sync, wait 5 s; then
create 1,000 empty files in a new `instances/.incoming/`, either plain or below an `instances/` marked with ext4's
top-directory attribute (as the Gateway's file-system store does, `TopDirectoryFlag`). Prints the new folder's inode
number and the system CPU per create. On ext4 without a journal the allocator steps over every inode freed in the
last 60 s (docs/performance.md, "An upload folder per start").

Usage: bench/fs/create_after_delete.py [BASE]   (BASE defaults to /tmp/bench-data/run/exp10, on the harness's disk)
Modes are run in the order plain, marked, plain, marked.
"""
import os, resource, shutil, subprocess, sys, time

base = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench-data/run/exp10"


def churn():
    d = base + "/prev"
    os.makedirs(d, exist_ok=True)
    for i in range(2000):
        with open(os.path.join(d, f"p{i}"), "wb") as f:
            f.write(b"x" * 8192)
    shutil.rmtree(base)
    os.sync()
    time.sleep(5)


def create(parent, marked, n=1000):
    os.makedirs(parent, exist_ok=True)
    if marked:
        subprocess.run(["chattr", "+T", parent], check=True)
    d = parent + "/.incoming"
    os.makedirs(d)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    w0 = time.perf_counter()
    for i in range(n):
        os.close(os.open(os.path.join(d, f"x{i}.tmp"), os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644))
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return (f".incoming inode {os.stat(d).st_ino}  system CPU per create {(r1.ru_stime - r0.ru_stime) * 1000 / n:.3f} ms"
            f"  wall per create {(time.perf_counter() - w0) * 1000 / n:.3f} ms")


for marked in (False, True, False, True):
    churn()
    print("marked" if marked else "plain ", create(base + "/data/instances", marked))
shutil.rmtree(base, ignore_errors=True)

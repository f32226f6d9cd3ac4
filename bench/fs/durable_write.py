#!/usr/bin/env python3
"""How fast this disk makes data durable: the floor under a durable C-STORE.

1. `appends`: 8 KB and 0.5 MB appends, each followed by fdatasync, into a 64 MB file that was preallocated
   (posix_fallocate: unwritten extents), truncated to size, or zero-filled (written blocks). Median and p90 latency.
2. `files`: for 3 s each, with 1 and 4 threads, either a new file per 0.5 MB (create, write, fsync, close) or an
   overwrite of written blocks (pwrite 0.5 MB, fdatasync). Files/s and MB/s.

Usage: bench/fs/durable_write.py [appends|files|all] [DIR]   (DIR defaults to /tmp/bench-data/run/fs, the harness's disk)
Results and reading: docs/performance.md, "An upload folder per start".
"""
import os, shutil, sys, threading, time

what = sys.argv[1] if len(sys.argv) > 1 else "all"
root = sys.argv[2] if len(sys.argv) > 2 else "/tmp/bench-data/run/fs"
os.makedirs(root, exist_ok=True)
SEGMENT = 64 << 20


def appends(mode, n, size):
    path = f"{root}/segment-{mode}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    if mode == "preallocated":
        os.posix_fallocate(fd, 0, SEGMENT)
    elif mode == "truncated":
        os.ftruncate(fd, SEGMENT)
    else:
        zeros = b"\0" * (1 << 20)
        for i in range(SEGMENT >> 20):
            os.pwrite(fd, zeros, i << 20)
    os.fsync(fd)
    data = os.urandom(size)
    times = []
    for i in range(n):
        t = time.perf_counter()
        os.pwrite(fd, data, 4096 + i * size)
        os.fdatasync(fd)
        times.append(time.perf_counter() - t)
    os.close(fd)
    os.unlink(path)
    times.sort()
    print(f"{mode:12s} {size:7d} B + fdatasync: median {times[n // 2] * 1e3:.3f} ms  p90 {times[int(n * .9)] * 1e3:.3f} ms")


def files(mode, threads, size=512 * 1024, seconds=3.0):
    counts = [0] * threads
    stop = threading.Event()

    def worker(k):
        d = f"{root}/files/{k}"
        os.makedirs(d, exist_ok=True)
        data = os.urandom(size)
        i = 0
        if mode == "overwrite":
            fd = os.open(f"{d}/segment", os.O_RDWR | os.O_CREAT, 0o644)
            zeros = b"\0" * size
            for j in range(64):
                os.pwrite(fd, zeros, j * size)
            os.fsync(fd)
        while not stop.is_set():
            if mode == "new file":
                fd = os.open(f"{d}/f{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                os.write(fd, data)
                os.fsync(fd)
                os.close(fd)
            else:
                os.pwrite(fd, data, (i % 64) * size)
                os.fdatasync(fd)
            i += 1
        counts[k] = i

    shutil.rmtree(f"{root}/files", ignore_errors=True)
    workers = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    start = time.time()
    for w in workers:
        w.start()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    elapsed = time.time() - start
    total = sum(counts)
    print(f"{mode:9s} threads={threads}: {total / elapsed:8.1f} files/s  {total * size / elapsed / 1e6:7.1f} MB/s")


if what in ("appends", "all"):
    for size in (8192, 524288):
        for mode in ("preallocated", "zero-filled", "truncated", "preallocated", "zero-filled"):
            appends(mode, 300 if size > 8192 else 1000, size)
if what in ("files", "all"):
    for mode in ("new file", "overwrite", "new file", "overwrite"):
        for threads in (1, 4):
            files(mode, threads)
shutil.rmtree(root, ignore_errors=True)

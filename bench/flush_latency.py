#!/usr/bin/env python3
"""flush_latency.py - the device's durable-write latency, the floor under every durable C-STORE response.

Usage:  bench/flush_latency.py [DIR] [--count N] [--size BYTES] [--runs R]

In DIR (default: the current folder; use the file system the Gateway's data directory is on) the script
preallocates one file, then R times writes N records of BYTES each, one after another, each followed by
fdatasync(2): what a journal commit costs when nothing else is waiting to share it. It prints, per run, the
records per second, the median and the 10th/90th percentile latency, and the CPU time per record (user + system,
from getrusage), and removes its file.

A durable SCP cannot answer a C-STORE before such a write is done, and with one association the sender waits for
each answer before it sends the next. So with one association no durable server can take more files per second
than 1 / (sender's work per file + this latency); docs/performance.md ("Local mode against DCMTK")
uses it that way.
"""
import argparse
import os
import resource
import statistics
import sys
import time


def one_run(path: str, count: int, size: int) -> tuple[float, float, float, float, float]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.posix_fallocate(fd, 0, count * size)
        os.fsync(fd)
        record = b"\x5a" * size
        latencies = []
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        for i in range(count):
            t0 = time.perf_counter()
            os.pwrite(fd, record, i * size)
            os.fdatasync(fd)
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        os.close(fd)
        os.unlink(path)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    deciles = statistics.quantiles(latencies, n=10)
    return count / elapsed, statistics.median(latencies), deciles[0], deciles[-1], cpu / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=".")
    parser.add_argument("--count", type=int, default=2000, help="records per run (default 2000)")
    parser.add_argument("--size", type=int, default=8192, help="bytes per record (default 8192)")
    parser.add_argument("--runs", type=int, default=3, help="runs (default 3)")
    args = parser.parse_args()
    if args.count < 10 or args.size < 1 or args.runs < 1:
        parser.error("--count must be at least 10, --size and --runs at least 1")
    if not os.path.isdir(args.dir):
        parser.error(f"{args.dir} is not a folder")
    path = os.path.join(args.dir, f".flush_latency.{os.getpid()}")
    print("run\trecords/s\tmedian_us\tp10_us\tp90_us\tcpu_us_per_record")
    for run in range(1, args.runs + 1):
        rate, median, p10, p90, cpu = one_run(path, args.count, args.size)
        print(f"{run}\t{rate:.0f}\t{median * 1e6:.0f}\t{p10 * 1e6:.0f}\t{p90 * 1e6:.0f}\t{cpu * 1e6:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

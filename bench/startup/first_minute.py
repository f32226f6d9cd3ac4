#!/usr/bin/python3
"""first_minute.py - the Gateway's first minute after a start, under runtime settings given as environment variables.

Per run: a fresh data folder; the published Gateway is started and the clock runs from its start; the time until the
DICOM port accepts a TCP connection (what the container health check and a load balancer see); then storescu sends
from that moment on, one association at a time, CHUNK files per association, cycling over the data set, until DURATION
seconds have passed. Every C-STORE response is time-stamped from storescu's log, so the run yields files/s per
WINDOW-second window, the latency of the first instance (storescu started -> its first C-STORE-RSP) and the Gateway's
CPU (utime + stime from /proc) at the port opening and at every window boundary. Configurations alternate run by run
(A B, then B A), and the load average is noted per run, because the machine may be shared.

Run through first_minute.sh (a private network namespace, so only loopback is reachable). Settings (environment):
  GW=<published Gateway folder>  DATA_ROOT=/tmp/gw-bench/data  DATASETS="ct tiny"  CONFIGS="today tiered"
  RUNS=3  DURATION=70  WINDOW=10  PAUSE=30  CHUNK_ct=100  CHUNK_tiny=200  WORK=/tmp/gw-bench/first-minute
  RESULTS=<WORK>/results.tsv  PORT=11112  HTTP_PORT=8042
Configurations (CONFIGS, any of):
  today         the published runtimeconfig (TieredCompilation=false) and the start-up warm-up (its default)
  tiered        DOTNET_TieredCompilation=1 (tiered PGO on, the runtime's default), no warm-up
  tiered-warmup DOTNET_TieredCompilation=1 and the warm-up
  nowarmup      TieredCompilation=false, no warm-up
The warm-up (Gateway:WarmUpAtStart) exists only in builds before bench/startup/README.md's decision; later builds
ignore the key, so there "today" and "nowarmup" are the same published settings.
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

CONFIGS = {
    "today": {},
    "tiered": {"DOTNET_TieredCompilation": "1", "Gateway__WarmUpAtStart": "false"},
    "tiered-warmup": {"DOTNET_TieredCompilation": "1"},
    "nowarmup": {"Gateway__WarmUpAtStart": "false"},
}
TICK = os.sysconf("SC_CLK_TCK")


def env(name, default):
    return os.environ.get(name, default)


def cpu_seconds(pid):
    """utime + stime of the process (all its threads), in seconds; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def wait_accepting(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return time.monotonic()
        except OSError:
            time.sleep(0.005)
    return None


def files_of(folder):
    found = []
    for root, _, names in os.walk(folder):
        found.extend(os.path.join(root, n) for n in names)
    return sorted(found)


def send(files, chunk, port, start, duration, out):
    """One association after another from `start` until `duration` has passed; appends response times to `out`."""
    chunks = [files[i:i + chunk] for i in range(0, len(files), chunk)]
    i = 0
    client_env = dict(os.environ, TCP_NODELAY="1")
    while time.monotonic() - start < duration:
        launched = time.monotonic()
        proc = subprocess.Popen(
            ["storescu", "-v", "-aet", "BENCHSCU", "-aec", "ANY-SCP", "-R", "-xs", "127.0.0.1", str(port)] + chunks[i % len(chunks)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, env=client_env)
        for line in proc.stdout:
            if "Received Store Response" in line:
                out["times"].append(time.monotonic())
                if "(Success)" not in line:
                    out["failures"] += 1
                if out["first_latency"] is None:
                    out["first_latency"] = time.monotonic() - launched
        proc.wait()
        if proc.returncode != 0:
            out["client_errors"] += 1
        i += 1


def one_run(gw, config, dataset, files, settings):
    port, http_port, work = settings["port"], settings["http_port"], settings["work"]
    store = os.path.join(work, "store")
    subprocess.run(["rm", "-rf", store], check=True)
    os.makedirs(store)
    load = open("/proc/loadavg").read().split()[0]
    log = open(os.path.join(work, f"gateway-{config}-{dataset}.log"), "w")
    run_env = dict(os.environ, **CONFIGS[config])
    started = time.monotonic()
    server = subprocess.Popen(
        ["dotnet", os.path.join(gw, "ImagingGateway.Gateway.dll"), "serve", "--port", str(port), "--http-port", str(http_port), "--data", store],
        stdout=log, stderr=subprocess.STDOUT, env=run_env, start_new_session=True)
    row = {"config": config, "dataset": dataset, "load1": load}
    try:
        accepted = wait_accepting(port, 180)
        if accepted is None:
            raise RuntimeError("the Gateway did not accept within 180 s")
        row["accept_s"] = accepted - started
        row["cpu_at_accept_s"] = cpu_seconds(server.pid)
        out = {"times": [], "failures": 0, "client_errors": 0, "first_latency": None}
        sender = threading.Thread(target=send, args=(files, settings["chunk"][dataset], port, accepted, settings["duration"], out))
        sender.start()
        window, duration = settings["window"], settings["duration"]
        cpu_marks = [row["cpu_at_accept_s"]]
        for k in range(1, int(duration // window) + 1):
            time.sleep(max(0.0, accepted + k * window - time.monotonic()))
            cpu_marks.append(cpu_seconds(server.pid))
        sender.join()
        windows = [0] * int(duration // window)
        for t in out["times"]:
            k = int((t - accepted) // window)
            if k < len(windows):
                windows[k] += 1
        row.update(
            first_latency_ms=(out["first_latency"] or float("nan")) * 1000,
            files=len(out["times"]), failures=out["failures"], client_errors=out["client_errors"],
            files_per_window=windows, cpu_per_window=[b - a for a, b in zip(cpu_marks, cpu_marks[1:])])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        subprocess.run(["rm", "-rf", store], check=True)
    return row


def median(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main():
    gw = env("GW", "")
    if not os.path.isfile(os.path.join(gw, "ImagingGateway.Gateway.dll")):
        sys.exit("GW must name a published Gateway folder (dotnet publish ... -p:PublishReadyToRun=true -o DIR)")
    data_root = env("DATA_ROOT", "/tmp/gw-bench/data")
    datasets = env("DATASETS", "ct tiny").split()
    configs = env("CONFIGS", "today tiered").split()
    for c in configs:
        if c not in CONFIGS:
            sys.exit(f"unknown configuration {c}; known: {' '.join(CONFIGS)}")
    work = env("WORK", "/tmp/gw-bench/first-minute")
    os.makedirs(work, exist_ok=True)
    settings = {
        "port": int(env("PORT", "11112")), "http_port": int(env("HTTP_PORT", "8042")), "work": work,
        "duration": float(env("DURATION", "70")), "window": float(env("WINDOW", "10")),
        "chunk": {d: int(env(f"CHUNK_{d}", "100" if d == "ct" else "200")) for d in datasets},
    }
    runs, pause = int(env("RUNS", "3")), float(env("PAUSE", "30"))
    results = env("RESULTS", os.path.join(work, "results.tsv"))
    data = {}
    for d in datasets:
        data[d] = files_of(os.path.join(data_root, d))
        if not data[d]:
            sys.exit(f"no files in {data_root}/{d} (../shared/bench/gen_data.py {d} --out {data_root})")
        for f in data[d]:  # into the page cache: the client's disk reads are not measured
            with open(f, "rb") as fh:
                while fh.read(1 << 20):
                    pass

    n_windows = int(settings["duration"] // settings["window"])
    header = ["config", "dataset", "run", "load1", "accept_s", "cpu_at_accept_s", "first_latency_ms", "files", "failures", "client_errors"]
    header += [f"files_w{k}" for k in range(n_windows)] + [f"cpu_w{k}" for k in range(n_windows)]
    new_file = not os.path.exists(results) or os.path.getsize(results) == 0
    rows = []
    with open(results, "a") as tsv:
        if new_file:
            tsv.write("\t".join(header) + "\n")
        for r in range(1, runs + 1):
            for d in datasets:
                for c in (configs if r % 2 else list(reversed(configs))):
                    time.sleep(pause)
                    row = one_run(gw, c, d, data[d], settings)
                    row["run"] = r
                    rows.append(row)
                    fpw, cpw = row["files_per_window"], row["cpu_per_window"]
                    tsv.write("\t".join(str(x) for x in [c, d, r, row["load1"], f"{row['accept_s']:.3f}", f"{row['cpu_at_accept_s']:.2f}",
                                                         f"{row['first_latency_ms']:.1f}", row["files"], row["failures"], row["client_errors"]]
                                        + fpw + [f"{x:.2f}" for x in cpw]) + "\n")
                    tsv.flush()
                    print(f"{time.strftime('%H:%M:%S')} run {r} {d} {c}: load {row['load1']}, accepts after {row['accept_s']:.2f} s "
                          f"(cpu {row['cpu_at_accept_s']:.2f} s), first instance {row['first_latency_ms']:.0f} ms, "
                          f"files/window {fpw}, cpu/window {[round(x, 2) for x in cpw]}, failures {row['failures']}", flush=True)

    w = settings["window"]
    print(f"\nMedians of {runs} runs. Windows of {w:.0f} s from the moment the port accepts; CPU is the Gateway's (utime+stime).")
    minute = int(60 // w)
    print("| data | config | accepts after s | CPU until then s | first instance ms | " + " | ".join(f"files/s {k * w:.0f}-{(k + 1) * w:.0f} s" for k in range(n_windows))
          + " | files in 60 s | CPU s start..60 s | CPU ms/file in 60 s | load1 |")
    print("|" + "---|" * (9 + n_windows))
    for d in datasets:
        for c in configs:
            mine = [x for x in rows if x["config"] == c and x["dataset"] == d]
            per_window = [median([x["files_per_window"][k] / w for x in mine]) for k in range(n_windows)]
            files60 = [sum(x["files_per_window"][:minute]) for x in mine]
            cpu60 = [x["cpu_at_accept_s"] + sum(x["cpu_per_window"][:minute]) for x in mine]
            ms_file = [1000 * sum(x["cpu_per_window"][:minute]) / max(1, f) for x, f in zip(mine, files60)]
            print(f"| {d} | {c} | {median([x['accept_s'] for x in mine]):.2f} | {median([x['cpu_at_accept_s'] for x in mine]):.2f} | "
                  f"{median([x['first_latency_ms'] for x in mine]):.0f} | " + " | ".join(f"{v:.0f}" for v in per_window)
                  + f" | {median(files60):.0f} | {median(cpu60):.2f} | {median(ms_file):.2f} | {','.join(x['load1'] for x in mine)} |")
    if n_windows > minute:
        print(f"\nAfter the first minute ({minute * w:.0f}-{n_windows * w:.0f} s): files/s and CPU ms/file, medians")
        print("| data | config | files/s | CPU ms/file |\n|---|---|---:|---:|")
        for d in datasets:
            for c in configs:
                mine = [x for x in rows if x["config"] == c and x["dataset"] == d]
                late = [sum(x["files_per_window"][minute:]) for x in mine]
                late_cpu = [sum(x["cpu_per_window"][minute:]) for x in mine]
                print(f"| {d} | {c} | {median([f / ((n_windows - minute) * w) for f in late]):.0f} | "
                      f"{median([1000 * cp / max(1, f) for cp, f in zip(late_cpu, late)]):.2f} |")


if __name__ == "__main__":
    main()

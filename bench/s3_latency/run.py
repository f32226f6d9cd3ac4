#!/usr/bin/python3
"""C-STORE throughput of the Gateway in AWS mode with a fixed delay added to every S3 round trip.

Method and options: bench/s3_latency/README.md. One TSV row per run goes to --results; medians are printed at the end.
"""
import argparse
import json
import os
import re
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_line(path, prefix, timeout, proc=None):
    """The rest of the first line of the file that starts with prefix."""
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                for line in f:
                    if line.startswith(prefix):
                        return line[len(prefix):].strip()
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.2)
    raise SystemExit(f"no '{prefix}' line in {path} after {timeout}s")


def wait_port(port, timeout, proc):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"process {proc.pid} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port} after {timeout}s")


def http(method, url, timeout=10):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    # The proxies' own control paths; with --tls their certificate is the benchmark's self-signed one.
    context = ssl._create_unverified_context() if url.startswith("https:") else None
    with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
        body = r.read()
        return json.loads(body) if body else None


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def max_rss_mb(pid):
    """The process's peak resident set so far (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return 0


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(p))
            except OSError:
                pass
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Gateway:
    """
    One Gateway process. AWS mode: the task definition's environment from tools/AwsLocal, S3 through the proxy.
    Local mode (run None): `serve` with its defaults on a data folder, for the CPU comparison.
    """

    def __init__(self, label, dll, run, principal, s3_endpoint, work, extra_env=()):
        self.label = label
        self.local = run is None
        self.dicom_port = free_port()
        self.http_port = free_port()
        data = os.path.join(work, f"gateway-{label}")
        os.makedirs(data, exist_ok=True)
        self.log = open(os.path.join(work, f"gateway-{label}.log"), "w")
        if self.local:
            self.ae = "ANY-SCP"
            self.proc = subprocess.Popen(["dotnet", dll, "serve", "--port", str(self.dicom_port), "--http-port",
                                          str(self.http_port), "--data", data],
                                         env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": data},
                                         stdout=self.log, stderr=subprocess.STDOUT, cwd=data, start_new_session=True)
            wait_port(self.dicom_port, 120, self.proc)
            wait_port(self.http_port, 60, self.proc)
            return
        env = dict(run["gatewayEnvironment"])
        env.update({
            "AWS_REGION": run["region"], "AWS_DEFAULT_REGION": run["region"],
            "AWS_ACCESS_KEY_ID": run["accessKeyId"], "AWS_SECRET_ACCESS_KEY": run["secretAccessKey"],
            "AWS_SESSION_TOKEN": principal,
            "AWS_ENDPOINT_URL_S3": s3_endpoint,
            "AWS_ENDPOINT_URL_DYNAMODB": run["endpoints"]["dynamodb"],
            "AWS_ENDPOINT_URL_MEDICAL_IMAGING": run["endpoints"]["medical-imaging"],
            "AWS_ENDPOINT_URL_SFN": run["endpoints"]["sfn"],
            "AWS_ENDPOINT_URL_LAMBDA": run["endpoints"]["lambda"],
            "GATEWAY__PORT": str(self.dicom_port), "GATEWAY__HTTPPORT": str(self.http_port),
            "GATEWAY__DATADIRECTORY": data, "GATEWAY__AWS__FORCEPATHSTYLE": "true",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": data,
        })
        env.update(kv.split("=", 1) for kv in extra_env)
        self.ae = run.get("aeTitle") or "ANY-SCP"
        self.proc = subprocess.Popen(["dotnet", dll], env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=data,
                                     start_new_session=True)
        wait_port(self.dicom_port, 120, self.proc)
        wait_port(self.http_port, 60, self.proc)

    def stored(self):
        return http("GET", f"http://127.0.0.1:{self.http_port}/api/stats")["instancesStored"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def send(gateway, files, conc, sender="storescu", timeout=900):
    """
    storescu: conc processes, each one association with a contiguous share of the files; wall seconds.
    send-wN: the Gateway's own `send` verb over conc associations with a window of N; the seconds it reports (from
    its first association to its last response, without the process start-up).
    """
    if sender.startswith("send"):
        window = sender.split("-w", 1)[1] if "-w" in sender else "16"
        p = subprocess.run(["dotnet", gateway.send_dll, "send", "127.0.0.1", str(gateway.dicom_port), *files,
                            "--concurrency", str(conc), "--window", window, "-aec", gateway.ae],
                           capture_output=True, text=True, timeout=timeout)
        m = re.search(r" in ([0-9.]+) s over", p.stdout)
        if p.returncode != 0 or m is None:
            raise SystemExit("send failed: " + (p.stdout + p.stderr)[-800:])
        return float(m.group(1))
    groups = [files[i * len(files) // conc:(i + 1) * len(files) // conc] for i in range(conc)]
    env = dict(os.environ, TCP_NODELAY="1")
    start = time.perf_counter()
    procs = [subprocess.Popen(["storescu", "-aet", "BENCHSCU", "-aec", gateway.ae, "-R", "-xs",
                               "127.0.0.1", str(gateway.dicom_port), *g],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for g in groups if g]
    failed = []
    for p in procs:
        _, err = p.communicate(timeout=timeout)
        if p.returncode != 0:
            failed.append(err.decode(errors="replace")[-500:])
    wall = time.perf_counter() - start
    if failed:
        raise SystemExit("storescu failed: " + failed[0])
    return wall


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gateway", action="append", required=True, metavar="LABEL=DLL[,tls]",
                    help="a Gateway build to measure (ImagingGateway.Gateway.dll); repeat to interleave builds; "
                         "',tls' puts this one's proxy on HTTPS as --tls does for all")
    ap.add_argument("--local-gateway", action="append", default=[], metavar="LABEL=DLL",
                    help="a Gateway build run in local mode (serve --data), measured at the first delay only")
    ap.add_argument("--gateway-env", action="append", default=[], metavar="KEY=VALUE",
                    help="added to the environment of the AWS-mode Gateways, e.g. GATEWAY__RECOVERYINTERVAL=01:00:00")
    ap.add_argument("--awslocal-run", required=True, help="run folder of a running tools/AwsLocal (its run.json)")
    ap.add_argument("--s3", default="sink", choices=["sink", "awslocal"],
                    help="S3 behind the proxies: the benchmark's own S3Sink (microseconds per request) or AwsLocal's s3rver")
    ap.add_argument("--tls", action="store_true",
                    help="the proxies serve HTTPS (a self-signed loopback certificate the Gateways trust through "
                         "SSL_CERT_FILE), so the Gateway signs UNSIGNED-PAYLOAD as against real S3")
    ap.add_argument("--sink-dll", default=os.path.join(HERE, "S3Sink", "bin", "Release", "net10.0", "S3Sink.dll"))
    ap.add_argument("--senders", default="storescu",
                    help="comma-separated: storescu, send-wN (the Gateway's send verb proposing a window of N)")
    ap.add_argument("--data", default="/tmp/s3-latency/data", help="gen_data.py output (ct/ and tiny/ below it)")
    ap.add_argument("--datasets", default="ct,tiny")
    ap.add_argument("--delays", default="0,20,50", help="ms added to each S3 response message")
    ap.add_argument("--concs", default="1,4,16")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--settle", type=float, default=1.0, help="seconds after the last storescu before CPU is read")
    ap.add_argument("--results", default="/tmp/s3-latency/results.tsv")
    ap.add_argument("--work", default="/tmp/s3-latency/work")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    with open(os.path.join(args.awslocal_run, "run.json")) as f:
        run = json.load(f)
    with open(os.path.join(args.awslocal_run, "principals.json")) as f:
        principal = next(k for k, v in json.load(f).items() if v["kind"] == "ecs-task")

    gateways = []
    proxies = []
    sink = None
    try:
        s3_upstream = run["endpoints"]["s3"]
        if args.s3 == "sink":
            sink_log = os.path.join(args.work, "s3-sink.log")
            sink = subprocess.Popen(["dotnet", args.sink_dll], stdout=open(sink_log, "w"), stderr=subprocess.STDOUT,
                                    start_new_session=True)
            s3_upstream = "http://127.0.0.1:" + wait_line(sink_log, "listening ", 60, sink)
        cert, key = os.path.join(args.work, "proxy-cert.pem"), os.path.join(args.work, "proxy-key.pem")
        if args.tls or any(spec.endswith(",tls") for spec in args.gateway):
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
        # One proxy per Gateway, so each counts only its own Gateway's requests.
        for spec in args.gateway:
            label, dll = spec.split("=", 1)
            tls = args.tls or dll.endswith(",tls")
            dll = dll.removesuffix(",tls")
            tls_args = ["--tls", cert, key] if tls else []
            gateway_env = list(args.gateway_env) + ([f"SSL_CERT_FILE={cert}"] if tls else [])
            proxy_log = os.path.join(args.work, f"proxy-{label}.log")
            proxy = subprocess.Popen(["node", os.path.join(HERE, "delay-proxy.js"), s3_upstream, "0", "0", *tls_args],
                                     stdout=open(proxy_log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
            proxies.append(proxy)
            proxy_url = ("https" if tls else "http") + "://127.0.0.1:" + wait_line(proxy_log, "listening ", 30, proxy)
            gateway = Gateway(label, os.path.abspath(dll), run, principal, proxy_url, args.work, gateway_env)
            gateway.proxy_url = proxy_url
            gateway.send_dll = os.path.abspath(dll)
            gateways.append(gateway)
        for spec in args.local_gateway:
            label, dll = spec.split("=", 1)
            gateway = Gateway(label, os.path.abspath(dll), None, None, None, args.work)
            gateway.send_dll = os.path.abspath(dll)
            gateways.append(gateway)
        senders = args.senders.split(",")
        data = {d: sorted(os.path.join(r, n) for r, _, ns in os.walk(os.path.join(args.data, d)) for n in ns)
                for d in args.datasets.split(",")}
        # Warm-up (JIT, connection pools), not recorded.
        for g in gateways:
            for files in data.values():
                for sender in senders:
                    send(g, files[:40], 4, sender)

        new = not os.path.exists(args.results)
        out = open(args.results, "a")
        if new:
            out.write("gateway\tsender\tdataset\tdelay_ms\tassociations\tfiles\twall_s\tfiles_per_s\tcpu_ms_per_file\t"
                      "s3_requests_per_file\tputs_per_file\texpect100_per_file\tload1\tmax_rss_mb\tby_operation\tchecksum_headers\tpayload_hash\n")
        rows = []
        for rep in range(args.runs):
            for d, files in data.items():
                delays = [int(x) for x in args.delays.split(",")]
                for delay in delays:
                    for conc, sender in [(int(c), snd) for c in args.concs.split(",") for snd in senders]:
                        for g in (gateways if rep % 2 == 0 else list(reversed(gateways))):
                            if g.local and delay != delays[0]:
                                continue
                            if not g.local:
                                http("POST", f"{g.proxy_url}/_proxy/delay?ms={delay}")
                                http("POST", f"{g.proxy_url}/_proxy/reset")
                            before_stored = g.stored()
                            before_cpu = cpu_ticks(g.proc.pid)
                            wall = send(g, files, conc, sender)
                            time.sleep(args.settle)
                            cpu = cpu_ticks(g.proc.pid) - before_cpu
                            stats = (http("GET", f"{g.proxy_url}/_proxy/stats") if not g.local else
                                     {"requests": 0, "byOperation": {}, "expect100": 0, "checksumHeaders": {},
                                      "payloadHash": {}})
                            stored = g.stored() - before_stored
                            if stored != len(files):
                                raise SystemExit(f"{g.label} {d} c={conc}: {stored} of {len(files)} stored")
                            n = len(files)
                            ops = stats["byOperation"]
                            row = [g.label, sender, d, delay, conc, n, round(wall, 3), round(n / wall, 1),
                                   round(cpu * 1000 / TICK / n, 2), round(stats["requests"] / n, 3),
                                   round((ops.get("PutObject", 0) + ops.get("UploadPart", 0)) / n, 3),
                                   round(stats["expect100"] / n, 3), os.getloadavg()[0], max_rss_mb(g.proc.pid),
                                   json.dumps(ops, sort_keys=True),
                                   json.dumps(stats["checksumHeaders"], sort_keys=True),
                                   json.dumps(stats["payloadHash"], sort_keys=True)]
                            out.write("\t".join(str(x) for x in row) + "\n")
                            out.flush()
                            rows.append(row)
                            print("\t".join(str(x) for x in row[:14]), flush=True)
        print("\n# medians: gateway sender dataset delay_ms associations files/s cpu_ms/file s3_req/file expect100/file "
              "load1 (runs)")
        keys = sorted({tuple(r[:5]) for r in rows}, key=lambda k: (k[2], k[0], k[1], k[3], k[4]))
        for k in keys:
            rs = [r for r in rows if tuple(r[:5]) == k]
            print("\t".join(str(x) for x in k), statistics.median(r[7] for r in rs), statistics.median(r[8] for r in rs),
                  statistics.median(r[9] for r in rs), statistics.median(r[11] for r in rs),
                  statistics.median(r[12] for r in rs), len(rs), sep="\t")
    finally:
        for g in gateways:
            g.stop()
        for proxy in proxies:
            proxy.terminate()
            proxy.wait(10)
        if sink is not None:
            sink.terminate()
            sink.wait(10)


if __name__ == "__main__":
    main()

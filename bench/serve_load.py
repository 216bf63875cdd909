#!/usr/bin/env python3
"""Load on `faultline serve` against the sandbox (issue #15).

Starts faultline-sandbox (one flavor) and `faultline serve --listen 127.0.0.1:0`, then:
  1. accept: DELIVERIES Alertmanager deliveries (distinct bodies over GROUPS alert groups) from
     SENDERS concurrent keep-alive connections; every one must be answered 2xx. Reports
     deliveries acknowledged per second (each one fsync'ed into the spool before its answer).
  2. drain: the time until the worker has replayed the whole spool into Jira (faults opened,
     repeats commented once), from /metrics; reports entries replayed per second.
Then the serve process's peak RSS (VmHWM) and the requests the sandbox served.

  bench/serve_load.py --build build/release [--flavor datacenter] [--deliveries 2000]
"""
import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time


def payload(group, variant):
    name = f"LoadTest{group}"
    alert = {
        "status": "firing",
        "labels": {"alertname": name, "severity": "critical", "service": "checkout"},
        "annotations": {"summary": f"Load test group {group}", "description": f"probe {variant} failed"},
        "startsAt": "2026-12-05T01:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example.com/graph", "fingerprint": f"fp{group:05d}",
    }
    return json.dumps({
        "version": "4", "status": "firing", "receiver": "faultline",
        "groupKey": '{}:{alertname="%s"}' % name, "truncatedAlerts": 0,
        "groupLabels": {"alertname": name}, "commonLabels": alert["labels"],
        "commonAnnotations": alert["annotations"], "externalURL": "http://am.example.com",
        "alerts": [alert],
    }).encode()


def wait_for_line(path, pattern, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with open(path) as f:
                match = re.search(pattern, f.read())
            if match:
                return match
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {pattern!r} in {path}")


def metric(text, name):
    match = re.search(r"^" + re.escape(name) + r" ([0-9.e+-]+)$", text, re.M)
    return float(match.group(1)) if match else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--flavor", default="datacenter", choices=["cloud", "datacenter"])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--groups", type=int, default=20)
    args = parser.parse_args()
    faultline = os.path.abspath(os.path.join(args.build, "faultline"))
    sandbox_bin = os.path.abspath(os.path.join(args.build, "tests/sandbox/faultline-sandbox"))
    work = tempfile.mkdtemp(prefix="faultline-serve-bench-")
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", BENCH_TOKEN="bench-token",
               BENCH_SERVE_TOKEN="serve-token")

    sandbox = subprocess.Popen([sandbox_bin, "--flavor", args.flavor, "--port", "0", "--token", "bench-token"],
                               stdout=open(os.path.join(work, "sandbox.out"), "w"),
                               stderr=open(os.path.join(work, "sandbox.err"), "w"))
    base = wait_for_line(os.path.join(work, "sandbox.out"), r"(http://\S+)").group(1)
    user = 'user = "oncall@example.com"\n' if args.flavor == "cloud" else ""
    config = os.path.join(work, "faultline.toml")
    with open(config, "w") as f:
        f.write(f'[jira]\nurl = "{base}"\nflavor = "{args.flavor}"\n{user}token_env = "BENCH_TOKEN"\n'
                'project = "FAULT"\nfault_type = "Fault"\nsubtask_type = "Sub-task"\n\n'
                '[serve]\ntoken_env = "BENCH_SERVE_TOKEN"\n\n'
                f'[spool]\ndir = "{work}/spool"\n')
    serve_err = os.path.join(work, "serve.err")
    serve = subprocess.Popen([faultline, "--config", config, "serve", "--listen", "127.0.0.1:0"], env=env,
                             stdout=subprocess.DEVNULL, stderr=open(serve_err, "w"))
    port = int(wait_for_line(serve_err, r'"address":"127\.0\.0\.1:(\d+)"').group(1))

    bodies = [payload(i % args.groups, i) for i in range(args.deliveries)]
    next_index = [0]
    lock = threading.Lock()
    failures = []

    def sender():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= len(bodies):
                break
            connection.request("POST", "/alertmanager", body=bodies[i],
                               headers={"Authorization": "Bearer serve-token", "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            if response.status not in (200, 202):
                failures.append(response.status)
        connection.close()

    started = time.time()
    threads = [threading.Thread(target=sender) for _ in range(args.senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted_in = time.time() - started

    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
        connection.close()
        spool_files = [n for n in os.listdir(os.path.join(work, "spool")) if n.endswith(".json")]
        if not spool_files and metric(text, "faultline_spool_entries") == 0:
            break
        time.sleep(0.1)
    drained_in = time.time() - started
    processed = metric(text, "faultline_deliveries_processed_total")
    with open(f"/proc/{serve.pid}/status") as f:
        peak_kib = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
    requests = metric(text, "faultline_jira_request_duration_seconds_count")
    serve.terminate()
    serve_exit = serve.wait(timeout=30)
    sandbox.terminate()
    sandbox.wait()

    print(f"flavor {args.flavor}: {args.deliveries} deliveries from {args.senders} senders over {args.groups} groups")
    print(f"  acknowledged (spooled, fsync'ed): {args.deliveries / accepted_in:.0f}/s ({accepted_in:.2f} s), "
          f"non-2xx: {len(failures)}")
    print(f"  replayed into Jira: {processed:.0f} entries in {drained_in:.2f} s from the first delivery "
          f"({processed / drained_in:.0f}/s), {requests:.0f} requests")
    print(f"  serve peak RSS: {peak_kib / 1024:.1f} MiB; exit on SIGTERM: {serve_exit}")
    return 1 if failures or serve_exit != 0 else 0


if __name__ == "__main__":
    sys.exit(main())

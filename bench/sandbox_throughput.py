#!/usr/bin/python3
"""Requests per second faultline-sandbox serves on loopback, so that bench/ knows the sandbox is
not what it measures (issue #13: >= 2,000 simple GETs per second).

Starts faultline-sandbox (the flavor asked for, a free loopback port), seeds --issues issues
through POST /_sandbox/seed ("mode": "extend"), then for each scenario runs --clients threads,
each with one keep-alive http.client connection, for --seconds seconds, and prints the
requests per second, the median and p99 latency and the number of failed answers (non-2xx):

  myself   GET  /rest/api/2/myself
  issue    GET  /rest/api/2/issue/FAULT-N          (N cycles over the seeded issues)
  search   one page of 50 issues: Data Center GET /rest/api/2/search?jql=project = FAULT ORDER
           BY key&startAt=..., Cloud POST /rest/api/3/search/jql (the clients page through
           the result)
  mixed    the issue reads, with one client creating issues (POST /rest/api/2/issue) instead
  busy     the issue reads, with one client paging through the search instead: a sandbox that
           serves one request at a time makes the reads wait behind each search page
For mixed and busy a second line gives the issue reads alone.

Python stdlib only. The client side is CPython: with a fast sandbox, a few client threads
(one GIL) may be the bottleneck; --clients and --processes tell.

Usage: bench/sandbox_throughput.py [--sandbox PATH] [--flavor datacenter|cloud] [--seconds N]
                                   [--clients N] [--processes N] [--issues N]
                                   [--scenarios myself,issue,search,mixed,busy]
PATH defaults to build/release/tests/sandbox/faultline-sandbox when it exists, else
build/dev/...; any build dir's binary can be given.
"""

import argparse
import base64
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "sandbox-token"


def default_sandbox():
    for d in ("build/release", "build/dev"):
        p = os.path.join(REPO, d, "tests/sandbox/faultline-sandbox")
        if os.path.exists(p):
            return p
    return os.path.join(REPO, "build/release/tests/sandbox/faultline-sandbox")


def auth_header(flavor):
    user = "oncall@example.com" if flavor == "cloud" else "oncall"
    return "Basic " + base64.b64encode(f"{user}:{TOKEN}".encode()).decode()


def start_sandbox(path, flavor):
    proc = subprocess.Popen([path, "--flavor", flavor, "--host", "127.0.0.1", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("http://"):
        proc.kill()
        sys.exit(f"sandbox_throughput: {path} printed no URL (got {line!r})")
    host, port = line[len("http://"):].rsplit(":", 1)
    return proc, host, int(port)


def request(conn, method, path, headers, body=None):
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data


def seed(host, port, flavor, n):
    issues = [{"fields": {"project": {"key": "FAULT"}, "issuetype": {"name": "Fault"},
                          "summary": f"bench issue {i}", "labels": ["bench"]}} for i in range(n)]
    conn = http.client.HTTPConnection(host, port, timeout=120)
    status, data = request(conn, "POST", "/_sandbox/seed",
                           {"Content-Type": "application/json"},
                           json.dumps({"mode": "extend", "jira": {"issues": issues}}))
    if status != 200:
        sys.exit(f"sandbox_throughput: seeding failed: HTTP {status} {data[:300]!r}")
    # How many issues the sandbox holds (a seed issue it cannot create is skipped).
    hdr = {"Authorization": auth_header(flavor)}
    if flavor == "cloud":
        status, data = request(conn, "POST", "/rest/api/3/search/approximate-count",
                               {**hdr, "Content-Type": "application/json"},
                               json.dumps({"jql": "project = FAULT"}))
        held = json.loads(data).get("count", 0) if status == 200 else 0
    else:
        status, data = request(conn, "GET", "/rest/api/2/search?jql=project%20%3D%20FAULT&maxResults=0", hdr)
        held = json.loads(data).get("total", 0) if status == 200 else 0
    conn.close()
    return held


def client_loop(host, port, flavor, scenario, index, issues, stop_at, out):
    """One client: one keep-alive connection, requests until stop_at; appends (count, fails, latencies)."""
    hdr = {"Authorization": auth_header(flavor), "Accept": "application/json"}
    conn = http.client.HTTPConnection(host, port, timeout=60)
    lat = []
    count = fails = 0
    i = index * 7919
    writer = scenario == "mixed" and index == 0
    searcher = scenario == "search" or (scenario == "busy" and index == 0)
    cursor = None
    offset = 0
    while time.monotonic() < stop_at:
        i += 1
        t0 = time.perf_counter()
        if scenario == "myself":
            status, _ = request(conn, "GET", "/rest/api/2/myself", hdr)
        elif scenario in ("issue", "mixed", "busy") and not writer and not searcher:
            status, _ = request(conn, "GET", f"/rest/api/2/issue/FAULT-{1 + i % max(issues, 1)}", hdr)
        elif writer:
            body = json.dumps({"fields": {"project": {"key": "FAULT"}, "issuetype": {"name": "Fault"},
                                          "summary": f"written during the bench {i}"}})
            status, _ = request(conn, "POST", "/rest/api/2/issue", {**hdr, "Content-Type": "application/json"}, body)
        elif flavor == "cloud":
            q = {"jql": "project = FAULT ORDER BY key", "maxResults": 50, "fields": ["summary", "status"]}
            if cursor:
                q["nextPageToken"] = cursor
            status, data = request(conn, "POST", "/rest/api/3/search/jql",
                                   {**hdr, "Content-Type": "application/json"}, json.dumps(q))
            cursor = json.loads(data).get("nextPageToken") if status == 200 else None
        else:
            status, data = request(conn, "GET", "/rest/api/2/search?jql=project%20%3D%20FAULT%20ORDER%20BY%20key"
                                   f"&startAt={offset}&maxResults=50&fields=summary,status", hdr)
            offset = offset + 50 if offset + 50 < issues else 0
        lat.append(time.perf_counter() - t0)
        count += 1
        if status >= 300:
            fails += 1
    conn.close()
    out.append((count, fails, lat, "other" if writer or (searcher and scenario == "busy") else "read"))


def run_threads(host, port, flavor, scenario, clients, issues, seconds, first_index=0):
    stop_at = time.monotonic() + seconds
    out = []
    threads = [threading.Thread(target=client_loop,
                                args=(host, port, flavor, scenario, first_index + k, issues, stop_at, out))
               for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def process_main(args):
    host, port, flavor, scenario, clients, issues, seconds, first_index, queue = args
    out = run_threads(host, port, flavor, scenario, clients, issues, seconds, first_index)
    queue.put(out)


def run_scenario(host, port, flavor, scenario, clients, processes, issues, seconds):
    start = time.monotonic()
    if processes <= 1:
        results = run_threads(host, port, flavor, scenario, clients, issues, seconds)
    else:
        queue = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=process_main,
                                         args=((host, port, flavor, scenario, clients, issues, seconds,
                                                p * clients, queue),))
                 for p in range(processes)]
        for p in procs:
            p.start()
        results = []
        for _ in procs:
            results.extend(queue.get())
        for p in procs:
            p.join()
    elapsed = time.monotonic() - start

    def summary(rows):
        count = sum(r[0] for r in rows)
        fails = sum(r[1] for r in rows)
        lat = sorted(x for r in rows for x in r[2])
        med = statistics.median(lat) * 1000 if lat else 0.0
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0.0
        return count / elapsed, med, p99, count, fails

    return summary(results), summary([r for r in results if r[3] == "read"])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sandbox", default=default_sandbox())
    ap.add_argument("--flavor", choices=["datacenter", "cloud"], default="datacenter")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=4, help="client threads per process (default 4)")
    ap.add_argument("--processes", type=int, default=1, help="client processes (default 1)")
    ap.add_argument("--issues", type=int, default=500)
    ap.add_argument("--scenarios", default="myself,issue,search,mixed,busy")
    args = ap.parse_args()
    if not os.access(args.sandbox, os.X_OK):
        sys.exit(f"sandbox_throughput: no faultline-sandbox at {args.sandbox}")
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    proc, host, port = start_sandbox(args.sandbox, args.flavor)
    try:
        held = seed(host, port, args.flavor, args.issues)
        print(f"sandbox {args.sandbox} ({args.flavor}) at {host}:{port}, {held} issues; "
              f"{args.processes} x {args.clients} keep-alive clients, {args.seconds:g} s per scenario")
        print(f"{'scenario':8} {'req/s':>9} {'median ms':>10} {'p99 ms':>8} {'requests':>9} {'failed':>7} {'sandbox CPU s':>14}")
        for scenario in args.scenarios.split(","):
            cpu0 = cpu_seconds(proc.pid)
            (rps, med, p99, count, fails), reads = run_scenario(host, port, args.flavor, scenario, args.clients,
                                                                args.processes, held, args.seconds)
            cpu = cpu_seconds(proc.pid) - cpu0
            print(f"{scenario:8} {rps:9.0f} {med:10.2f} {p99:8.2f} {count:9d} {fails:7d} {cpu:14.2f}", flush=True)
            if scenario in ("mixed", "busy"):
                rps, med, p99, count, fails = reads
                print(f"{' reads':8} {rps:9.0f} {med:10.2f} {p99:8.2f} {count:9d} {fails:7d}", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()

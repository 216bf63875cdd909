#!/usr/bin/python3
"""A review publish of a very large review: faultline against a Data Center sandbox.

  bench/large_publish.py [--build DIR] [--actions N] [--runs R]

Starts a faultline-sandbox (Data Center, no injected latency), seeds a few faults (the
bench config binds custom fields that the seed creates), opens and recovers a fault with
faultline, writes a review file with N actions (default 10,000; bench/lib/benchlib.py's
review_files) and publishes it R times (default 2: the first creates every sub-task and the
page, the rest have nothing to do). Each run prints its exit code, the requests and writes
the sandbox logged, wall time, client CPU and peak RSS (/usr/bin/time). Not part of the
test command; the figures go to bench/README.md by hand.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import benchlib as bl  # noqa: E402


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(here, "..", "build", "release"))
    parser.add_argument("--actions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="large-publish-")
    sandbox = bl.Sandbox(os.path.join(args.build, "tests/sandbox/faultline-sandbox"), "datacenter", 0, work)
    try:
        seed = os.path.join(work, "seed.json")
        subprocess.run([sys.executable, os.path.join(here, "stats", "make_seed.py"), "--faults", "10", "--actions",
                        "10", "--out", seed], check=True)
        sandbox.seed(seed, 10, 10)
        config = bl.faultline_config("datacenter", sandbox.url, os.path.join(work, "config.toml"))
        env = dict(os.environ, BENCH_JIRA_TOKEN=bl.TOKEN, NO_PROXY="127.0.0.1,localhost",
                   XDG_CACHE_HOME=os.path.join(work, "cache"), XDG_STATE_HOME=os.path.join(work, "state"))
        review, _ = bl.review_files(args.actions, work)
        faultline = os.path.join(args.build, "faultline")

        def run(*command):
            return subprocess.run([faultline, "--config", config, *command], env=env, capture_output=True, text=True)

        opened = run("open", "--json", "--title", "Large review", "--level", "P2", "--type", "Configuration",
                     "--source", "monitoring", "--team", "payments", "--service", "checkout", "--no-notify",
                     "--no-similar")
        if opened.returncode != 0:
            raise bl.BenchError("open failed: " + opened.stderr[-500:])
        key = json.loads(opened.stdout)["key"]
        if run("recover", key, "--no-notify").returncode != 0:
            raise bl.BenchError("recover failed")
        for n in range(args.runs):
            sandbox.clear_log()
            timed = subprocess.run(["/usr/bin/time", "-f", "%e s wall, %U s user, %S s sys, %M KiB peak", faultline,
                                    "--config", config, "review", "publish", key, review, "--json", "--no-notify"],
                                   env=env, capture_output=True, text=True)
            log = sandbox.requests()
            writes = sum(1 for r in log if r["method"] != "GET")
            print(f"publish {n + 1}: exit {timed.returncode}, {len(log)} requests, {writes} writes, "
                  f"{timed.stderr.strip().splitlines()[-1]}", flush=True)
            if timed.returncode != 0:
                print(timed.stderr[-1500:], file=sys.stderr)
                return 1
        return 0
    finally:
        sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())

"""What bench/run shares: a seeded faultline-sandbox with injected latency, its request log
(requests, writes, sequential waves), timed client processes (wall, CPU, peak RSS), the
faultline config and the peers' description of the flavor, and the README section writer.

Standard library only (runs under /usr/bin/python3)."""

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
REPO = os.path.dirname(BENCH)
TOKEN = "sandbox-token"
ZONE = "Asia/Shanghai"

# The sandbox's seeded people and paths per flavor (tests/support/integration.hpp's FlavorCase).
FLAVORS = {
    "datacenter": {"user": "", "api": "/rest/api/2", "wiki": "/confluence",
                   "people": {"alice": "alice", "bob": "bob", "carol": "carol", "dave": "dave", "oncall": "oncall"}},
    "cloud": {"user": "oncall@example.com", "api": "/rest/api/3", "wiki": "/wiki",
              "people": {"alice": "5b10a2844c20165700ede21a", "bob": "5b10a2844c20165700ede21b",
                         "carol": "5b10a2844c20165700ede21c", "dave": "5b10a2844c20165700ede21d",
                         "oncall": "5b10a2844c20165700ede21e"}},
}
TEAMS = {"alice": "payments", "bob": "storefront", "carol": "infra", "dave": "infra", "oncall": "identity"}


class BenchError(Exception):
    pass


def http(method, url, body=None, headers=None, timeout=600):
    """One request without proxies; returns (status, bytes)."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Sandbox:
    """A faultline-sandbox process of one flavor with `latency_ms` added to every request."""

    def __init__(self, binary, flavor, latency_ms, workdir):
        self.flavor, self.latency_ms = flavor, latency_ms
        self.log = open(os.path.join(workdir, f"sandbox-{flavor}-{latency_ms}.log"), "w")
        self.proc = subprocess.Popen([binary, "--flavor", flavor, "--host", "127.0.0.1", "--port", "0",
                                      "--latency-ms", str(latency_ms)],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise BenchError(f"the {flavor} sandbox printed no URL (see {self.log.name})")
        self.url = line

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")

    def seed(self, seed_file, faults, actions):
        with open(seed_file, "rb") as f:
            status, body = http("POST", self.url + "/_sandbox/seed", f.read())
        if status != 200:
            raise BenchError(f"seeding the {self.flavor} sandbox: HTTP {status} {body[:300]!r}")
        f_count = self.count("project = FAULT AND issuetype = Fault")
        a_count = self.count("project = FAULT AND labels = fault-action")
        if (f_count, a_count) != (faults, actions):
            raise BenchError(f"the {self.flavor} sandbox holds {f_count} faults and {a_count} actions after "
                             f"seeding, not {faults} and {actions}")

    def auth_header(self):
        return basic_or_bearer(self.flavor)

    def count(self, jql):
        """Issues matching `jql` (DC search total, Cloud approximate-count)."""
        h = {"Authorization": self.auth_header()}
        if self.flavor == "datacenter":
            q = urllib.parse.urlencode({"jql": jql, "maxResults": 0})
            status, body = http("GET", f"{self.url}/rest/api/2/search?{q}", headers=h)
            key = "total"
        else:
            status, body = http("POST", f"{self.url}/rest/api/3/search/approximate-count", {"jql": jql}, headers=h)
            key = "count"
        if status != 200:
            raise BenchError(f"counting {jql!r}: HTTP {status} {body[:200]!r}")
        return json.loads(body)[key]

    def catch_up(self):
        http("POST", self.url + "/_sandbox/index/catch-up", {})

    def clear_log(self):
        http("DELETE", self.url + "/_sandbox/requests")

    def requests(self):
        status, body = http("GET", self.url + "/_sandbox/requests?since=0")
        if status != 200:
            raise BenchError(f"reading the request log: HTTP {status}")
        return json.loads(body)["requests"]


def basic_or_bearer(flavor):
    import base64
    if flavor == "datacenter":
        return "Bearer " + TOKEN
    return "Basic " + base64.b64encode(f"oncall@example.com:{TOKEN}".encode()).decode()


def log_millis(text):
    """The request log's "time" ("2026-12-03T21:16:59.470+0000", milliseconds) in ms."""
    t = datetime.strptime(text[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    return t.timestamp() * 1000.0


def is_write(r):
    path = r["path"]
    if r["method"] == "GET":
        return False
    # Reads sent as POST: searches and Cloud's bulk fetch (POST /rest/api/3/issue/bulkfetch).
    return not (r["method"] == "POST" and (path.endswith("/search/jql") or path.endswith("/search")
                                           or path.endswith("/search/approximate-count")
                                           or path.endswith("/issue/bulkfetch")))


def waves(requests, latency_ms):
    """Sequential waves: requests sorted by arrival; a wave opens with its first request and
    takes every request that arrives less than latency/2 after that one; the next request
    opens the next wave. Every request is delayed `latency_ms` by the sandbox before it is
    answered, so a request that depends on an answer arrives at least `latency_ms` after the
    request it waited for. None when the latency is too small to tell (< 20 ms)."""
    if latency_ms < 20:
        return None
    times = sorted(log_millis(r["time"]) for r in requests)
    count, start = 0, None
    for t in times:
        if start is None or t >= start + latency_ms / 2:
            count, start = count + 1, t
    return count


TIME = "/usr/bin/time"


def run_timed(argv, env, out_path, err_path, timeout=1800):
    """Runs a client; returns dict(exit, wall, cpu, rss_kib).

    The client runs under /usr/bin/time, which reports its peak RSS: Linux's ru_maxrss of a
    child counts the memory of the process it was forked from until exec, so a client forked
    straight from this (larger) Python process would report this process's RSS. Wall time and
    CPU (user + sys, microseconds; /usr/bin/time's own share is well under a millisecond)
    come from wait4 here."""
    rss_path = err_path + ".time"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([TIME, "-q", "-f", "%M", "-o", rss_path, *argv], stdout=out, stderr=err, env=env)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.0005)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    try:
        with open(rss_path) as f:
            rss = int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss = None
    return {"exit": proc.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": rss}


def faultline_config(flavor, url, path):
    """The faultline config for the sandbox at `url` (the fields of make_seed.py's seed, the
    sandbox's workflow, Confluence space OPS with its page "Fault Reviews")."""
    f = FLAVORS[flavor]
    login = 'auth = "bearer"' if flavor == "datacenter" else f'auth = "basic"\nuser = "{f["user"]}"'
    people = "".join(f'[people.{name}]\njira = "{jid}"\nteam = "{TEAMS[name]}"\n\n' for name, jid in f["people"].items())
    text = f"""# faultline config for bench/run: the sandbox ({flavor}) at {url}
[jira]
url = "{url}"
flavor = "{flavor}"
{login}
token_env = "BENCH_JIRA_TOKEN"
project = "FAULT"
fault_type = "Fault"
subtask_type = "Sub-task"

[jira.fields]
level = "Fault Level"
type = "Fault Type"
source = "Fault Source"
team = "Team"
business_unit = "Business Unit"
service = "Service"
started_at = "Started At"
detected_at = "Detected At"
recovered_at = "Recovered At"
reviewed_at = "Reviewed At"
last_update = "Last Update At"
review_deadline = "Review Deadline"
review_scheduled_at = "Review Scheduled At"
review_late_reason = "Review Late Reason"

[jira.workflow]
reported = "Reported"
handling = "Handling"
recovered = "Recovered"
reviewing = "Reviewing"
closed = "Closed"

[confluence]
url = "{url}{f["wiki"]}"
flavor = "{flavor}"
space = "OPS"
parent = "Fault Reviews"

[team]
timezone = "{ZONE}"
review_due_hours = 24

{people}"""
    with open(path, "w") as out:
        out.write(text)
    os.chmod(path, 0o600)
    return path


def peer_site(flavor, url, path):
    """The peers' description of the site (JSON): URL, login, API paths, people, zone."""
    f = FLAVORS[flavor]
    site = {"flavor": flavor, "url": url, "user": f["user"], "token": TOKEN, "api": f["api"],
            "wiki": url + f["wiki"], "space": "OPS", "parent": "Fault Reviews", "zone": ZONE,
            "project": "FAULT", "fault_type": "Fault", "subtask_type": "Sub-task", "people": f["people"],
            "review_status": "Reviewing"}
    with open(path, "w") as out:
        json.dump(site, out, indent=1)
    return path


def review_files(n_actions, dir_path):
    """The review file faultline publishes (TOML front matter + Markdown) and the same review
    as JSON for the peers (they have no TOML reader in common): returns (md_path, json_path)."""
    actions = []
    for i in range(n_actions):
        actions.append({"id": f"bench-a{i + 1}", "summary": f"Bench action {i + 1}: guard the checkout pool",
                        "owner": ["alice", "bob"][i % 2], "due_days": 7 + i,
                        "kind": ["detect", "prevent", "mitigate"][i % 3]})
    md = ('+++\nlevel = "P2"\ntype = "Configuration"\nteam = "payments"\nparticipants = ["alice", "bob"]\n'
          'impact = "3% of checkouts failed"\n\n')
    for a in actions:
        md += (f'[[action]]\nid = "{a["id"]}"\nsummary = "{a["summary"]}"\nowner = "{a["owner"]}"\n'
               f'due = "+{a["due_days"]}d"\nkind = "{a["kind"]}"\n\n')
    sections = [("Summary", "Checkout returned 500 after a config push."),
                ("Root cause", "A config push disabled the connection pool."),
                ("What went well", "Rollback took 4 minutes.")]
    md += "+++\n\n" + "".join(f"## {h}\n\n{t}\n\n" for h, t in sections)
    md_path, json_path = os.path.join(dir_path, "review.md"), os.path.join(dir_path, "review.json")
    with open(md_path, "w") as out:
        out.write(md)
    with open(json_path, "w") as out:
        json.dump({"level": "P2", "type": "Configuration", "team": "payments", "impact": "3% of checkouts failed",
                   "actions": actions, "sections": [{"title": h, "text": t} for h, t in sections]}, out, indent=1)
    return md_path, json_path


def machine():
    """"2 cores, 23.4 GiB RAM, AMD EPYC ..." from /proc."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            if m:
                model = m.group(1).strip()
        with open("/proc/meminfo") as f:
            kib = int(re.search(r"^MemTotal:\s*(\d+)", f.read(), re.M).group(1))
    except OSError:
        kib = 0
    return f"{os.cpu_count()} cores, {kib / 1024 / 1024:.1f} GiB RAM, {model}, {platform.system()} {platform.release()}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


SECTION = "## The workflow against python-jira and jira.js (`bench/run`)"


def replace_section(readme_path, text):
    """Replaces SECTION (up to the next "## " heading) in the README with `text`, or appends it."""
    with open(readme_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION), None)
    body = text.rstrip("\n").split("\n")
    if start is None:
        while lines and lines[-1] == "":
            lines.pop()
        lines += [""] + body + [""]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = lines[end:]
        lines = lines[:start] + body + ([""] + tail if tail else [""])
    with open(readme_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))

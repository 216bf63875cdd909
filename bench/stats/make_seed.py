#!/usr/bin/python3
"""Writes a faultline-sandbox seed document ("mode": "extend") for the `faultline stats` benchmark.

N faults (issue type Fault, project FAULT) started over the last 13 months relative to --now
(the current month and the 12 before it, month edges at local midnight in --zone), M actions
(Sub-task issues under those faults) and 3-15 released project versions per month. The data
is deterministic for a given --random-seed, --now and sizes.

Every fault fact lives in a custom field (the default seed's Fault Level .. Recovered At, plus
"Detected At" and "Reviewed At" that this seed adds), so that on Data Center, whose search has
no `properties` parameter, nothing has to be read per issue. Labels are what faultline writes
(core::fault_labels: "fault", "fault-level-p2", "fault-source-monitoring", "fault-type-<slug>";
actions "fault-action", "fault-action-id-<id>", "fault-action-kind-<kind>").

--manifest FILE writes what the seed holds: the window, the zone and the expected figures per
month (faults, by level, actions of those faults created / done), computed here from the
generated data with faultline's rule (a fault counts in the month of its start, else of its
creation; an action in its fault's month).

Usage: make_seed.py [--faults N] [--actions M] [--now ISO] [--zone IANA] [--random-seed S]
                    [--out FILE] [--manifest FILE]
"""

import argparse
import bisect
import json
import math
import random
import re
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

FAULT_LEVEL, FAULT_TYPE, FAULT_SOURCE = "customfield_10010", "customfield_10011", "customfield_10012"
TEAM, BUSINESS_UNIT, SERVICE = "customfield_10013", "customfield_10014", "customfield_10015"
STARTED_AT, RECOVERED_AT = "customfield_10016", "customfield_10017"
DETECTED_AT, REVIEWED_AT = "customfield_10020", "customfield_10021"  # added by this seed
# Also added, empty: the rest of the board's facts (core::k_board_facts), so that a config
# binding them reads the board without the per-fault property GETs Data Center needs.
BOARD_FACT_FIELDS = [("customfield_10022", "Last Update At", "datetime"),
                     ("customfield_10023", "Review Deadline", "datetime"),
                     ("customfield_10024", "Review Scheduled At", "datetime"),
                     ("customfield_10025", "Review Late Reason", "textfield")]

# The default seed's workflow statuses (ids, as the seed's "status" takes them).
FAULT_STATUS = {"Handling": "10101", "Recovered": "10102", "Reviewing": "10103", "Closed": "10104"}
ACTION_STATUS = {"To Do": "10110", "In Progress": "10111", "Done": "10112"}

USERS = ["alice", "bob", "carol", "dave", "oncall"]  # the default seed's people (user names)

LEVELS = [("P1", 0.03), ("P2", 0.12), ("P3", 0.35), ("P4", 0.50)]
TYPES = [("Code Defect", 0.34), ("Configuration", 0.18), ("Capacity", 0.10), ("Dependency", 0.12),
         ("Hardware", 0.04), ("Network", 0.07), ("Security", 0.02), ("Data", 0.08), ("Other", 0.05)]
SOURCES = [("monitoring", 0.55), ("customer", 0.20), ("internal", 0.15), ("ci", 0.10)]
# team -> (business unit, services)
TEAMS = {
    "payments": ("retail", ["checkout", "payment-gateway", "refunds"]),
    "storefront": ("retail", ["web-shop", "search", "catalog"]),
    "logistics": ("retail", ["warehouse", "shipping"]),
    "identity": ("platform", ["login", "accounts"]),
    "infra": ("platform", ["kubernetes", "network-edge", "object-store"]),
    "data": ("platform", ["data-pipeline", "reporting"]),
    "ads": ("growth", ["ad-server", "bidding"]),
    "messaging": ("growth", ["push", "email-sender", "chat"]),
}
TEAM_WEIGHTS = [0.18, 0.17, 0.10, 0.09, 0.16, 0.10, 0.09, 0.11]
SYMPTOMS = ["5xx errors", "latency spike", "timeouts", "partial outage", "stale data", "failed jobs",
            "elevated error rate", "degraded throughput", "login failures", "queue backlog"]
KINDS = ["prevent", "mitigate", "detect", "process"]
ACTION_TEXT = ["Add an alert on {s} error budget burn", "Add a load test for {s}", "Document the {s} runbook",
               "Fix the retry storm in {s}", "Raise the {s} connection pool limit", "Add a canary stage for {s}",
               "Review the {s} dependency timeouts", "Automate the {s} rollback", "Add a dashboard for {s}"]


def pick(rng, weighted):
    values = [v for v, _ in weighted]
    return rng.choices(values, weights=[w for _, w in weighted])[0]


def jira_time(t):
    """A Jira datetime, UTC: 2026-11-25T02:00:00.000+0000."""
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def slug(text):
    """core::label_slug: lower-case ASCII letters and digits, runs of anything else one '-'."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", text.lower())).strip("-")


def month_start(year, month, zone):
    """Local midnight of the first day of the month in `zone`, as an aware datetime."""
    while month < 1:
        month += 12
        year -= 1
    while month > 12:
        month -= 12
        year += 1
    return datetime(year, month, 1, tzinfo=zone)


def window(now, zone):
    """The 13 months: [first day of the month 12 months before now's month, now); the month starts."""
    local = now.astimezone(zone)
    starts = [month_start(local.year, local.month - 12 + i, zone) for i in range(14)]
    return starts


def parse_now(text):
    if text is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc).replace(microsecond=0)


def minutes(rng, median, sigma):
    """A log-normal number of minutes with the given median."""
    return max(1, int(round(math.exp(math.log(median) + sigma * rng.gauss(0, 1)))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--faults", type=int, default=10_000)
    ap.add_argument("--actions", type=int, default=30_000)
    ap.add_argument("--now", help="ISO date-time the data ends at (default: the current time, UTC)")
    ap.add_argument("--zone", default="Asia/Shanghai", help="the team's time zone: month edges (default %(default)s)")
    ap.add_argument("--random-seed", type=int, default=20261203)
    ap.add_argument("--no-start-share", type=float, default=0.005,
                    help="share of faults without Started At (counted by creation time; default %(default)s)")
    ap.add_argument("--out", default="-", help="seed file (default stdout)")
    ap.add_argument("--manifest", help="also write the window and the expected monthly figures here")
    args = ap.parse_args()

    rng = random.Random(args.random_seed)
    zone = ZoneInfo(args.zone)
    now = parse_now(args.now)
    starts = window(now, zone)
    since = starts[0]
    span = (now - timedelta(hours=1) - since).total_seconds()
    if span <= 0:
        sys.exit("make_seed.py: --now leaves no time in the window")
    team_names = list(TEAMS)

    # ---- faults
    faults = []  # (started, created, fault issue, meta) sorted by start
    raw = []
    for _ in range(args.faults):
        # Mostly uniform over the window, with a few faults right at the month edges (local
        # midnight and the minute before), where a wrong zone shows.
        r = rng.random()
        if r < 0.01:
            edge = rng.choice(starts[1:-1] if len(starts) > 2 else starts[:1])
            started = edge + timedelta(minutes=rng.choice([0, -1, 1]))
            if started >= now - timedelta(hours=1):
                started = since + timedelta(minutes=int(rng.random() * span / 60))
        else:
            started = since + timedelta(minutes=int(rng.random() * span / 60))
        raw.append(started)
    raw.sort()

    actions_budget_weights = []
    fault_records = []
    for n, started in enumerate(raw, start=1):
        key = f"FAULT-{n}"
        level = pick(rng, LEVELS)
        ftype = pick(rng, TYPES)
        source = pick(rng, SOURCES)
        team = rng.choices(team_names, weights=TEAM_WEIGHTS)[0]
        bu, services = TEAMS[team]
        service = rng.choice(services)
        detected = started + timedelta(minutes=minutes(rng, 25 if source == "customer" else 4, 0.9))
        ttr_median = {"P1": 35, "P2": 60, "P3": 110, "P4": 180}[level]
        recovered = detected + timedelta(minutes=minutes(rng, ttr_median, 1.1))
        created = started + timedelta(minutes=rng.randint(2, 15))
        if created > now:
            created = now
        age = now - started
        # Status: open faults are recent (plus a few forgotten ones), reviews lag recovery.
        u = rng.random()
        if (age < timedelta(days=2) and u < 0.5) or u < 0.004:
            status = "Handling"
        elif age < timedelta(days=7) and u < 0.6:
            status = "Recovered"
        elif age < timedelta(days=20) and u < 0.5:
            status = "Reviewing"
        else:
            status = "Closed"
        if status == "Handling" or recovered > now - timedelta(minutes=5):
            recovered = None
            status = "Handling"
        reviewed = None
        resolved = None
        if status == "Closed":
            if rng.random() < 0.97:  # a few closed without a recorded review
                hours = rng.choice([rng.uniform(1, 24), rng.uniform(1, 48), rng.uniform(24, 240)])
                reviewed = recovered + timedelta(minutes=int(hours * 60))
                if reviewed > now:
                    reviewed = now - timedelta(minutes=1)
            resolved = (reviewed or recovered) + timedelta(minutes=rng.randint(5, 600))
            if resolved > now:
                resolved = now
        no_start = rng.random() < args.no_start_share
        times = [t for t in (created, detected, recovered, reviewed, resolved) if t is not None]
        updated = min(max(times), now)
        fields = {
            "project": {"key": "FAULT"},
            "issuetype": {"name": "Fault"},
            "summary": f"{service}: {rng.choice(SYMPTOMS)}",
            "description": f"Fault in {service} ({team}). Detected by {source}.",
            "labels": ["fault", f"fault-level-{slug(level)}", f"fault-source-{slug(source)}", f"fault-type-{slug(ftype)}"],
            "assignee": {"name": rng.choice(USERS)},
            FAULT_LEVEL: {"value": level},
            FAULT_TYPE: {"value": ftype},
            FAULT_SOURCE: {"value": source},
            TEAM: team,
            BUSINESS_UNIT: bu,
            SERVICE: service,
            DETECTED_AT: jira_time(detected),
        }
        if not no_start:
            fields[STARTED_AT] = jira_time(started)
        if recovered is not None:
            fields[RECOVERED_AT] = jira_time(recovered)
        if reviewed is not None:
            fields[REVIEWED_AT] = jira_time(reviewed)
        issue = {"key": key, "fields": fields, "status": FAULT_STATUS[status], "created": jira_time(created),
                 "updated": jira_time(updated),
                 "properties": [{"key": "faultline", "value": {"schema": 1, "rollbacks": []}}]}
        if resolved is not None:
            issue["resolutiondate"] = jira_time(resolved)
        fault_records.append({"issue": issue, "key": key, "level": level, "service": service,
                              "counted_at": created if no_start else started, "created": created,
                              "status": status, "recovered": recovered, "reviewed": reviewed})
        # Reviewed faults get the actions; severe ones more of them.
        if status in ("Closed", "Reviewing"):
            actions_budget_weights.append((len(fault_records) - 1, {"P1": 6, "P2": 4, "P3": 2.5, "P4": 1.5}[level]))

    # ---- actions
    action_issues = []
    action_parent = []  # index into fault_records, per action
    if args.actions and not actions_budget_weights:
        sys.exit("make_seed.py: no reviewed faults to hang actions under")
    if actions_budget_weights:
        owners = [i for i, _ in actions_budget_weights]
        cum, total = [], 0.0
        for _, w in actions_budget_weights:
            total += w
            cum.append(total)
        for _ in range(args.actions):
            action_parent.append(owners[bisect.bisect_left(cum, rng.random() * total)])
    per_fault_count = {}
    next_number = args.faults + 1
    for fi in action_parent:
        f = fault_records[fi]
        k = per_fault_count.get(fi, 0) + 1
        per_fault_count[fi] = k
        base = f["reviewed"] or f["recovered"] or f["created"]
        created = max(base, f["created"]) + timedelta(minutes=rng.randint(10, 3 * 24 * 60))
        if created > now:
            created = now
        due = (created.astimezone(zone) + timedelta(days=rng.choice([7, 14, 14, 30, 30, 60]))).date()
        due_end = datetime(due.year, due.month, due.day, tzinfo=zone) + timedelta(days=1)
        u = rng.random()
        if due_end < now:
            status = "Done" if u < 0.85 else ("In Progress" if u < 0.93 else "To Do")
        else:
            status = "Done" if u < 0.35 else ("In Progress" if u < 0.65 else "To Do")
        resolved = None
        if status == "Done":
            # Mostly on time, some late.
            late = rng.random() < 0.2
            if late:
                resolved = due_end + timedelta(minutes=rng.randint(60, 30 * 24 * 60))
            else:
                resolved = created + timedelta(minutes=int(rng.random() * (due_end - created).total_seconds() / 60))
            resolved = min(max(resolved, created), now)
        kind = rng.choice(KINDS)
        action_id = f"{f['key'].lower()}-{k}"
        issue = {
            "key": f"FAULT-{next_number}",
            "fields": {
                "project": {"key": "FAULT"},
                "issuetype": {"name": "Sub-task"},
                "parent": {"key": f["key"]},
                "summary": rng.choice(ACTION_TEXT).format(s=f["service"]),
                "labels": ["fault-action", f"fault-action-id-{action_id}", f"fault-action-kind-{kind}"],
                "duedate": due.isoformat(),
                "assignee": {"name": rng.choice(USERS)},
            },
            "status": ACTION_STATUS[status],
            "created": jira_time(created),
            "updated": jira_time(resolved or created),
            "properties": [{"key": "faultline.action", "value": {"id": action_id, "kind": kind, "fault": f["key"]}}],
        }
        if resolved is not None:
            issue["resolutiondate"] = jira_time(resolved)
        next_number += 1
        action_issues.append((issue, fi, status == "Done"))

    # ---- versions: 3..15 released per month of the window (none after now)
    versions = []
    vid = 30000
    for m in range(13):
        lo, hi = starts[m], min(starts[m + 1], now)
        days = max(1, (hi.astimezone(zone).date() - lo.astimezone(zone).date()).days)
        count = rng.randint(3, 15)
        first_day = lo.astimezone(zone).date()
        picked = sorted(first_day + timedelta(days=rng.randrange(days)) for _ in range(count))
        per_name = {}
        for d in picked:
            service = rng.choice([s for _, (_, ss) in TEAMS.items() for s in ss])
            n = per_name.get((service, d.year, d.month), 0) + 1
            per_name[(service, d.year, d.month)] = n
            versions.append({"id": str(vid), "name": f"{service}-{d.year}.{d.month:02d}.{n}", "projectId": 10000,
                             "released": True, "archived": False, "releaseDate": d.isoformat(),
                             "description": f"{service} release"})
            vid += 1

    seed = {
        "mode": "extend",
        "jira": {
            "fields": [
                {"id": DETECTED_AT, "name": "Detected At", "type": "datetime"},
                {"id": REVIEWED_AT, "name": "Reviewed At", "type": "datetime"},
            ] + [{"id": i, "name": n, "type": t} for i, n, t in BOARD_FACT_FIELDS],
            "versions": versions,
            "issues": [f["issue"] for f in fault_records] + [a for a, _, _ in action_issues],
        },
    }
    text = json.dumps(seed, separators=(",", ":"))
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)

    if args.manifest:
        labels = [s.strftime("%Y-%m") for s in starts[:13]]
        months = {label: {"faults": 0, "by_level": {}, "actions_created": 0, "actions_done": 0} for label in labels}
        month_of = []
        for f in fault_records:
            i = bisect.bisect_right(starts, f["counted_at"]) - 1
            label = labels[i] if 0 <= i < 13 else None
            month_of.append(label)
            if label is None:
                continue
            months[label]["faults"] += 1
            by_level = months[label]["by_level"]
            by_level[f["level"]] = by_level.get(f["level"], 0) + 1
        for _, fi, done in action_issues:
            label = month_of[fi]
            if label is None:
                continue
            months[label]["actions_created"] += 1
            months[label]["actions_done"] += int(done)
        manifest = {
            "now": now.isoformat().replace("+00:00", "Z"),
            "zone": args.zone,
            "since": starts[0].isoformat(),
            "since_date": starts[0].date().isoformat(),
            "until": now.isoformat().replace("+00:00", "Z"),
            "periods_end": starts[13].isoformat(),
            "faults": len(fault_records),
            "actions": len(action_issues),
            "versions": len(versions),
            "faults_without_start": sum(1 for f in fault_records if STARTED_AT not in f["issue"]["fields"]),
            "months": months,
        }
        with open(args.manifest, "w", encoding="utf-8") as out:
            json.dump(manifest, out, indent=1)
            out.write("\n")


if __name__ == "__main__":
    main()

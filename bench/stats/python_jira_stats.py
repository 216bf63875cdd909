#!/usr/bin/python3
"""The baseline of the `faultline stats` benchmark: the same monthly figures with python-jira.

What a competent engineer would write with python-jira 3.4.1 against Jira Data Center: look
the custom fields up by name, search the faults and the actions created since the window
began with explicit `fields` and the largest page Data Center serves (maxResults=False with a
batch size of 1000), keep the faults that started (else were created) in [--since, --until)
(a date alone in --until includes that day, as in faultline) and compute per month of the
team's time zone (a fault counts in the month it started, else was created; an action in its
fault's month):

  faults, faults by level, time to recover (started -> recovered, minutes: count, missing,
  mean, median, p90 (linear interpolation, type 7), max), actions created / done (status
  category done; on time = resolved on or before the due day in the team's zone, or no due
  date).

Prints JSON: {"zone","since","until","periods":[{"label","start","end","faults","by_level",
"time_to_recover":{...},"actions":{...}}],"total":{...},"issues_read":{"faults","actions"}}.

Usage: python_jira_stats.py --server URL [--token T | $JIRA_TOKEN] [--user NAME]
           --since DATE --until DATE|DATETIME [--zone IANA] [--project KEY]
"""

import argparse
import bisect
import json
import math
import os
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from jira import JIRA
from jira.resources import Issue

# fault fact -> Jira field name (the sandbox's names; the faultline config maps the same)
FACT_FIELDS = {
    "level": "Fault Level", "type": "Fault Type", "source": "Fault Source", "team": "Team",
    "business_unit": "Business Unit", "service": "Service", "started_at": "Started At",
    "detected_at": "Detected At", "recovered_at": "Recovered At", "reviewed_at": "Reviewed At",
}
ACTION_FIELDS = ["summary", "parent", "assignee", "duedate", "status", "labels", "created", "resolutiondate"]


def parse_point(text, zone, end_of_day=False):
    """A --since/--until value: an ISO date-time, or a date: its local midnight in `zone`, or
    with `end_of_day` (--until, as faultline reads it) the next day's."""
    if len(text) == 10:
        d = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
        return datetime(d.year, d.month, d.day, tzinfo=zone)
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=zone)


def month_periods(since, until, zone):
    """[start, end) months, local midnight in `zone`: from the month start at or before `since`
    to the first month start at or after `until`."""
    local = since.astimezone(zone)
    y, m = local.year, local.month
    periods = []
    start = datetime(y, m, 1, tzinfo=zone)
    if until <= since:
        return periods
    while start < until:
        y2, m2 = (y + 1, 1) if m == 12 else (y, m + 1)
        end = datetime(y2, m2, 1, tzinfo=zone)
        periods.append((f"{y:04d}-{m:02d}", start, end))
        y, m, start = y2, m2, end
    return periods


def jira_time(text):
    """Jira's "2026-11-25T10:00:00.000+0800" (None for null/empty)."""
    return datetime.fromisoformat(text) if text else None


def percentile(sorted_values, p):
    """Type 7 (linear between closest ranks), as numpy/R/Excel PERCENTILE.INC."""
    if not sorted_values:
        return None
    h = (len(sorted_values) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def summarize(minutes, missing):
    minutes = sorted(minutes)
    n = len(minutes)
    return {"count": n, "missing": missing,
            "mean": sum(minutes) / n if n else None,
            "median": percentile(minutes, 0.5), "p90": percentile(minutes, 0.9),
            "max": minutes[-1] if n else None}


def new_row(label, start, end):
    return {"label": label, "start": start, "end": end, "faults": 0, "by_level": {}, "_ttr": [], "_ttr_missing": 0,
            "actions": {"created": 0, "done": 0, "done_on_time": 0, "done_late": 0, "open": 0}}


def value_of(fields, field_id):
    """A custom field's value: option value, or the text itself."""
    v = getattr(fields, field_id, None)
    if v is None:
        return None
    return getattr(v, "value", v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True)
    ap.add_argument("--token", default=os.environ.get("JIRA_TOKEN"), help="PAT (default $JIRA_TOKEN)")
    ap.add_argument("--user", help="with a user: Basic user:token instead of the PAT as a bearer token")
    ap.add_argument("--project", default="FAULT")
    ap.add_argument("--fault-type", default="Fault")
    ap.add_argument("--since", required=True)
    ap.add_argument("--until", required=True)
    ap.add_argument("--zone", default="Asia/Shanghai")
    ap.add_argument("--page-size", type=int, default=1000, help="maxResults per page (Data Center serves up to 1000)")
    args = ap.parse_args()
    if not args.token:
        sys.exit("python_jira_stats.py: no token (--token or $JIRA_TOKEN)")

    zone = ZoneInfo(args.zone)
    since = parse_point(args.since, zone)
    until = parse_point(args.until, zone, end_of_day=True)
    periods = month_periods(since, until, zone)
    if not periods:
        sys.exit("python_jira_stats.py: --until is not after --since")
    window_start, window_end = periods[0][1], periods[-1][2]

    auth = {"basic_auth": (args.user, args.token)} if args.user else {"token_auth": args.token}
    jira = JIRA(server=args.server, default_batch_sizes={Issue: args.page_size}, **auth)

    ids = {f["name"]: f["id"] for f in jira.fields()}
    fid = {fact: ids[name] for fact, name in FACT_FIELDS.items()}

    # Faults are created after they start, and actions after their fault: what was created
    # since the window began is enough. JQL dates are read in the searching user's zone: one
    # day of slack, the window itself is applied here.
    lo = (since.astimezone(zone) - timedelta(days=1)).strftime("%Y-%m-%d")
    fault_jql = f'project = {args.project} AND issuetype = "{args.fault_type}" AND created >= "{lo}"'
    fault_fields = ["summary", "status", "created", "updated", "labels", "assignee"] + list(fid.values())
    faults = jira.search_issues(fault_jql, maxResults=False, fields=fault_fields)

    rows = [new_row(label, s, e) for label, s, e in periods]
    starts = [s for _, s, _ in periods]
    total = new_row("total", window_start, window_end)
    row_of_fault = {}  # fault key -> row
    for issue in faults:
        f = issue.fields
        t_start = jira_time(getattr(f, fid["started_at"], None))
        at = t_start or jira_time(f.created)
        if at is None or not (since <= at < until):
            continue
        row = rows[bisect.bisect_right(starts, at) - 1]
        row_of_fault[issue.key] = row
        level = value_of(f, fid["level"]) or "(none)"
        t_rec = jira_time(getattr(f, fid["recovered_at"], None))
        for r in (row, total):
            r["faults"] += 1
            r["by_level"][level] = r["by_level"].get(level, 0) + 1
            if t_start and t_rec and t_rec >= t_start:
                r["_ttr"].append((t_rec - t_start).total_seconds() / 60.0)
            else:
                r["_ttr_missing"] += 1

    action_jql = f'project = {args.project} AND labels = fault-action AND created >= "{lo}"'
    actions = jira.search_issues(action_jql, maxResults=False, fields=ACTION_FIELDS)
    for issue in actions:
        f = issue.fields
        parent = getattr(f, "parent", None)
        row = row_of_fault.get(parent.key) if parent is not None else None
        if row is None:
            continue
        done = f.status.statusCategory.key == "done"
        on_time = None
        if done:
            resolved = jira_time(f.resolutiondate)
            on_time = not f.duedate or resolved is None or resolved.astimezone(zone).date() <= date.fromisoformat(f.duedate)
        for r in (row, total):
            a = r["actions"]
            a["created"] += 1
            if done:
                a["done"] += 1
                a["done_on_time" if on_time else "done_late"] += 1
            else:
                a["open"] += 1

    def finish(r):
        r["time_to_recover"] = summarize(r.pop("_ttr"), r.pop("_ttr_missing"))
        r["start"] = r["start"].isoformat()
        r["end"] = r["end"].isoformat()
        r["by_level"] = dict(sorted(r["by_level"].items()))
        return r

    out = {"zone": args.zone, "since": since.isoformat(), "until": until.isoformat(),
           "periods": [finish(r) for r in rows], "total": finish(total),
           "issues_read": {"faults": len(faults), "actions": len(actions)}}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

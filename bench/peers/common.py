"""What the Python peers of bench/run share: the site description, the fault and action
fields, labels, the review page's title and body, and "today" in the team's zone.

The peers take the same decisions faultline does where bench/run checks the outcome (the
labels it searches by, the lanes' JQL, the page title) and nothing more: no issue properties,
no chat, no operation log."""

import hashlib
import json
import sys
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

FACTS = {"level": "Fault Level", "type": "Fault Type", "source": "Fault Source", "team": "Team",
         "service": "Service", "started_at": "Started At", "recovered_at": "Recovered At",
         "reviewed_at": "Reviewed At"}
ACTION_FIELDS = ["summary", "parent", "assignee", "duedate", "status", "labels", "created", "resolutiondate"]


def load_site(path):
    with open(path) as f:
        return json.load(f)


def today(site):
    return datetime.now(ZoneInfo(site["zone"])).date()


def now_jira(site):
    """Jira's date-time format, in the team's zone: 2026-12-04T05:16:56.000+0800."""
    return datetime.now(ZoneInfo(site["zone"])).strftime("%Y-%m-%dT%H:%M:%S.000%z")


def dedupe_label(key):
    return "fault-dedupe-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def fault_labels(level="P2", source="monitoring", ftype="Configuration"):
    return ["fault", f"fault-level-{level.lower()}", f"fault-source-{source}", f"fault-type-{ftype.lower()}"]


def fault_fields(site, ids, title, extra_labels=()):
    """The create body's fields of a new fault (names resolved through `ids`, name -> id)."""
    return {"project": {"key": site["project"]}, "issuetype": {"name": site["fault_type"]}, "summary": title,
            "labels": fault_labels() + list(extra_labels),
            ids[FACTS["level"]]: {"value": "P2"}, ids[FACTS["type"]]: {"value": "Configuration"},
            ids[FACTS["source"]]: {"value": "monitoring"}, ids[FACTS["team"]]: "payments",
            ids[FACTS["service"]]: "checkout", ids[FACTS["started_at"]]: now_jira(site)}


def user_ref(site, person):
    jid = site["people"][person]
    return {"name": jid} if site["flavor"] == "datacenter" else {"accountId": jid}


def action_fields(site, key, action, start):
    return {"project": {"key": site["project"]}, "issuetype": {"name": site["subtask_type"]},
            "parent": {"key": key}, "summary": action["summary"],
            "labels": ["fault-action", f"fault-action-id-{action['id']}", f"fault-action-kind-{action['kind']}"],
            "duedate": (start + timedelta(days=action["due_days"])).isoformat(),
            "assignee": user_ref(site, action["owner"])}


def action_id_of(labels):
    for label in labels or []:
        if label.startswith("fault-action-id-"):
            return label[len("fault-action-id-"):]
    return None


def page_title(key, summary):
    return f"{key}: {summary} — Fault review"


def page_body(key, review, actions_keys):
    """Confluence storage format: the sections and the action table."""
    parts = [f"<p><em>Fault analysis report for {escape(key)}.</em></p>",
             f"<p>Level {escape(review['level'])}, {escape(review['type'])}, team {escape(review['team'])}. "
             f"Impact: {escape(review['impact'])}</p>"]
    for s in review["sections"]:
        parts.append(f"<h2>{escape(s['title'])}</h2><p>{escape(s['text'])}</p>")
    rows = "".join(f"<tr><td>{escape(actions_keys.get(a['id'], ''))}</td><td>{escape(a['summary'])}</td>"
                   f"<td>{escape(a['owner'])}</td><td>+{a['due_days']}d</td><td>{escape(a['kind'])}</td></tr>"
                   for a in review["actions"])
    parts.append("<h2>Actions</h2><table><tbody><tr><th>Key</th><th>Action</th><th>Owner</th><th>Due</th>"
                 f"<th>Kind</th></tr>{rows}</tbody></table>")
    return "".join(parts)


def page_labels(key):
    return ["fault-review", key.lower(), "fault-level-p2", "fault-type-configuration"]


def board_jql(site):
    p, t = site["project"], site["fault_type"]
    return (f'project = "{p}" AND issuetype = "{t}" AND statusCategory != Done ORDER BY created ASC',
            f'project = "{p}" AND labels = "fault-action" AND statusCategory != Done ORDER BY duedate ASC, key ASC')


def overdue_jql(site):
    return (f'project = "{site["project"]}" AND labels = "fault-action" AND statusCategory != Done '
            f'AND duedate < "{today(site).isoformat()}" ORDER BY duedate ASC, key ASC')


def fault_read_fields(ids):
    return ["summary", "status", "created", "updated", "assignee", "labels"] + [
        ids[FACTS[k]] for k in ("level", "team", "service", "started_at", "recovered_at")]


def lanes(site, faults, actions):
    """(faults, overdue, pending) counts; actions are (key, duedate or None) pairs."""
    t = today(site).isoformat()
    overdue = sum(1 for _, due in actions if due and due < t)
    return {"faults": len(faults), "overdue": overdue, "pending": len(actions) - overdue}


def emit(doc):
    json.dump(doc, sys.stdout)
    sys.stdout.write("\n")


def run_peer(name, version, cmd_open, cmd_publish, cmd_board, cmd_overdue):
    """A peer's command line: PEER SITE_FILE version|open TITLE [--dedupe-key K]|publish KEY FILE|board|overdue;
    prints the command's JSON. `version` returns the peer library's version."""
    site = load_site(sys.argv[1])
    cmd, args = sys.argv[2], sys.argv[3:]
    if cmd == "version":
        out = {"version": version()}
    elif cmd == "open":
        out = cmd_open(site, args[0], args[2] if len(args) > 2 and args[1] == "--dedupe-key" else None)
    elif cmd == "publish":
        out = cmd_publish(site, args[0], args[1])
    elif cmd == "board":
        out = cmd_board(site)
    elif cmd == "overdue":
        out = cmd_overdue(site)
    else:
        raise SystemExit(f"{name}: unknown command {cmd}")
    emit(out)

#!/usr/bin/python3
"""bench/run's python-jira 3.4.1 peer on Jira Data Center: the workflow's steps written the way
a competent engineer would with the library's ordinary calls (library defaults, except
prefetch=False on creates whose result is not used), Confluence through plain requests.

  pyjira_dc.py SITE.json version
  pyjira_dc.py SITE.json open TITLE [--dedupe-key K]   fields, [search by dedupe label ->
                                                        comment], else create; prints {"key","created"}
  pyjira_dc.py SITE.json publish KEY REVIEW.json       page (create / update when changed), missing
                                                        action sub-tasks (bulk), transition to
                                                        Reviewing + Reviewed At, remote link
  pyjira_dc.py SITE.json board                         open faults + open actions -> lane counts
  pyjira_dc.py SITE.json overdue                       open actions due before today
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def connect(site):
    from jira import JIRA
    from jira.resources import Issue
    return JIRA(server=site["url"], token_auth=site["token"], default_batch_sizes={Issue: 1000})


def field_ids(jira):
    return {f["name"]: f["id"] for f in jira.fields()}


def cmd_open(site, title, dedupe_key):
    jira = connect(site)
    ids = field_ids(jira)
    extra = []
    if dedupe_key:
        label = common.dedupe_label(dedupe_key)
        jql = (f'project = "{site["project"]}" AND issuetype = "{site["fault_type"]}" AND labels = "{label}" '
               'AND statusCategory != Done ORDER BY created ASC')
        found = jira.search_issues(jql, maxResults=1, fields="summary")
        if found:
            jira.add_comment(found[0].key, f"Reported again (dedupe key {{{{{dedupe_key}}}}}): {title}")
            return {"key": found[0].key, "created": False}
        extra = [label]
    issue = jira.create_issue(fields=common.fault_fields(site, ids, title, extra), prefetch=False)
    return {"key": issue.key, "created": True}


def confluence(site):
    import requests
    s = requests.Session()
    s.headers.update({"Authorization": "Bearer " + site["token"], "Accept": "application/json"})
    return s


def page_by_title(s, site, title, expand=None):
    params = {"spaceKey": site["space"], "title": title}
    if expand:
        params["expand"] = expand
    r = s.get(site["wiki"] + "/rest/api/content", params=params)
    r.raise_for_status()
    results = r.json()["results"]
    return results[0] if results else None


def cmd_publish(site, key, review_path):
    import json
    with open(review_path) as f:
        review = json.load(f)
    jira = connect(site)
    ids = field_ids(jira)
    issue = jira.issue(key, fields="summary,status")
    s = confluence(site)
    parent = page_by_title(s, site, site["parent"])
    title = common.page_title(key, issue.fields.summary)
    page = page_by_title(s, site, title, "body.storage,version")

    # The action sub-tasks: create the missing ones in one bulk call.
    existing = jira.search_issues(f'parent = {key} AND labels = "fault-action"', maxResults=False, fields="labels")
    keys = {common.action_id_of(i.fields.labels): i.key for i in existing}
    start = common.today(site)
    missing = [a for a in review["actions"] if a["id"] not in keys]
    if missing:
        created = jira.create_issues([common.action_fields(site, key, a, start) for a in missing], prefetch=False)
        for a, c in zip(missing, created):
            if c.get("error"):
                raise SystemExit(f"creating {a['id']}: {c['error']}")
            keys[a["id"]] = c["issue"].key

    body = common.page_body(key, review, keys)
    if page is None:
        r = s.post(site["wiki"] + "/rest/api/content", json={
            "type": "page", "title": title, "space": {"key": site["space"]}, "ancestors": [{"id": parent["id"]}],
            "body": {"storage": {"value": body, "representation": "storage"}},
            "metadata": {"labels": [{"prefix": "global", "name": n} for n in common.page_labels(key)]}})
        r.raise_for_status()
        page = r.json()
    elif page["body"]["storage"]["value"] != body:
        r = s.put(f"{site['wiki']}/rest/api/content/{page['id']}", json={
            "type": "page", "title": title, "version": {"number": page["version"]["number"] + 1},
            "body": {"storage": {"value": body, "representation": "storage"}}})
        r.raise_for_status()
    url = f"{site['wiki']}/pages/viewpage.action?pageId={page['id']}"

    if issue.fields.status.name != site["review_status"]:
        transition = next(t for t in jira.transitions(issue) if t["to"]["name"] == site["review_status"])
        jira.transition_issue(issue, transition["id"])
        issue.update(fields={ids[common.FACTS["reviewed_at"]]: common.now_jira(site)})

    global_id = f"faultline-review:{key}"
    if not any(getattr(link, "globalId", None) == global_id for link in jira.remote_links(key)):
        jira.add_remote_link(key, {"url": url, "title": f"Fault review: {title}"}, globalId=global_id,
                             application={"type": "com.atlassian.confluence", "name": "Confluence"})
    return {"key": key, "page": page["id"], "actions": len(keys), "created": len(missing)}


def cmd_board(site):
    jira = connect(site)
    ids = field_ids(jira)
    faults_jql, actions_jql = common.board_jql(site)
    faults = jira.search_issues(faults_jql, maxResults=False, fields=common.fault_read_fields(ids))
    actions = jira.search_issues(actions_jql, maxResults=False, fields=common.ACTION_FIELDS)
    return common.lanes(site, faults, [(a.key, a.fields.duedate) for a in actions])


def cmd_overdue(site):
    jira = connect(site)
    actions = jira.search_issues(common.overdue_jql(site), maxResults=False, fields=common.ACTION_FIELDS)
    return {"overdue": len(actions), "keys": [a.key for a in actions]}


def main():
    import warnings
    warnings.simplefilter("ignore")  # add_remote_link warns when it may not list application links

    def version():
        import jira
        return jira.__version__

    common.run_peer("pyjira_dc.py", version, cmd_open, cmd_publish, cmd_board, cmd_overdue)


if __name__ == "__main__":
    main()

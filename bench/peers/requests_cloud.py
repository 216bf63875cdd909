#!/usr/bin/python3
"""bench/run's plain `requests` peer on Jira Cloud (python-jira 3.4.1 still searches with
/rest/api/3/search, which Cloud removed): the same steps as pyjira_dc.py, one requests.Session,
REST v3 (ADF comments), search through POST /rest/api/3/search/jql following nextPageToken,
Confluence through its v1 content API.

  requests_cloud.py SITE.json version | open TITLE [--dedupe-key K] | publish KEY REVIEW.json
                    | board | overdue
"""

import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


class Cloud:
    def __init__(self, site):
        import requests
        self.site = site
        self.api = site["url"] + site["api"]
        self.s = requests.Session()
        self.s.auth = (site["user"], site["token"])
        self.s.headers.update({"Accept": "application/json"})

    def call(self, method, url, **kw):
        r = self.s.request(method, url, **kw)
        if r.status_code >= 400:
            raise SystemExit(f"{method} {url}: HTTP {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def field_ids(self):
        return {f["name"]: f["id"] for f in self.call("GET", self.api + "/field")}

    def search(self, jql, fields, limit=None):
        """Every issue of `jql` (or the first `limit`), page after page."""
        issues, token = [], None
        while True:
            body = {"jql": jql, "fields": fields, "maxResults": limit or 5000}
            if token:
                body["nextPageToken"] = token
            page = self.call("POST", self.api + "/search/jql", json=body)
            issues += page.get("issues", [])
            token = page.get("nextPageToken")
            if not token or page.get("isLast") or (limit and len(issues) >= limit):
                return issues

    def page_by_title(self, title, expand=None):
        params = {"spaceKey": self.site["space"], "title": title}
        if expand:
            params["expand"] = expand
        results = self.call("GET", self.site["wiki"] + "/rest/api/content", params=params)["results"]
        return results[0] if results else None


def adf(text):
    return {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def cmd_open(site, title, dedupe_key):
    c = Cloud(site)
    ids = c.field_ids()
    extra = []
    if dedupe_key:
        label = common.dedupe_label(dedupe_key)
        jql = (f'project = "{site["project"]}" AND issuetype = "{site["fault_type"]}" AND labels = "{label}" '
               'AND statusCategory != Done ORDER BY created ASC')
        found = c.search(jql, ["summary"], limit=1)
        if found:
            key = found[0]["key"]
            c.call("POST", f"{c.api}/issue/{key}/comment",
                   json={"body": adf(f"Reported again (dedupe key {dedupe_key}): {title}")})
            return {"key": key, "created": False}
        extra = [label]
    created = c.call("POST", c.api + "/issue", json={"fields": common.fault_fields(site, ids, title, extra)})
    return {"key": created["key"], "created": True}


def cmd_publish(site, key, review_path):
    with open(review_path) as f:
        review = json.load(f)
    c = Cloud(site)
    ids = c.field_ids()
    issue = c.call("GET", f"{c.api}/issue/{key}", params={"fields": "summary,status"})
    parent = c.page_by_title(site["parent"])
    title = common.page_title(key, issue["fields"]["summary"])
    page = c.page_by_title(title, "body.storage,version")

    existing = c.search(f'parent = {key} AND labels = "fault-action"', ["labels"])
    keys = {common.action_id_of(i["fields"]["labels"]): i["key"] for i in existing}
    start = common.today(site)
    missing = [a for a in review["actions"] if a["id"] not in keys]
    if missing:
        out = c.call("POST", c.api + "/issue/bulk",
                     json={"issueUpdates": [{"fields": common.action_fields(site, key, a, start)} for a in missing]})
        if out.get("errors"):
            raise SystemExit(f"bulk create: {out['errors']}")
        for a, i in zip(missing, out["issues"]):
            keys[a["id"]] = i["key"]

    body = common.page_body(key, review, keys)
    wiki = site["wiki"]
    if page is None:
        page = c.call("POST", wiki + "/rest/api/content", json={
            "type": "page", "title": title, "space": {"key": site["space"]}, "ancestors": [{"id": parent["id"]}],
            "body": {"storage": {"value": body, "representation": "storage"}},
            "metadata": {"labels": [{"prefix": "global", "name": n} for n in common.page_labels(key)]}})
    elif page["body"]["storage"]["value"] != body:
        c.call("PUT", f"{wiki}/rest/api/content/{page['id']}", json={
            "type": "page", "title": title, "version": {"number": page["version"]["number"] + 1},
            "body": {"storage": {"value": body, "representation": "storage"}}})
    url = f"{wiki}/pages/viewpage.action?pageId={page['id']}"

    if issue["fields"]["status"]["name"] != site["review_status"]:
        transitions = c.call("GET", f"{c.api}/issue/{key}/transitions")["transitions"]
        t = next(t for t in transitions if t["to"]["name"] == site["review_status"])
        c.call("POST", f"{c.api}/issue/{key}/transitions", json={"transition": {"id": t["id"]}})
        c.call("PUT", f"{c.api}/issue/{key}", json={"fields": {ids[common.FACTS["reviewed_at"]]: common.now_jira(site)}})

    global_id = f"faultline-review:{key}"
    links = c.call("GET", f"{c.api}/issue/{key}/remotelink")
    if not any(link.get("globalId") == global_id for link in links):
        c.call("POST", f"{c.api}/issue/{key}/remotelink", json={
            "globalId": global_id, "application": {"type": "com.atlassian.confluence", "name": "Confluence"},
            "object": {"url": url, "title": f"Fault review: {title}"}})
    return {"key": key, "page": page["id"], "actions": len(keys), "created": len(missing)}


def cmd_board(site):
    c = Cloud(site)
    ids = c.field_ids()
    faults_jql, actions_jql = common.board_jql(site)
    faults = c.search(faults_jql, common.fault_read_fields(ids))
    actions = c.search(actions_jql, common.ACTION_FIELDS)
    return common.lanes(site, faults, [(a["key"], a["fields"].get("duedate")) for a in actions])


def cmd_overdue(site):
    c = Cloud(site)
    actions = c.search(common.overdue_jql(site), common.ACTION_FIELDS)
    return {"overdue": len(actions), "keys": [a["key"] for a in actions]}


def main():
    def version():
        import requests
        return requests.__version__

    common.run_peer("requests_cloud.py", version, cmd_open, cmd_publish, cmd_board, cmd_overdue)


if __name__ == "__main__":
    main()

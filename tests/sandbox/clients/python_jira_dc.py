"""python-jira (the Debian package python3-jira) through its usual calls against the sandbox's
Data Center flavor. Run by run_client.sh with the sandbox's base URL as the only argument; exits
non-zero on the first expectation that does not hold."""

import sys

from jira import JIRA, JIRAError


def expect(condition, what):
    """Fails the run with `what` unless `condition` holds."""
    if not condition:
        raise AssertionError(what)


def expect_error(status, message, call, *args, **kwargs):
    """Runs call(*args, **kwargs) and checks it raises a JIRAError with `status` whose text holds `message`."""
    try:
        call(*args, **kwargs)
    except JIRAError as error:
        expect(error.status_code == status, f"expected HTTP {status}, got {error.status_code}: {error.text}")
        expect(message in (error.text or ""), f"expected {message!r} in {error.text!r}")
        return
    raise AssertionError(f"expected a JIRAError {status} from {call.__name__}")


def main(server):
    # validate=True reads /rest/auth/1/session; the sandbox's users share the token as password.
    jira = JIRA(server=server, basic_auth=("oncall", "sandbox-token"), validate=True, max_retries=0)
    expect(jira.current_user() == "oncall", "current_user() is the session's user")
    expect(jira.server_info()["deploymentType"] == "Server", "serverInfo says Data Center (Server)")

    projects = jira.projects()
    expect([p.key for p in projects] == ["FAULT"], f"projects(): {[p.key for p in projects]}")
    fields = {f["id"]: f for f in jira.fields()}
    expect("customfield_10010" in fields and "components" in fields, "fields() lists custom and system fields")
    permissions = jira.my_permissions(projectKey="FAULT", permissions="BROWSE_PROJECTS,EDIT_ISSUES")
    expect(permissions["permissions"]["EDIT_ISSUES"]["havePermission"], "my_permissions()")

    issue = jira.create_issue(
        project="FAULT",
        summary="Checkout errors",
        issuetype={"name": "Fault"},
        components=[{"name": "Payments"}],
        fixVersions=[{"name": "2026.12.1"}],
        assignee={"name": "-1"},
    )
    expect(issue.key.startswith("FAULT-"), f"create_issue() key {issue.key}")
    other = jira.create_issue(fields={"project": {"key": "FAULT"}, "summary": "Slow search", "issuetype": {"name": "Fault"}})
    fetched = jira.issue(issue.key)
    expect(fetched.fields.summary == "Checkout errors", "issue() summary")
    expect(fetched.fields.assignee.name == "dave", "assignee -1 is the project lead")
    expect(fetched.fields.components[0].name == "Payments", "components round-trip")

    found = jira.search_issues("project = FAULT ORDER BY key ASC")
    expect([i.key for i in found] == [issue.key, other.key], f"search_issues(): {[i.key for i in found]}")
    expect(found.total == 2, "search total")
    found = jira.search_issues("component = Payments AND fixVersion = 2026.12.1", fields="summary")
    expect([i.key for i in found] == [issue.key], "component / fixVersion search")
    expect_error(400, "The value 'NOPE' does not exist for the field 'project'.", jira.search_issues, "project = NOPE")
    expect_error(400, "The value 'nosuchuser' does not exist for the field 'assignee'.",
                 jira.search_issues, "assignee = nosuchuser")
    lenient = jira.search_issues("project = NOPE", validate_query=False)
    expect(len(lenient) == 0, "validate_query=False answers no hits instead of an error")
    expect(len(jira.search_issues("sprint in openSprints()")) == 0, "sprint in openSprints() is valid and empty")

    comment = jira.add_comment(issue, "First look: card payments fail.")
    expect(f"/rest/api/2/issue/{fetched.id}/comment/{comment.id}" in comment.self, f"comment self {comment.self}")
    comment.update(body="First look: card and wallet payments fail.")
    expect(jira.comment(issue.key, comment.id).body == "First look: card and wallet payments fail.", "comment update")
    expect(len(jira.comments(issue.key)) == 1, "comments()")
    comment.delete()
    expect(len(jira.comments(issue.key)) == 0, "comment delete")

    jira.assign_issue(issue, "alice")
    expect(jira.issue(issue.key).fields.assignee.name == "alice", "assign_issue(alice)")
    jira.assign_issue(issue, None)
    expect(jira.issue(issue.key).fields.assignee is None, "assign_issue(None) unassigns")
    jira.assign_issue(issue, "-1")
    expect(jira.issue(issue.key).fields.assignee.name == "dave", "assign_issue(-1) picks the default assignee")

    names = [t["name"] for t in jira.transitions(issue)]
    expect("Start Handling" in names, f"transitions(): {names}")
    jira.transition_issue(issue, "Start Handling")
    expect(jira.issue(issue.key).fields.status.name == "Handling", "transition_issue()")
    expect([i.key for i in jira.search_issues("status = Handling")] == [issue.key], "status search after transition")

    jira.add_watcher(issue, "carol")
    expect([i.key for i in jira.search_issues("watcher = carol")] == [issue.key], "watcher search")
    expect("carol" in [w.name for w in jira.watchers(issue).watchers], "watchers()")

    jira.create_issue_link("Blocks", issue.key, other.key)
    blocked = jira.search_issues('issueLinkType = "is blocked by"')
    expect([i.key for i in blocked] == [issue.key], f"issueLinkType search: {[i.key for i in blocked]}")

    jira.add_issue_property(issue.key, "faultline.level", {"level": "P1"})
    expect(jira.issue_property(issue.key, "faultline.level").value.level == "P1", "issue_property()")
    expect([p.key for p in jira.issue_properties(issue.key)] == ["faultline.level"], "issue_properties()")

    other_issue = jira.issue(other.key)
    other_issue.update(summary="Slow search in EU", assignee={"name": "bob"})
    expect(jira.issue(other.key).fields.assignee.name == "bob", "Issue.update() assignee")
    other_issue.update(assignee={"name": None})
    expect(jira.issue(other.key).fields.assignee is None, "Issue.update() assignee name null unassigns")
    other_issue.delete()
    expect_error(404, "Issue does not exist", jira.issue, other.key)
    print("python-jira on Data Center: all calls answered as expected")


if __name__ == "__main__":
    main(sys.argv[1])

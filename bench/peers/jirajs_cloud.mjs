// bench/run's jira.js peer on Jira Cloud (Version3Client): the same steps as
// requests_cloud.py through the library's calls — issueFields.getFields, issues.createIssue /
// createIssues (bulk), issueSearch.searchForIssuesUsingJqlEnhancedSearchPost (POST
// /rest/api/3/search/jql, nextPageToken), issueComments.addComment, issues.getTransitions /
// doTransition / editIssue, issueRemoteLinks.getRemoteIssueLinks /
// createOrUpdateRemoteIssueLink — and Confluence's v1 content API through fetch (jira.js has
// no Confluence client). Sequential, as the straightforward code is.
//
//   node jirajs_cloud.mjs SITE.json version | open TITLE [--dedupe-key K]
//                        | publish KEY REVIEW.json | board | overdue
//
// $JIRAJS_DIR: the directory npm installed jira.js into (bench/run passes it).
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.env.JIRAJS_DIR || ".", "package.json"));
const jirajs = require("jira.js");

const FACTS = { level: "Fault Level", type: "Fault Type", source: "Fault Source", team: "Team", service: "Service",
  started_at: "Started At", recovered_at: "Recovered At", reviewed_at: "Reviewed At" };
const ACTION_FIELDS = ["summary", "parent", "assignee", "duedate", "status", "labels", "created", "resolutiondate"];

const site = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [cmd, ...args] = process.argv.slice(3);
const auth = "Basic " + Buffer.from(`${site.user}:${site.token}`).toString("base64");

function client() {
  return new jirajs.Version3Client({ host: site.url, authentication: { basic: { email: site.user, apiToken: site.token } } });
}

// Today and now in the team's zone (as common.py computes them).
function localParts() {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: site.zone, year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).formatToParts(new Date())
    .map((p) => [p.type, p.value]));
  return parts;
}
function today() {
  const p = localParts();
  return `${p.year}-${p.month}-${p.day}`;
}
function nowJira() {
  const p = localParts();
  const hour = +p.hour % 24;
  const diff = Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, hour, +p.minute, +p.second) - Date.now()) / 60000);
  const abs = Math.abs(diff);
  return `${p.year}-${p.month}-${p.day}T${String(hour).padStart(2, "0")}:${p.minute}:${p.second}.000${diff >= 0 ? "+" : "-"}` +
    `${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}
function addDays(isoDate, days) {
  const d = new Date(isoDate + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
const dedupeLabel = (key) => "fault-dedupe-" + createHash("sha256").update(key).digest("hex").slice(0, 16);
const userRef = (person) => ({ accountId: site.people[person] });
const escapeHtml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
  .replace(/'/g, "&#x27;");
const adf = (text) => ({ type: "doc", version: 1, content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

async function fieldIds(c) {
  return Object.fromEntries((await c.issueFields.getFields()).map((f) => [f.name, f.id]));
}

async function search(c, jql, fields, limit) {
  const issues = [];
  let nextPageToken;
  for (;;) {
    const page = await c.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql, fields, maxResults: limit || 5000,
      ...(nextPageToken ? { nextPageToken } : {}) });
    issues.push(...(page.issues || []));
    nextPageToken = page.nextPageToken;
    if (!nextPageToken || page.isLast || (limit && issues.length >= limit)) return issues;
  }
}

async function wiki(method, path, body) {
  const r = await fetch(site.wiki + path, { method, headers: { Authorization: auth, Accept: "application/json",
    ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${(await r.text()).slice(0, 300)}`);
  return r.json();
}
async function pageByTitle(title, expand) {
  const q = new URLSearchParams({ spaceKey: site.space, title, ...(expand ? { expand } : {}) });
  const found = await wiki("GET", "/rest/api/content?" + q);
  return found.results[0] || null;
}

async function open(title, dedupeKey) {
  const c = client();
  const ids = await fieldIds(c);
  const labels = ["fault", "fault-level-p2", "fault-source-monitoring", "fault-type-configuration"];
  if (dedupeKey) {
    const label = dedupeLabel(dedupeKey);
    const found = await search(c, `project = "${site.project}" AND issuetype = "${site.fault_type}" AND labels = "${label}" ` +
      "AND statusCategory != Done ORDER BY created ASC", ["summary"], 1);
    if (found.length) {
      await c.issueComments.addComment({ issueIdOrKey: found[0].key,
        comment: adf(`Reported again (dedupe key ${dedupeKey}): ${title}`) });
      return { key: found[0].key, created: false };
    }
    labels.push(label);
  }
  const created = await c.issues.createIssue({ fields: { project: { key: site.project }, issuetype: { name: site.fault_type },
    summary: title, labels, [ids[FACTS.level]]: { value: "P2" }, [ids[FACTS.type]]: { value: "Configuration" },
    [ids[FACTS.source]]: { value: "monitoring" }, [ids[FACTS.team]]: "payments", [ids[FACTS.service]]: "checkout",
    [ids[FACTS.started_at]]: nowJira() } });
  return { key: created.key, created: true };
}

function pageBody(key, review, keys) {
  const parts = [`<p><em>Fault analysis report for ${escapeHtml(key)}.</em></p>`,
    `<p>Level ${escapeHtml(review.level)}, ${escapeHtml(review.type)}, team ${escapeHtml(review.team)}. ` +
    `Impact: ${escapeHtml(review.impact)}</p>`];
  for (const s of review.sections) parts.push(`<h2>${escapeHtml(s.title)}</h2><p>${escapeHtml(s.text)}</p>`);
  const rows = review.actions.map((a) => `<tr><td>${escapeHtml(keys[a.id] || "")}</td><td>${escapeHtml(a.summary)}</td>` +
    `<td>${escapeHtml(a.owner)}</td><td>+${a.due_days}d</td><td>${escapeHtml(a.kind)}</td></tr>`).join("");
  parts.push("<h2>Actions</h2><table><tbody><tr><th>Key</th><th>Action</th><th>Owner</th><th>Due</th>" +
    `<th>Kind</th></tr>${rows}</tbody></table>`);
  return parts.join("");
}

async function publish(key, reviewPath) {
  const review = JSON.parse(readFileSync(reviewPath, "utf8"));
  const c = client();
  const ids = await fieldIds(c);
  const issue = await c.issues.getIssue({ issueIdOrKey: key, fields: ["summary", "status"] });
  const parent = await pageByTitle(site.parent);
  const title = `${key}: ${issue.fields.summary} — Fault review`;
  let page = await pageByTitle(title, "body.storage,version");

  const existing = await search(c, `parent = ${key} AND labels = "fault-action"`, ["labels"]);
  const keys = {};
  for (const i of existing) {
    const l = (i.fields.labels || []).find((x) => x.startsWith("fault-action-id-"));
    if (l) keys[l.slice("fault-action-id-".length)] = i.key;
  }
  const start = today();
  const missing = review.actions.filter((a) => !(a.id in keys));
  if (missing.length) {
    const out = await c.issues.createIssues({ issueUpdates: missing.map((a) => ({ fields: {
      project: { key: site.project }, issuetype: { name: site.subtask_type }, parent: { key }, summary: a.summary,
      labels: ["fault-action", `fault-action-id-${a.id}`, `fault-action-kind-${a.kind}`],
      duedate: addDays(start, a.due_days), assignee: userRef(a.owner) } })) });
    if (out.errors && out.errors.length) throw new Error("bulk create: " + JSON.stringify(out.errors));
    missing.forEach((a, i) => { keys[a.id] = out.issues[i].key; });
  }

  const body = pageBody(key, review, keys);
  if (!page) {
    page = await wiki("POST", "/rest/api/content", { type: "page", title, space: { key: site.space }, ancestors: [{ id: parent.id }],
      body: { storage: { value: body, representation: "storage" } },
      metadata: { labels: ["fault-review", key.toLowerCase(), "fault-level-p2", "fault-type-configuration"]
        .map((name) => ({ prefix: "global", name })) } });
  } else if (page.body.storage.value !== body) {
    await wiki("PUT", `/rest/api/content/${page.id}`, { type: "page", title, version: { number: page.version.number + 1 },
      body: { storage: { value: body, representation: "storage" } } });
  }
  const url = `${site.wiki}/pages/viewpage.action?pageId=${page.id}`;

  if (issue.fields.status.name !== site.review_status) {
    const { transitions } = await c.issues.getTransitions({ issueIdOrKey: key });
    const t = transitions.find((x) => x.to.name === site.review_status);
    await c.issues.doTransition({ issueIdOrKey: key, transition: { id: t.id } });
    await c.issues.editIssue({ issueIdOrKey: key, fields: { [ids[FACTS.reviewed_at]]: nowJira() } });
  }
  const globalId = `faultline-review:${key}`;
  const links = await c.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: key });
  const list = Array.isArray(links) ? links : [links];
  if (!list.some((l) => l && l.globalId === globalId)) {
    await c.issueRemoteLinks.createOrUpdateRemoteIssueLink({ issueIdOrKey: key, globalId,
      application: { type: "com.atlassian.confluence", name: "Confluence" }, object: { url, title: `Fault review: ${title}` } });
  }
  return { key, page: page.id, actions: Object.keys(keys).length, created: missing.length };
}

function boardJql() {
  return [`project = "${site.project}" AND issuetype = "${site.fault_type}" AND statusCategory != Done ORDER BY created ASC`,
    `project = "${site.project}" AND labels = "fault-action" AND statusCategory != Done ORDER BY duedate ASC, key ASC`];
}

async function board() {
  const c = client();
  const ids = await fieldIds(c);
  const [faultsJql, actionsJql] = boardJql();
  const faults = await search(c, faultsJql, ["summary", "status", "created", "updated", "assignee", "labels",
    ...["level", "team", "service", "started_at", "recovered_at"].map((k) => ids[FACTS[k]])]);
  const actions = await search(c, actionsJql, ACTION_FIELDS);
  const t = today();
  const overdue = actions.filter((a) => a.fields.duedate && a.fields.duedate < t).length;
  return { faults: faults.length, overdue, pending: actions.length - overdue };
}

async function overdue() {
  const c = client();
  const jql = `project = "${site.project}" AND labels = "fault-action" AND statusCategory != Done AND duedate < "${today()}" ` +
    "ORDER BY duedate ASC, key ASC";
  const actions = await search(c, jql, ACTION_FIELDS);
  return { overdue: actions.length, keys: actions.map((a) => a.key) };
}

async function main() {
  let out;
  if (cmd === "version") out = { version: JSON.parse(readFileSync(require.resolve("jira.js/package.json"), "utf8")).version };
  else if (cmd === "open") out = await open(args[0], args[1] === "--dedupe-key" ? args[2] : null);
  else if (cmd === "publish") out = await publish(args[0], args[1]);
  else if (cmd === "board") out = await board();
  else if (cmd === "overdue") out = await overdue();
  else throw new Error(`unknown command ${cmd}`);
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  const detail = e && e.response ? ` HTTP ${e.response.status} ${JSON.stringify(e.response.data).slice(0, 300)}` : "";
  process.stderr.write(`jirajs_cloud.mjs: ${e && e.message ? e.message : e}${detail}\n`);
  process.exit(1);
});

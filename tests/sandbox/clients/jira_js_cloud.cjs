// jira.js (Version3Client) through its usual calls against the sandbox's Cloud flavor. Run by
// run_client.sh with the sandbox's base URL as the only argument and the jira.js package
// directory in $JIRA_JS; exits non-zero on the first expectation that does not hold.
'use strict';

const { Version3Client } = require(process.env.JIRA_JS);

// Fails the run with `what` unless `condition` holds.
function expect(condition, what) {
  if (!condition) throw new Error(`expectation failed: ${what}`);
}

// Awaits `promise` and checks it fails with HTTP `status` and an errorMessages entry `message`.
async function expectError(status, message, promise) {
  try {
    await promise;
  } catch (error) {
    const got = error.status ?? error.response?.status;
    const data = error.response?.data ?? error.response ?? {};
    expect(got === status, `expected HTTP ${status}, got ${got}: ${JSON.stringify(data)}`);
    const messages = data.errorMessages ?? [];
    expect(messages.includes(message), `expected ${JSON.stringify(message)} in ${JSON.stringify(messages)}`);
    return;
  }
  throw new Error(`expected an HTTP ${status} error`);
}

// An ADF document with one paragraph of text.
function adf(text) {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

const k_lead = '5b10a2844c20165700ede21d';  // dave, the FAULT project's lead
const k_alice = '5b10a2844c20165700ede21a';

async function main(host) {
  const client = new Version3Client({
    host,
    authentication: { basic: { email: 'oncall@example.com', apiToken: 'sandbox-token' } },
  });
  const me = await client.myself.getCurrentUser();
  expect(me.emailAddress === 'oncall@example.com', 'getCurrentUser()');
  const info = await client.serverInfo.getServerInfo();
  expect(info.deploymentType === 'Cloud', 'getServerInfo()');

  const projects = await client.projects.searchProjects({ maxResults: 10 });
  expect(projects.total === 1 && projects.values[0].key === 'FAULT', `searchProjects(): ${JSON.stringify(projects)}`);
  const permissions = await client.permissions.getMyPermissions({ permissions: 'BROWSE_PROJECTS,ADD_COMMENTS' });
  expect(permissions.permissions.ADD_COMMENTS.havePermission === true, 'getMyPermissions()');
  const meta = await client.issues.getCreateIssueMeta({ projectKeys: ['FAULT'], expand: 'projects.issuetypes.fields' });
  const fault = meta.projects[0].issuetypes.find((t) => t.name === 'Fault');
  expect(fault && fault.fields.summary.required === true, 'getCreateIssueMeta() fields');

  const created = await client.issues.createIssue({
    fields: {
      project: { key: 'FAULT' },
      issuetype: { name: 'Fault' },
      summary: 'Checkout errors',
      description: adf('Card payments fail.'),
      assignee: { accountId: '-1' },
      components: [{ name: 'Platform' }],
    },
  });
  expect(created.key.startsWith('FAULT-'), `createIssue() ${created.key}`);
  const issue = await client.issues.getIssue({ issueIdOrKey: created.key });
  expect(issue.fields.assignee.accountId === k_lead, 'accountId -1 assigns the project lead');

  // Cloud's index lags behind writes in real Jira; the sandbox's lag is off by default.
  const found = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
    jql: 'project = FAULT AND component = Platform', fields: ['summary'],
  });
  expect(found.issues.length === 1 && found.issues[0].key === created.key, 'search/jql with component');
  await expectError(400, "The value 'NOPE' does not exist for the field 'project'.",
    client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = NOPE' }));
  await expectError(400, "The value 'alice' does not exist for the field 'assignee'.",
    client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'assignee = alice' }));

  const parsed = await client.jql.parseJqlQueries({
    validation: 'warn', queries: ['project = FAULT ORDER BY created DESC', 'priority = P9'],
  });
  expect(parsed.queries[0].structure.where.field.name === 'project', 'parseJqlQueries() structure');
  expect(parsed.queries[1].warnings[0] === "The value 'P9' does not exist for the field 'priority'.",
    `parseJqlQueries() warnings: ${JSON.stringify(parsed.queries[1])}`);

  const comment = await client.issueComments.addComment({ issueIdOrKey: created.key, comment: 'First look.' });
  expect(comment.self.endsWith(`/rest/api/3/issue/${issue.id}/comment/${comment.id}`), `comment self ${comment.self}`);
  await client.issueComments.updateComment({ issueIdOrKey: created.key, id: comment.id, body: 'Second look.' });
  const updated = await client.issueComments.getComment({ issueIdOrKey: created.key, id: comment.id });
  expect(updated.body.content[0].content[0].text === 'Second look.', 'updateComment()');
  await client.issueComments.deleteComment({ issueIdOrKey: created.key, id: comment.id });
  const comments = await client.issueComments.getComments({ issueIdOrKey: created.key });
  expect(comments.total === 0, 'deleteComment()');

  await client.issues.assignIssue({ issueIdOrKey: created.key, accountId: k_alice });
  expect((await client.issues.getIssue({ issueIdOrKey: created.key })).fields.assignee.accountId === k_alice, 'assignIssue()');
  await client.issues.assignIssue({ issueIdOrKey: created.key, accountId: null });
  expect((await client.issues.getIssue({ issueIdOrKey: created.key })).fields.assignee === null, 'assignIssue(null) unassigns');
  await client.issues.assignIssue({ issueIdOrKey: created.key, accountId: '-1' });
  expect((await client.issues.getIssue({ issueIdOrKey: created.key })).fields.assignee.accountId === k_lead, 'assignIssue(-1)');

  const transitions = await client.issues.getTransitions({ issueIdOrKey: created.key });
  const start = transitions.transitions.find((t) => t.name === 'Start Handling');
  expect(start !== undefined, 'getTransitions()');
  await client.issues.doTransition({ issueIdOrKey: created.key, transition: { id: start.id } });
  expect((await client.issues.getIssue({ issueIdOrKey: created.key })).fields.status.name === 'Handling', 'doTransition()');

  await client.issueWatchers.addWatcher({ issueIdOrKey: created.key, accountId: k_alice });
  const watched = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: `watcher = ${k_alice}` });
  expect(watched.issues.length === 1 && watched.issues[0].id === issue.id, 'watcher search');
  const sprints = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: 'project = FAULT AND sprint in openSprints()' });
  expect(sprints.issues.length === 0, 'sprint in openSprints() is valid and empty');

  await client.issueProperties.setIssueProperty({ issueIdOrKey: created.key, propertyKey: 'faultline.level', propertyValue: { level: 'P1' } });
  const property = await client.issueProperties.getIssueProperty({ issueIdOrKey: created.key, propertyKey: 'faultline.level' });
  expect(property.value.level === 'P1', 'getIssueProperty()');

  await client.issues.deleteIssue({ issueIdOrKey: created.key });
  console.log('jira.js on Cloud: all calls answered as expected');
}

main(process.argv[2]).catch((error) => {
  console.error(error.stack ?? error);
  if (error.response) console.error(JSON.stringify(error.response.data ?? error.response));
  process.exit(1);
});

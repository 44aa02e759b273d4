// The page's rules on their own: polling backoff, changeset filters, the chart's stacking, progress, the
// configuration the page reads and the one deploy.sh writes from the stack's outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextDelay } from '../../src/poll.js';
import { parseConfig } from '../../src/config.js';
import { progress } from '../../src/format.js';
import { configFromOutputs } from '../../tools/config.mjs';
import { availableActions, CAMPAIGN_ACTIONS, names, operationProgress } from '../../src/actions.js';

test('polling: soon after a change, half again longer while nothing changes (capped), doubling after errors', () => {
  const o = { base: 2000, max: 30000, maxAfterError: 60000 };
  assert.equal(nextDelay(9000, { changed: true, failed: false }, o), 2000);
  assert.equal(nextDelay(2000, { changed: false, failed: false }, o), 3000);
  assert.equal(nextDelay(25000, { changed: false, failed: false }, o), 30000);
  assert.equal(nextDelay(2000, { changed: false, failed: true }, o), 4000);
  assert.equal(nextDelay(40000, { changed: false, failed: true }, o), 60000);
  let d = 2000;
  for (let i = 0; i < 20; i++) {
    d = nextDelay(d, { changed: false, failed: false }, o);
  }
  assert.equal(d, 30000, 'a quiet page settles at the maximum');
});

test('progress counts failed jobs as done and says 100+ when the error list is full', () => {
  assert.deepEqual(progress({ completedCount: 3, pendingCount: 1, errors: ['x'] }),
    { done: 4, total: 5, failed: 1, failedText: '1', percent: 80 });
  assert.equal(progress({ completedCount: 0, pendingCount: 0, errors: Array(100).fill('e') }).failedText, '100+');
  assert.equal(progress({ completedCount: 0, pendingCount: 0, errors: [] }).percent, 100);
});

test('campaign actions: offered only when the API has the mutation and the campaign allows it', () => {
  const errored = { id: 'c', name: 'n', closedAt: null, changesetCreationStatus: { state: 'ERRORED' } };
  const ids = (offered, c) => availableActions(CAMPAIGN_ACTIONS, new Set(offered), c).map((a) => a.id);
  assert.deepEqual(ids(['retryCampaign', 'closeCampaign', 'deleteCampaign'], errored), ['retry', 'close', 'delete']);
  assert.deepEqual(ids(['closeCampaign'], errored), ['close'], 'a mutation the API lacks is not offered');
  const processing = { ...errored, changesetCreationStatus: { state: 'PROCESSING' } };
  assert.deepEqual(ids(['retryCampaign', 'closeCampaign', 'deleteCampaign'], processing), []);
  const closed = { ...errored, closedAt: '2026-01-01T00:00:00Z' };
  assert.deepEqual(ids(['retryCampaign', 'closeCampaign', 'deleteCampaign'], closed), ['delete']);
  const all = ['retryCampaign', 'closeCampaign', 'deleteCampaign', 'cancelCampaign'];
  assert.deepEqual(ids(all, processing), ['cancel'], 'cancel only while processing');
  const cancelled = { ...errored, changesetCreationStatus: { state: 'CANCELLED' } };
  assert.deepEqual(ids(all, cancelled), ['retry', 'close', 'delete'], 'a cancelled campaign can be resumed');
  const unpublished = { ...errored, changesetCreationStatus: { state: 'UNPUBLISHED' } };
  assert.deepEqual(ids([...all, 'publishCampaign'], unpublished), ['close', 'delete', 'publish'],
    'an unpublished campaign is published, closed or deleted; nothing runs to retry or cancel');
  assert.deepEqual(ids([...all, 'publishCampaign'], { ...unpublished, closedAt: '2026-01-01T00:00:00Z' }), ['delete'],
    'a closed campaign is not published');
  assert.deepEqual(ids([...all, 'publishCampaign'], errored), ['retry', 'close', 'delete'], 'published already');
  const partly = { ...errored, published: true, changesetCreationStatus: { state: 'COMPLETED', unpublishedCount: 2 } };
  assert.deepEqual(ids([...all, 'publishCampaign'], partly), ['close', 'delete', 'publish-rest'],
    'published in part: the rest can be published');
  const partlyRunning = { ...partly, changesetCreationStatus: { state: 'PROCESSING', unpublishedCount: 2 } };
  assert.deepEqual(ids([...all, 'publishCampaign'], partlyRunning), ['cancel'], 'not while the part published runs');
  const partlyCancelled = { ...partly, changesetCreationStatus: { state: 'CANCELLED', unpublishedCount: 2 } };
  assert.deepEqual(ids([...all, 'publishCampaign'], partlyCancelled), ['retry', 'close', 'delete'],
    'a cancelled campaign is resumed (retry) before more is published');
  assert.deepEqual(ids([...all, 'publishCampaign'], { ...partly, closedAt: '2026-01-01T00:00:00Z' }), ['delete']);
  const rest = CAMPAIGN_ACTIONS.find((a) => a.id === 'publish-rest');
  assert.equal(rest.confirm({ ...partly, name: 'n', draft: true }),
    'Commit, push and open the 2 unpublished pull requests of “n” now, as drafts?');
});

test('progress counts unpublished jobs in the total, never as done', () => {
  assert.deepEqual(progress({ completedCount: 1, pendingCount: 0, errors: [], unpublishedCount: 2 }),
    { done: 1, total: 3, failed: 0, failedText: '0', percent: 33 });
  assert.equal(progress({ completedCount: 1, pendingCount: 0, errors: [], unpublishedCount: 2 }, 3).done, 1,
    'with the plan\'s total too');
  assert.equal(progress({ completedCount: 0, pendingCount: 0, errors: [], unpublishedCount: 3 }).percent, 0,
    'an unpublished campaign has done nothing');
});

test('progress counts cancelled jobs as done', () => {
  const p = progress({ completedCount: 3, pendingCount: 0, errors: ['e'], cancelledCount: 6 });
  assert.equal(p.total, 10);
  assert.equal(p.done, 10);
});

test('config.json: deploy.sh writes from the stack outputs what the page reads', () => {
  const outputs = [
    ['GraphQLUrl', 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql'],
    ['WebUrl', 'https://d111.cloudfront.net/'],
    ['WebLoginUrl', 'https://campaigns-1.auth.eu-west-1.amazoncognito.com'],
    ['WebClientId', 'client123'],
    ['UserPoolIssuer', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X'],
    ['WebBucketName', 'bucket'],
  ].map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  const config = parseConfig(JSON.parse(JSON.stringify(configFromOutputs(outputs))));
  assert.equal(config.graphqlUrl, 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql');
  assert.deepEqual(config.auth, {
    type: 'cognito', domain: 'https://campaigns-1.auth.eu-west-1.amazoncognito.com', clientId: 'client123',
    issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X', redirectUri: 'https://d111.cloudfront.net/callback',
    logoutUri: 'https://d111.cloudfront.net/', scopes: ['openid', 'email', 'profile'],
  });
  assert.throws(() => configFromOutputs(outputs.filter((o) => o.OutputKey !== 'WebClientId')),
    /the stack has no output WebClientId/);
});

test('config.json: a bad configuration is refused with the field it lacks', () => {
  assert.deepEqual(parseConfig({ graphqlUrl: '/graphql', auth: { type: 'none' } }),
    { graphqlUrl: '/graphql', auth: { type: 'none' } });
  assert.throws(() => parseConfig({ auth: { type: 'none' } }), /graphqlUrl must be a non-empty string/);
  assert.throws(() => parseConfig({ graphqlUrl: '/g', auth: { type: 'saml' } }), /auth.type must be "none" or "cognito"/);
  assert.throws(() => parseConfig({ graphqlUrl: '/g', auth: { type: 'cognito', domain: 'https://x' } }),
    /auth.clientId must be a non-empty string/);
});

test('changeset filters: by state, review, checks (none included) and text in repository, title, number or label', async () => {
  const { filterChangesets } = await import('../../src/changesets.js');
  const cs = [
    { repository: 'acme/a', title: 'Bump', externalID: '1', labels: ['deps'], state: 'OPEN', reviewState: 'APPROVED', checkState: 'PASSED' },
    { repository: 'acme/b', title: null, externalID: '22', labels: [], state: 'MERGED', reviewState: 'PENDING', checkState: null },
  ];
  const repos = (f) => filterChangesets(cs, f).map((c) => c.repository);
  assert.deepEqual(repos({}), ['acme/a', 'acme/b']);
  assert.deepEqual(repos({ state: 'MERGED' }), ['acme/b']);
  assert.deepEqual(repos({ review: 'APPROVED' }), ['acme/a']);
  assert.deepEqual(repos({ check: 'NONE' }), ['acme/b']);
  assert.deepEqual(repos({ text: 'DEPS' }), ['acme/a']);
  assert.deepEqual(repos({ text: '#22' }), ['acme/b']);
  assert.deepEqual(repos({ text: 'acme', state: 'OPEN', check: 'PASSED' }), ['acme/a']);
});

test('the burndown stacks merged, closed, approved, changes requested and pending, the top edge being the total', async () => {
  const { SERIES, stack } = await import('../../src/burndown.js');
  const day = { merged: 1, closed: 2, openApproved: 3, openChangesRequested: 4, openPending: 5 };
  const tops = stack([day, { merged: 0, closed: 0, openApproved: 0, openChangesRequested: 0, openPending: 1 }]);
  assert.deepEqual(SERIES.map((s) => s.key), ['merged', 'closed', 'openApproved', 'openChangesRequested', 'openPending']);
  assert.deepEqual(tops.map((t) => t[0]), [1, 3, 6, 10, 15]);
  assert.deepEqual(tops.map((t) => t[1]), [0, 0, 0, 0, 1]);
});

test('bulk actions: offered on an open, settled campaign; names split on commas; progress then counts', () => {
  const c = { id: 'c', name: 'n', closedAt: null, changesetCreationStatus: { state: 'COMPLETED' } };
  const ids = (offered, campaign) => availableActions(CAMPAIGN_ACTIONS, new Set(offered), campaign).map((a) => a.id);
  assert.deepEqual(ids(['runChangesetOperation'], c),
    ['bulk-comment', 'bulk-merge', 'bulk-close', 'bulk-labels', 'bulk-reviewers']);
  assert.deepEqual(ids(['runChangesetOperation'], { ...c, closedAt: '2026-01-01T00:00:00Z' }), []);
  assert.deepEqual(ids(['runChangesetOperation'], { ...c, changesetCreationStatus: { state: 'PROCESSING' } }), []);
  assert.deepEqual(names(' deps, ready ,,x '), ['deps', 'ready', 'x']);
  const op = { state: 'PROCESSING', totalCount: 4, pendingCount: 3, succeededCount: 1, skippedCount: 0, failedCount: 0 };
  assert.deepEqual(operationProgress('Merge all', op), { finished: false, text: 'Merge all: 1 of 4 done…' });
  assert.deepEqual(operationProgress('Merge all', { ...op, state: 'COMPLETED', pendingCount: 0, succeededCount: 3,
    skippedCount: 1 }), { finished: true, text: 'Merge all: 3 succeeded, 1 skipped, 0 failed.' });
});

test('auto-merge: turned on while off (open campaigns), off while on', () => {
  const c = { id: 'c', name: 'n', closedAt: null, changesetCreationStatus: { state: 'PROCESSING' }, autoMerge: null };
  const ids = (campaign) => availableActions(CAMPAIGN_ACTIONS, new Set(['setCampaignAutoMerge']), campaign)
    .map((a) => a.id);
  assert.deepEqual(ids(c), ['auto-merge-on']);
  assert.deepEqual(ids({ ...c, autoMerge: { method: 'SQUASH' } }), ['auto-merge-off']);
  assert.deepEqual(ids({ ...c, closedAt: '2026-01-01T00:00:00Z' }), []);
});

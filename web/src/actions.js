// What a user can do to a campaign and its changesets: a list of actions, each shown only when the API offers its
// mutation (read once from the schema) and the campaign is in a state that allows it. A new mutation (issue 16's
// update, publish, cancel, bulk comment/merge/close/labels/reviewers, auto-merge) is a new entry here; the page
// renders the buttons, the confirmation dialog with its options, the progress and the outcome.
import * as q from './queries.js';
import { plural } from './format.js';

const open = (c) => !c.closedAt;
const settled = (c) => c.changesetCreationStatus.state !== 'PROCESSING';

/**
 * Campaign actions. Each: id, label (visible), optional describe(subject) (read after the label by screen readers),
 * mutation (the API field it needs), available(campaign), optional confirm
 * (question) with options (checkboxes), danger (styled as destructive), run(api, campaign, options), done (message),
 * and after ('refresh' or 'home').
 */
export const CAMPAIGN_ACTIONS = [
  {
    id: 'retry',
    label: 'Retry failed jobs',
    mutation: 'retryCampaign',
    available: (c) => open(c) && ['ERRORED', 'CANCELLED'].includes(c.changesetCreationStatus.state),
    run: (api, c) => api.request(q.RETRY_CAMPAIGN, { id: c.id }),
    done: 'Retrying the failed jobs.',
    after: 'refresh',
  },
  {
    id: 'close',
    label: 'Close campaign',
    mutation: 'closeCampaign',
    available: (c) => open(c) && settled(c),
    confirm: (c) => `Close the campaign “${c.name}”?`,
    options: [{ name: 'closeChangesets', label: 'Also close the pull requests this campaign opened', checked: true }],
    run: (api, c, o) => api.request(q.CLOSE_CAMPAIGN, { id: c.id, closeChangesets: !!o.closeChangesets }),
    done: 'The campaign is closed.',
    after: 'refresh',
  },
  {
    id: 'delete',
    label: 'Delete campaign',
    mutation: 'deleteCampaign',
    danger: true,
    available: settled,
    confirm: (c) => `Delete the campaign “${c.name}”? Its changesets stay recorded.`,
    options: [{ name: 'closeChangesets', label: 'Also close the pull requests this campaign opened', checked: false }],
    run: (api, c, o) => api.request(q.DELETE_CAMPAIGN, { id: c.id, closeChangesets: !!o.closeChangesets }),
    done: 'The campaign is deleted.',
    after: 'home',
  },
  // Publish when ready (issue 16): a campaign created with publish: false opens its pull requests on request.
  {
    id: 'publish',
    label: 'Publish',
    mutation: 'publishCampaign',
    available: (c) => open(c) && c.changesetCreationStatus.state === 'UNPUBLISHED',
    confirm: (c) => `Commit, push and open the pull requests of “${c.name}” now?`,
    options: [{ name: 'draft', label: 'Open them as drafts', checked: false }],
    run: (api, c, o) => api.request(q.PUBLISH_CAMPAIGN, { id: c.id, draft: !!o.draft }),
    done: 'Published: the pull requests are being opened.',
    after: 'refresh',
  },
  // A campaign published in part (publishChangesets: some repositories only) publishes the rest the same way, as
  // its first publish set (drafts or not): publishCampaign with draft null.
  {
    id: 'publish-rest',
    label: 'Publish the rest',
    mutation: 'publishCampaign',
    available: (c) => open(c) && c.published !== false && (c.changesetCreationStatus.unpublishedCount ?? 0) > 0
      && !['PROCESSING', 'CANCELLED', 'UNPUBLISHED'].includes(c.changesetCreationStatus.state),
    confirm: (c) => `Commit, push and open the ${plural(c.changesetCreationStatus.unpublishedCount,
      'unpublished pull request')} of “${c.name}” now${c.draft ? ', as drafts' : ''}?`,
    run: (api, c) => api.request(q.PUBLISH_CAMPAIGN, { id: c.id, draft: null }),
    done: 'Published: the pull requests are being opened.',
    after: 'refresh',
  },
  {
    id: 'cancel',
    label: 'Cancel campaign',
    mutation: 'cancelCampaign',
    danger: true,
    available: (c) => c.changesetCreationStatus.state === 'PROCESSING',
    confirm: (c) => `Stop creating the changesets of “${c.name}”? No pull request is opened afterwards; retry resumes.`,
    run: (api, c) => api.request(q.CANCEL_CAMPAIGN, { id: c.id }),
    done: 'The campaign is cancelled.',
    after: 'refresh',
  },
  // Bulk operations (issue 16): runChangesetOperation on the campaign's open changesets, in the background,
  // followed (follow/poll) until each changeset has its result; the table shows their new state as it comes.
  ...[
    { id: 'bulk-comment', label: 'Comment on all', operation: 'COMMENT',
      confirm: (c) => `Comment on every open pull request of “${c.name}”?`,
      options: [{ name: 'body', label: 'Comment', type: 'text', multiline: true }],
      input: (o) => ({ body: o.body }), verb: 'Commenting on' },
    { id: 'bulk-merge', label: 'Merge all', operation: 'MERGE',
      confirm: (c) => `Merge the open pull requests of “${c.name}” whose checks passed?`,
      options: [{ name: 'mergeMethod', label: 'Merge method', type: 'select', choices: ['MERGE', 'SQUASH', 'REBASE'] },
        { name: 'force', label: 'Also merge those whose checks failed or are pending', checked: false }],
      input: (o) => ({ mergeMethod: o.mergeMethod, force: !!o.force }), verb: 'Merging' },
    { id: 'bulk-close', label: 'Close all', operation: 'CLOSE', danger: true,
      confirm: (c) => `Close every open pull request “${c.name}” opened?`, input: () => ({}), verb: 'Closing' },
    { id: 'bulk-labels', label: 'Add labels', operation: 'ADD_LABELS',
      confirm: (c) => `Add labels to every open pull request of “${c.name}”?`,
      options: [{ name: 'labels', label: 'Labels (comma-separated)', type: 'text' }],
      input: (o) => ({ labels: names(o.labels) }), verb: 'Labelling' },
    { id: 'bulk-reviewers', label: 'Request reviewers', operation: 'REQUEST_REVIEWERS',
      confirm: (c) => `Request reviews on every open pull request of “${c.name}”?`,
      options: [{ name: 'reviewers', label: 'User names (comma-separated)', type: 'text' }],
      input: (o) => ({ reviewers: names(o.reviewers) }), verb: 'Requesting reviews on' },
  ].map((b) => ({
    id: b.id,
    label: b.label,
    mutation: 'runChangesetOperation',
    danger: b.danger,
    available: (c) => open(c) && settled(c),
    confirm: b.confirm,
    options: b.options,
    run: async (api, c, o) => (await api.request(q.RUN_CHANGESET_OPERATION, { input: {
      campaign: c.id, operation: b.operation, filter: { states: ['OPEN'] }, ...b.input(o || {}) } }))
      .runChangesetOperation,
    // Followed until every changeset has its result: the outcome line shows the progress, then the counts.
    follow: (op) => operationProgress(b.label, op),
    poll: async (api, op) => (await api.request(q.CHANGESET_OPERATION, { id: op.id })).changesetOperation,
    after: 'refresh',
  })),
  // Auto-merge (issue 16): merge each changeset once it is approved and its checks passed.
  {
    id: 'auto-merge-on',
    label: 'Turn auto-merge on',
    mutation: 'setCampaignAutoMerge',
    available: (c) => open(c) && !c.autoMerge,
    confirm: (c) => `Merge each pull request of “${c.name}” once it is approved and its checks pass?`,
    options: [{ name: 'method', label: 'Merge method', type: 'select', choices: ['MERGE', 'SQUASH', 'REBASE'] }],
    run: (api, c, o) => api.request(q.SET_AUTO_MERGE, { id: c.id, autoMerge: { method: o.method } }),
    done: 'Auto-merge is on.',
    after: 'refresh',
  },
  {
    id: 'auto-merge-off',
    label: 'Turn auto-merge off',
    mutation: 'setCampaignAutoMerge',
    available: (c) => !!c.autoMerge,
    run: (api, c) => api.request(q.SET_AUTO_MERGE, { id: c.id, autoMerge: null }),
    done: 'Auto-merge is off.',
    after: 'refresh',
  },
];

/** What the outcome line says of a bulk operation: {finished, text}. */
export function operationProgress(label, op) {
  if (op.state === 'PROCESSING') {
    return { finished: false, text: `${label}: ${op.totalCount - op.pendingCount} of ${op.totalCount} done…` };
  }
  return { finished: true, text: `${label}: ${op.succeededCount} succeeded, ${op.skippedCount} skipped, `
    + `${op.failedCount} failed.` };
}

/** Comma-separated names as a list, blanks left out. */
export function names(text) {
  return String(text || '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Actions on one changeset (a row of the table). */
export const CHANGESET_ACTIONS = [
  {
    id: 'sync',
    label: 'Refresh',
    // Read after the label by screen readers: "Refresh owner/name#12".
    describe: (cs) => `${cs.repository}#${cs.externalID}`,
    mutation: 'syncChangeset',
    available: () => true,
    run: (api, cs) => api.request(q.SYNC_CHANGESET, { id: cs.id }),
    after: 'refresh',
  },
];

/** The actions whose mutation the API offers (offered: a Set of Mutation field names) and the subject allows. */
export function availableActions(actions, offered, subject) {
  return actions.filter((a) => offered.has(a.mutation) && a.available(subject));
}

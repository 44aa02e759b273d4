// What a user can do to a campaign and its changesets: a list of actions, each shown only when the API offers its
// mutation (read once from the schema) and the campaign is in a state that allows it. A new mutation (issue 16's
// update, publish, cancel, bulk comment/merge/close/labels/reviewers, auto-merge) is a new entry here; the page
// renders the buttons, the confirmation dialog with its options, the progress and the outcome.
import * as q from './queries.js';

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
];

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

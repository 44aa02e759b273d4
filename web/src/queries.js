// The GraphQL documents the page sends (schema: functions/src/main/resources/schema.graphql).

const STATUS = 'state completedCount pendingCount errors cancelledCount unpublishedCount';

export const MUTATIONS = '{ __type(name: "Mutation") { fields { name } } }';

export const CAMPAIGNS = `query($first: Int, $after: String) { campaigns(first: $first, after: $after) {
  nodes { id name createdAt closedAt changesetCreationStatus { ${STATUS} } }
  pageInfo { hasNextPage endCursor } } }`;

const CHANGESET = 'id repository externalID externalURL state reviewState checkState title labels updatedAt createdByCampaign';

export const CAMPAIGN = `query($id: ID!) { campaign(id: $id) {
  id name description branch draft published createdAt closedAt generation updatedAt autoMerge { method }
  plan { id status { completedCount } }
  changesetCreationStatus { ${STATUS} }
  changesetCountsOverTime { date total merged closed open openApproved openChangesRequested openPending }
  changesets(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { ${CHANGESET} } } } }`;

export const CHANGESETS_PAGE = `query($id: ID!, $after: String) { campaign(id: $id) {
  changesets(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${CHANGESET} } } } }`;

export const PLAN = `query($id: ID!, $offset: Int) { campaignPlan(id: $id) {
  id createdAt status { ${STATUS} }
  jobs(first: 1000, offset: $offset) { id repository baseRevision baseRef state diffStat { added changed deleted } error } } }`;

export const JOB_PATCH = `query($id: ID!, $offset: Int) { campaignPlan(id: $id) {
  jobs(first: 1, offset: $offset) { id patch } } }`;

export const RETRY_CAMPAIGN = `mutation($id: ID!) { retryCampaign(campaign: $id) { id changesetCreationStatus { ${STATUS} } } }`;

export const CLOSE_CAMPAIGN = `mutation($id: ID!, $closeChangesets: Boolean) {
  closeCampaign(campaign: $id, closeChangesets: $closeChangesets) { id closedAt } }`;

export const DELETE_CAMPAIGN = `mutation($id: ID!, $closeChangesets: Boolean) {
  deleteCampaign(campaign: $id, closeChangesets: $closeChangesets) { alwaysNil } }`;

export const SYNC_CHANGESET = `mutation($id: ID!) { syncChangeset(changeset: $id) { ${CHANGESET} } }`;

export const CANCEL_CAMPAIGN = `mutation($id: ID!) { cancelCampaign(campaign: $id) { id cancelledAt changesetCreationStatus { ${STATUS} } } }`;

const OPERATION = 'id state totalCount pendingCount succeededCount failedCount skippedCount';

export const RUN_CHANGESET_OPERATION = `mutation($input: ChangesetOperationInput!) {
  runChangesetOperation(input: $input) { ${OPERATION} } }`;

export const CHANGESET_OPERATION = `query($id: ID!) { changesetOperation(id: $id) { ${OPERATION} } }`;

export const SET_AUTO_MERGE = `mutation($id: ID!, $autoMerge: AutoMergeInput) {
  setCampaignAutoMerge(campaign: $id, autoMerge: $autoMerge) { campaign autoMerge { method } } }`;

export const PUBLISH_CAMPAIGN = `mutation($id: ID!, $draft: Boolean) { publishCampaign(campaign: $id, draft: $draft) {
  id published changesetCreationStatus { ${STATUS} } } }`;

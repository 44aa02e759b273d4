// "/campaigns/ID": a campaign's status, actions, burndown chart and changesets, live.
import { useContext } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { html } from '../html.js';
import { AppContext } from '../context.js';
import { CAMPAIGN, CHANGESETS_PAGE } from '../queries.js';
import { usePolled } from '../poll.js';
import { dateTime } from '../format.js';
import { CAMPAIGN_ACTIONS } from '../actions.js';
import { Counts, ErrorList, Loading, PageTitle, Problem, Progress, StateBadge } from '../components/common.js';
import { Actions } from '../components/Actions.js';
import { BurndownChart } from '../components/BurndownChart.js';
import { ChangesetTable } from '../components/ChangesetTable.js';

/** The campaign with every changeset (pages of 100 followed to the end), or {notFound} when there is none. */
export async function loadCampaign(api, id) {
  const first = await api.request(CAMPAIGN, { id });
  const campaign = first.campaign;
  if (!campaign) {
    return { notFound: true };
  }
  const nodes = [...campaign.changesets.nodes];
  let page = campaign.changesets.pageInfo;
  while (page.hasNextPage) {
    const next = (await api.request(CHANGESETS_PAGE, { id, after: page.endCursor })).campaign;
    if (!next) {
      return { notFound: true };
    }
    nodes.push(...next.changesets.nodes);
    page = next.changesets.pageInfo;
  }
  return { ...campaign, changesets: { totalCount: campaign.changesets.totalCount, nodes } };
}

export function CampaignPage({ id }) {
  const { api } = useContext(AppContext);
  const [, navigate] = useLocation();
  const { data, error, refresh } = usePolled(() => loadCampaign(api, id), `campaign:${id}`);
  if (!data || data.notFound) {
    return html`<nav aria-label="Breadcrumb" class="breadcrumb"><${Link} href="/">Campaigns<//></nav>
      <${PageTitle} title="Campaign">Campaign<//>
      ${!data && !error ? html`<${Loading} what="the campaign" />` : null}
      ${data?.notFound ? html`<p class="problem" role="alert">There is no campaign ${id} of yours.</p>` : null}
      <${Problem} error=${error} what="The campaign could not be read" />`;
  }
  return html`<${Campaign} campaign=${data} error=${error} refresh=${refresh}
    onAction=${(a) => (a.after === 'home' ? navigate('/') : refresh())} />`;
}

function Campaign({ campaign: c, error, refresh, onAction }) {
  const s = c.changesetCreationStatus;
  const total = c.plan ? c.plan.status.completedCount : undefined;
  return html`
    <nav aria-label="Breadcrumb" class="breadcrumb"><${Link} href="/">Campaigns<//></nav>
    <${PageTitle} title=${c.name}>${c.name}<//>
    ${c.description ? html`<p class="lead">${c.description}</p>` : null}
    <dl class="meta">
      <div><dt>Branch</dt><dd>${c.branch ? html`<code>${c.branch}</code>` : 'none (tracks existing pull requests)'}</dd></div>
      ${c.published === false ? html`<div><dt>Pull requests</dt><dd>not opened: the campaign is unpublished (its plan's diffs are the preview)</dd></div>`
        : s.unpublishedCount > 0 ? html`<div><dt>Pull requests</dt><dd>${s.unpublishedCount} not opened yet: published in part${c.draft ? ' (as drafts)' : ''}</dd></div>`
        : c.draft ? html`<div><dt>Pull requests</dt><dd>drafts</dd></div>` : null}
      ${c.autoMerge ? html`<div><dt>Auto-merge</dt><dd>${c.autoMerge.method.toLowerCase()}, once approved and checks pass</dd></div>` : null}
      <div><dt>Created</dt><dd><time datetime=${c.createdAt}>${dateTime(c.createdAt)}</time></dd></div>
      ${c.updatedAt ? html`<div><dt>Updated</dt><dd><time datetime=${c.updatedAt}>${dateTime(c.updatedAt)}</time>
        (generation ${c.generation}: the changeset status below is this update's)</dd></div>` : null}
      ${c.closedAt ? html`<div><dt>Closed</dt><dd><time datetime=${c.closedAt}>${dateTime(c.closedAt)}</time></dd></div>` : null}
      ${c.plan ? html`<div><dt>Plan</dt><dd><${Link} href=${`/plans/${encodeURIComponent(c.plan.id)}`}>the plan's diffs<//></dd></div>` : null}
    </dl>
    <${Problem} error=${error} what="The latest update failed (showing the last one read)" />

    <section aria-labelledby="status-heading" class="panel">
      <h2 id="status-heading">Changeset creation</h2>
      <div class="status-line" role="status" aria-live="polite">
        <${StateBadge} state=${s.state} closed=${!!c.closedAt} unpublished=${s.unpublishedCount} />
        <span class="visually-hidden">${s.completedCount} completed, ${s.pendingCount} pending, ${s.errors.length} errors${s.unpublishedCount > 0 ? `, ${s.unpublishedCount} unpublished` : ''}</span>
      </div>
      <${Progress} status=${s} total=${total} label="Changesets created" />
      <${Counts} status=${s} total=${total} />
      <${ErrorList} errors=${s.errors} label="Errors" />
    </section>

    <section aria-labelledby="actions-heading" class="panel">
      <h2 id="actions-heading">Actions</h2>
      <${Actions} actions=${CAMPAIGN_ACTIONS} subject=${c} label="Campaign actions" onDone=${onAction} />
    </section>

    <section aria-labelledby="burndown-heading" class="panel">
      <h2 id="burndown-heading">Burndown</h2>
      <${BurndownChart} counts=${c.changesetCountsOverTime} name=${c.name} />
    </section>

    <section aria-labelledby="changesets-heading" class="panel">
      <h2 id="changesets-heading">Changesets (${c.changesets.totalCount})</h2>
      <${ChangesetTable} changesets=${c.changesets.nodes} totalCount=${c.changesets.totalCount} onChanged=${refresh} />
    </section>
  `;
}

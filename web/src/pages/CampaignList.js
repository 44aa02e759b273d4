// "/": the caller's campaigns, newest first, live.
import { useContext, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { html } from '../html.js';
import { AppContext } from '../context.js';
import { CAMPAIGNS } from '../queries.js';
import { usePolled } from '../poll.js';
import { dateTime, progress } from '../format.js';
import { Loading, PageTitle, Problem, Progress, StateBadge } from '../components/common.js';

const PAGE = 50;

/** The first `count` campaigns (in pages of 50). */
async function loadCampaigns(api, count) {
  const nodes = [];
  let after = null;
  let more = true;
  while (more && nodes.length < count) {
    const data = await api.request(CAMPAIGNS, { first: PAGE, after });
    nodes.push(...data.campaigns.nodes);
    more = data.campaigns.pageInfo.hasNextPage;
    after = data.campaigns.pageInfo.endCursor;
  }
  return { nodes, more };
}

export function CampaignList() {
  const { api } = useContext(AppContext);
  const [count, setCount] = useState(PAGE);
  const { data, error } = usePolled(() => loadCampaigns(api, count), `list:${count}`);
  return html`
    <${PageTitle} title="Campaigns">Campaigns<//>
    <p class="lead">Your campaigns, newest first. This page updates itself.</p>
    <${Problem} error=${error} what="The campaigns could not be read" />
    ${!data && !error ? html`<${Loading} what="your campaigns" />` : null}
    ${data && data.nodes.length === 0
      ? html`<p class="empty">You have no campaigns yet. Create one with the GraphQL API (see README) or
          <code>campaigns demo</code>.</p>`
      : null}
    ${data && data.nodes.length > 0
      ? html`<div class="table-wrap">
          <table class="cards" aria-describedby="campaigns-caption">
            <caption id="campaigns-caption">${data.nodes.length} campaign${data.nodes.length === 1 ? '' : 's'}</caption>
            <thead><tr>
              <th scope="col">Campaign</th><th scope="col">State</th><th scope="col">Progress</th>
              <th scope="col">Completed</th><th scope="col">Pending</th><th scope="col">Errors</th>
              <th scope="col">Created</th>
            </tr></thead>
            <tbody>${data.nodes.map((c) => html`<${Row} key=${c.id} campaign=${c} />`)}</tbody>
          </table>
        </div>`
      : null}
    ${data?.more ? html`<button type="button" onClick=${() => setCount(count + PAGE)}>Show more campaigns</button>` : null}
  `;
}

function Row({ campaign: c }) {
  const s = c.changesetCreationStatus;
  const p = progress(s);
  return html`<tr data-campaign=${c.id}>
    <th scope="row" data-label="Campaign"><${Link} href=${`/campaigns/${encodeURIComponent(c.id)}`}>${c.name}<//></th>
    <td data-label="State"><${StateBadge} state=${s.state} closed=${!!c.closedAt} unpublished=${s.unpublishedCount} /></td>
    <td data-label="Progress"><${Progress} status=${s} label=${`Changesets created for ${c.name}`} /></td>
    <td data-label="Completed">${s.completedCount}</td>
    <td data-label="Pending">${s.pendingCount}</td>
    <td data-label="Errors">${p.failedText}</td>
    <td data-label="Created"><time datetime=${c.createdAt}>${dateTime(c.createdAt)}</time></td>
  </tr>`;
}

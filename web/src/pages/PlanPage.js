// "/plans/ID": a campaign plan's jobs with their state, diff stat and rendered diff, live while it executes.
import { useContext, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { html } from '../html.js';
import { AppContext } from '../context.js';
import { PLAN } from '../queries.js';
import { usePolled } from '../poll.js';
import { dateTime, plural } from '../format.js';
import { Counts, ErrorList, Loading, PageTitle, Problem, Progress, StateBadge } from '../components/common.js';
import { Diff } from '../components/Diff.js';

/** The plan with all its jobs (1,000 per request), or {notFound}. */
export async function loadPlan(api, id) {
  const data = await api.request(PLAN, { id, offset: 0 });
  const plan = data.campaignPlan;
  if (!plan) {
    return { notFound: true };
  }
  const jobs = [...plan.jobs];
  let batch = plan.jobs.length;
  while (batch === 1000) {
    const next = (await api.request(PLAN, { id, offset: jobs.length })).campaignPlan;
    batch = next ? next.jobs.length : 0;
    jobs.push(...(next ? next.jobs : []));
  }
  return { ...plan, jobs };
}

export function PlanPage({ id }) {
  const { api } = useContext(AppContext);
  const { data, error } = usePolled(() => loadPlan(api, id), `plan:${id}`);
  const header = html`<nav aria-label="Breadcrumb" class="breadcrumb"><${Link} href="/">Campaigns<//></nav>
    <${PageTitle} title="Campaign plan">Campaign plan<//>`;
  if (!data || data.notFound) {
    return html`${header}
      ${!data && !error ? html`<${Loading} what="the plan" />` : null}
      ${data?.notFound ? html`<p class="problem" role="alert">There is no campaign plan ${id} of yours.</p>` : null}
      <${Problem} error=${error} what="The plan could not be read" />`;
  }
  const s = data.status;
  return html`${header}
    <dl class="meta">
      <div><dt>ID</dt><dd><code>${data.id}</code></dd></div>
      <div><dt>Created</dt><dd><time datetime=${data.createdAt}>${dateTime(data.createdAt)}</time></dd></div>
    </dl>
    <${Problem} error=${error} what="The latest update failed (showing the last one read)" />
    <section aria-labelledby="plan-status-heading" class="panel">
      <h2 id="plan-status-heading">Execution</h2>
      <div class="status-line" role="status" aria-live="polite"><${StateBadge} state=${s.state} /></div>
      <${Progress} status=${s} total=${data.jobs.length} label="Jobs executed" />
      <${Counts} status=${s} total=${data.jobs.length} />
      <${ErrorList} errors=${s.errors} label="Errors" />
    </section>
    <section aria-labelledby="jobs-heading" class="panel">
      <h2 id="jobs-heading">Jobs (${data.jobs.length})</h2>
      <ol class="jobs">${data.jobs.map((j, i) => html`<${Job} key=${j.id} job=${j} planId=${data.id} offset=${i} />`)}</ol>
    </section>`;
}

function Job({ job: j, planId, offset }) {
  const [open, setOpen] = useState(false);
  const d = j.diffStat;
  return html`<li class="job" data-job=${j.id}>
    <details onToggle=${(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span class="repo">${j.repository}</span>
        <${StateBadge} state=${j.state} />
        ${d ? html`<span class="diffstat"><span aria-hidden="true"><span class="added">+${d.added}</span>
          <span class="changed">~${d.changed}</span> <span class="deleted">−${d.deleted}</span></span>
          <span class="visually-hidden">${plural(d.added, 'line')} added, ${d.changed} changed, ${d.deleted} deleted</span></span>` : null}
        <span class="base">on <code>${j.baseRef}</code> at <code>${j.baseRevision.slice(0, 12)}</code></span>
      </summary>
      ${j.error ? html`<p class="problem">${j.error}</p>` : null}
      ${open ? html`<${Diff} planId=${planId} offset=${offset} repository=${j.repository} />` : null}
    </details>
  </li>`;
}

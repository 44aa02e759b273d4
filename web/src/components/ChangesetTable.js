// The campaign's changesets as a table with filters: repository, pull request, state, review, checks, labels,
// updated, and the per-changeset actions the API offers. At phone width each row reads as a card.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { dateTime, words } from '../format.js';
import { CHANGESET_ACTIONS } from '../actions.js';
import { Actions } from './Actions.js';
import { filterChangesets } from '../changesets.js';

const STATES = ['OPEN', 'MERGED', 'CLOSED', 'DELETED'];
const REVIEWS = ['APPROVED', 'CHANGES_REQUESTED', 'PENDING', 'COMMENTED'];
const CHECKS = ['PASSED', 'FAILED', 'PENDING', 'NONE'];
const SHOWN = 200;

export function ChangesetTable({ changesets, totalCount, onChanged }) {
  const [filters, setFilters] = useState({ text: '', state: '', review: '', check: '' });
  const [shown, setShown] = useState(SHOWN);
  const matching = useMemo(() => filterChangesets(changesets, filters), [changesets, filters]);
  const set = (name) => (e) => {
    setFilters({ ...filters, [name]: e.currentTarget.value });
    setShown(SHOWN);
  };
  const select = (name, label, values) => html`<label>${label}
    <select name=${name} value=${filters[name]} onChange=${set(name)}>
      <option value="">Any</option>
      ${values.map((v) => html`<option value=${v}>${v === 'NONE' ? 'No checks' : words(v)}</option>`)}
    </select></label>`;
  return html`
    <form class="filters" role="search" aria-label="Filter changesets" onSubmit=${(e) => e.preventDefault()}>
      <label>Search <input type="search" name="text" value=${filters.text} onInput=${set('text')}
        placeholder="repository, title, label" /></label>
      ${select('state', 'State', STATES)}
      ${select('review', 'Review', REVIEWS)}
      ${select('check', 'Checks', CHECKS)}
    </form>
    <p class="muted" role="status" id="changesets-count">
      Showing ${Math.min(shown, matching.length)} of ${matching.length} matching
      (${totalCount} changeset${totalCount === 1 ? '' : 's'} in all).</p>
    ${matching.length === 0 ? null : html`<div class="table-wrap">
      <table class="cards changesets" aria-describedby="changesets-count">
        <thead><tr>
          <th scope="col">Repository</th><th scope="col">Pull request</th><th scope="col">State</th>
          <th scope="col">Review</th><th scope="col">Checks</th><th scope="col">Labels</th>
          <th scope="col">Updated</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>${matching.slice(0, shown).map((c) => html`<${Row} key=${c.id} changeset=${c} onChanged=${onChanged} />`)}</tbody>
      </table></div>`}
    ${matching.length > shown
      ? html`<button type="button" onClick=${() => setShown(shown + SHOWN)}>Show ${SHOWN} more changesets</button>`
      : null}
  `;
}

function Row({ changeset: c, onChanged }) {
  const pr = `#${c.externalID}`;
  return html`<tr data-changeset=${c.id} data-repository=${c.repository}>
    <th scope="row" data-label="Repository">${c.repository}</th>
    <td data-label="Pull request">${c.externalURL
      ? html`<a href=${c.externalURL} target="_blank" rel="noopener noreferrer">${pr}<span class="visually-hidden"> (opens in a new tab)</span></a>`
      : pr} ${c.title ? html`<span class="title">${c.title}</span>` : null}</td>
    <td data-label="State"><span class=${`badge cs-${c.state.toLowerCase()}`}>${words(c.state)}</span></td>
    <td data-label="Review"><span class=${`review review-${c.reviewState.toLowerCase()}`}>${words(c.reviewState)}</span></td>
    <td data-label="Checks"><span class=${`check check-${(c.checkState || 'none').toLowerCase()}`}>${c.checkState ? words(c.checkState) : 'None'}</span></td>
    <td data-label="Labels">${c.labels.length
      ? html`<ul class="labels">${c.labels.map((l) => html`<li class="label">${l}</li>`)}</ul>` : html`<span class="muted">None</span>`}</td>
    <td data-label="Updated"><time datetime=${c.updatedAt}>${dateTime(c.updatedAt)}</time></td>
    <td data-label="Actions"><${Actions} actions=${CHANGESET_ACTIONS} subject=${c}
      label=${`Actions for ${c.repository} ${pr}`} onDone=${onChanged} compact /></td>
  </tr>`;
}

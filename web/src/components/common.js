// Small pieces shared by the pages.
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { html } from '../html.js';
import { progress, words } from '../format.js';

// The address the browser loaded; once the page has routed elsewhere, each new page's heading takes the focus.
const FIRST_PATH = window.location.pathname;
let routed = false;

/**
 * A page's heading and the document's title. After a move within the page (not on the first load, where the skip
 * link stays the first stop of Tab) the heading takes the focus, so that screen readers announce the new page.
 */
export function PageTitle({ children, title }) {
  const ref = useRef(null);
  const [path] = useLocation();
  useEffect(() => {
    document.title = `${title} · Campaigns`;
    routed = routed || path !== FIRST_PATH;
    if (routed) {
      ref.current?.focus();
    }
  }, [title, path]);
  return html`<h1 tabIndex="-1" ref=${ref}>${children}</h1>`;
}

export function StateBadge({ state, closed, unpublished }) {
  const badge = html`<span class=${`badge badge-${(closed ? 'closed' : state || '').toLowerCase()}`}>
    ${closed ? 'Closed' : words(state)}</span>`;
  // A campaign published in part (publishChangesets): its state is the published part's; the rest is said beside it.
  return unpublished > 0 && state !== 'UNPUBLISHED'
    ? html`${badge} <span class="badge badge-unpublished">${unpublished} unpublished</span>` : badge;
}

/** A process's progress bar with the numbers beside it. */
export function Progress({ status, total, label }) {
  const p = progress(status, total);
  return html`<div class="progress">
    <progress max=${p.total || 1} value=${p.total ? p.done : 1} aria-label=${label}></progress>
    <span class="progress-text">${p.done} of ${p.total} done (${p.percent}%)</span>
  </div>`;
}

export function Counts({ status, total }) {
  const p = progress(status, total);
  return html`<dl class="counts">
    <div><dt>Completed</dt><dd>${status.completedCount}</dd></div>
    <div><dt>Pending</dt><dd>${status.pendingCount}</dd></div>
    ${status.unpublishedCount > 0 ? html`<div><dt>Unpublished</dt><dd>${status.unpublishedCount}</dd></div>` : null}
    <div><dt>Errors</dt><dd class=${p.failed ? 'has-errors' : ''}>${p.failedText}</dd></div>
  </dl>`;
}

export function ErrorList({ errors, label }) {
  if (!errors.length) {
    return null;
  }
  return html`<section class="errors" aria-label=${label}>
    <h3>${label}</h3>
    <ul>${errors.map((e) => html`<li>${e}</li>`)}</ul>
    ${errors.length >= 100 ? html`<p>The first 100 errors are listed.</p>` : null}
  </section>`;
}

/** What went wrong when reading or changing something, said where the user is looking. */
export function Problem({ error, what }) {
  if (!error) {
    return null;
  }
  return html`<div class="problem" role="alert">
    <strong>${what}:</strong> ${error.message}
  </div>`;
}

export function Loading({ what }) {
  return html`<p class="loading" role="status">Loading ${what}…</p>`;
}

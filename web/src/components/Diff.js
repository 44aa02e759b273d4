// A job's patch rendered as a diff (diff2html, line by line), read from the API when first shown.
import { useContext, useEffect, useState } from 'preact/hooks';
import { html as diffHtml } from 'diff2html';
import 'diff2html/bundles/css/diff2html.min.css';
import { html } from '../html.js';
import { AppContext } from '../context.js';
import { JOB_PATCH } from '../queries.js';
import { Loading, Problem } from './common.js';

export function Diff({ planId, offset, repository }) {
  const { api } = useContext(AppContext);
  const [state, setState] = useState({ patch: undefined, error: null });
  useEffect(() => {
    let live = true;
    api.request(JOB_PATCH, { id: planId, offset })
      .then((d) => live && setState({ patch: d.campaignPlan?.jobs[0]?.patch ?? null, error: null }))
      .catch((error) => live && setState({ patch: undefined, error }));
    return () => {
      live = false;
    };
  }, [planId, offset]);
  if (state.error) {
    return html`<${Problem} error=${state.error} what=${`The patch for ${repository} could not be read`} />`;
  }
  if (state.patch === undefined) {
    return html`<${Loading} what=${`the patch for ${repository}`} />`;
  }
  if (state.patch === null) {
    return html`<p class="muted">This patch is too large to show here (over 1 MiB).</p>`;
  }
  const rendered = diffHtml(state.patch, { outputFormat: 'line-by-line', drawFileList: true, matching: 'lines',
    colorScheme: 'light' });
  return html`<div class="diff" role="region" aria-label=${`Diff for ${repository}`} tabIndex="0"
    dangerouslySetInnerHTML=${{ __html: rendered }}></div>`;
}

// Rules about a campaign's changesets as the page shows them (pure: tested on their own).

/** The changesets that pass the filters. */
export function filterChangesets(changesets, { text = '', state = '', review = '', check = '' }) {
  const needle = text.trim().toLowerCase();
  return changesets.filter((c) => (!state || c.state === state)
    && (!review || c.reviewState === review)
    && (!check || (c.checkState || 'NONE') === check)
    && (!needle || [c.repository, c.title || '', `#${c.externalID}`, ...c.labels]
      .some((v) => v.toLowerCase().includes(needle))));
}

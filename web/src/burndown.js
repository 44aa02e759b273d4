// The burndown chart's series: the changesets counted once a day, stacked (pure: tested on its own).

// Bottom to top; colours with a 3:1 contrast against white, told apart by the legend's names as well.
export const SERIES = [
  { key: 'merged', label: 'Merged', color: '#6f42c1' },
  { key: 'closed', label: 'Closed', color: '#6a737d' },
  { key: 'openApproved', label: 'Open, approved', color: '#1a7f37' },
  { key: 'openChangesRequested', label: 'Open, changes requested', color: '#cf222e' },
  { key: 'openPending', label: 'Open, review pending', color: '#bf8700' },
];

/** Each series' top edge: the running sum of the series below it and itself. */
export function stack(counts) {
  const sums = counts.map(() => 0);
  return SERIES.map((s) => counts.map((c, i) => (sums[i] += c[s.key])));
}

// The burndown chart: the campaign's changesets counted once a day (changesetCountsOverTime), as stacked areas
// (merged, closed, open and approved, open with changes requested, open and pending) under the total. Drawn with
// uPlot on a canvas; the same numbers are a table for screen readers and keyboard users.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { html } from '../html.js';
import { day } from '../format.js';
import { SERIES, stack } from '../burndown.js';

export function BurndownChart({ counts, name }) {
  const box = useRef(null);
  const plot = useRef(null);
  const points = counts.length;
  useEffect(() => {
    if (!box.current || points === 0) {
      return undefined;
    }
    const xs = counts.map((c) => Math.floor(Date.parse(c.date) / 1000));
    const tops = stack(counts);
    const data = [xs, ...tops.slice().reverse(), counts.map((c) => c.total)];
    const series = [
      {},
      ...SERIES.slice().reverse().map((s) => ({ label: s.label, stroke: s.color, fill: s.color, width: 1,
        value: (u, v, si, i) => (i == null ? '–' : String(counts[i][s.key])) })),
      { label: 'Total', stroke: '#24292f', width: 2, dash: [6, 4] },
    ];
    const width = () => Math.max(280, box.current.clientWidth);
    const u = new uPlot({
      width: width(),
      height: 260,
      series,
      axes: [{}, { label: 'Changesets', values: (self, ticks) => ticks.map((t) => (Number.isInteger(t) ? t : '')) }],
      scales: { x: { time: true }, y: { range: (self, min, max) => [0, Math.max(1, max)] } },
      cursor: { drag: { x: false, y: false } },
    }, data, box.current);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: width(), height: 260 }));
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      u.destroy();
    };
  }, [JSON.stringify(counts)]);

  if (points === 0) {
    return html`<p class="muted">No changesets yet: the chart starts with the first one.</p>`;
  }
  const last = counts[points - 1];
  return html`<figure class="chart">
    <div ref=${box} class="chart-canvas" role="img" aria-label=${`Burndown chart of ${name}: on ${day(last.date)}, `
      + `${last.total} changesets, ${last.merged} merged, ${last.closed} closed, ${last.open} open.`}></div>
    <figcaption>Changesets per day since the campaign started.</figcaption>
    <details>
      <summary>The chart's numbers as a table</summary>
      <div class="table-wrap" tabIndex="0" role="region" aria-label="Changesets per day">
        <table>
          <thead><tr><th scope="col">Day</th><th scope="col">Total</th>
            ${SERIES.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
          <tbody>${counts.map((c) => html`<tr><th scope="row">${day(c.date)}</th><td>${c.total}</td>
            ${SERIES.map((s) => html`<td>${c[s.key]}</td>`)}</tr>`)}</tbody>
        </table>
      </div>
    </details>
  </figure>`;
}

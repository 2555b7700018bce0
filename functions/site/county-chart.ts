import { escapeHtml } from '../domain/email/html';
import { formatQuarter } from '../domain/quarter';
import { formatCount } from './ranking-table';
import type { CountyPoint } from './site-data';

const HEIGHT = 240;
const MARGIN = { top: 24, right: 12, bottom: 48, left: 44 };
/** Room per quarter: the chart grows with the history, and a long history shrinks to the width of the page. */
const SLOT = 84;

/** Round the axis up to 1, 2 or 5 × a power of ten so the gridline labels read as plain numbers. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * One county's declined detainers per quarter as a bar chart drawn on the server: it shows without
 * script, scales with the page, and says its numbers in `<title>`/`<desc>` and as text labels. Each
 * bar carries its quarter and value in data attributes (the browser tests compare them with the store).
 */
export function countyChart(id: string, label: string, points: CountyPoint[]): string {
  const max = niceMax(Math.max(0, ...points.map((p) => p.declined)));
  const WIDTH = MARGIN.left + MARGIN.right + Math.max(3, points.length) * SLOT;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(1, points.length);
  const barWidth = Math.min(56, slot * 0.7);
  const y = (value: number) => MARGIN.top + plotHeight - (value / max) * plotHeight;
  const description = points
    .map((p) => `${formatQuarter(p.quarter)}${p.complete ? '' : ' (partial)'}: ${formatCount(p.declined)}`)
    .join('; ');
  const ticks = [0, max / 2, max]
    .map(
      (t) =>
        `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"></line><text x="${MARGIN.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${formatCount(t)}</text>`,
    )
    .join('');
  const bars = points
    .map((p, i) => {
      const x = MARGIN.left + slot * i + (slot - barWidth) / 2;
      const top = y(p.declined);
      const centre = (x + barWidth / 2).toFixed(1);
      return (
        `<g data-quarter="${p.quarter}" data-declined="${p.declined}"><rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(MARGIN.top + plotHeight - top).toFixed(1)}"></rect>` +
        `<text x="${centre}" y="${(top - 5).toFixed(1)}" text-anchor="middle">${formatCount(p.declined)}</text>` +
        `<text x="${centre}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(formatQuarter(p.quarter))}</text>` +
        (p.complete ? '' : `<text x="${centre}" y="${HEIGHT - MARGIN.bottom + 30}" text-anchor="middle">partial</text>`) +
        '</g>'
      );
    })
    .join('');
  return `<figure class="chart">
<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">
<title id="${id}-title">${escapeHtml(label)}</title>
<desc id="${id}-desc">${escapeHtml(description)}</desc>
<g class="axis" aria-hidden="true">${ticks}</g>
<g class="bars" aria-hidden="true">${bars}</g>
</svg>
</figure>`;
}

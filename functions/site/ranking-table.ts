import { escapeHtml } from '../domain/email/html';
import { jurisdictionLabel } from '../domain/jurisdiction';
import { rateOf, receivedOf, type SiteRow } from './site-data';
import { countyPath } from './site-paths';

export const NOT_KNOWN = '—';

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatRate(rate: number | undefined): string {
  return rate === undefined ? NOT_KNOWN : `${(rate * 100).toFixed(1)}%`;
}

/** The row's place, linked to its county page (an unresolved facility has none). */
function jurisdictionCell(row: SiteRow): string {
  const j = row.jurisdiction;
  const path = countyPath(j);
  if (j.kind === 'county' && path) return `<a href="${path}">${escapeHtml(j.name)}</a>`;
  return `${escapeHtml(j.name)} <span class="meta">(unresolved facility)</span>`;
}

/** A bar as an SVG rectangle (an inline `style` width would need a CSP exception). */
function bar(value: number, max: number): string {
  const width = max > 0 ? Math.max(0.5, (value / max) * 100) : 0;
  return `<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="${width.toFixed(2)}" height="10"></rect></svg>`;
}

export interface RankingTableOptions {
  caption: string;
  /** Bars scaled to the first row; for the short top-N tables of the index. */
  bars?: boolean;
  /** Column header buttons sort the table (script); without it the table stays in rank order. */
  sortable?: boolean;
  /** Show the received and rate columns (a source without a denominator shows "—"). */
  rates?: boolean;
}

function header(label: string, type: 'number' | 'text', extraClass = ''): string {
  const classes = [type === 'number' ? 'num' : '', extraClass].filter(Boolean).join(' ');
  return `<th scope="col" data-type="${type}"${classes ? ` class="${classes}"` : ''}>${label}</th>`;
}

/** A ranking as an HTML table, readable without script; numbers carry `data-value` for sorting. */
export function rankingTable(rows: SiteRow[], options: RankingTableOptions): string {
  const max = Math.max(0, ...rows.map((r) => r.declined));
  const head = [
    header('Rank', 'number'),
    header('Jurisdiction', 'text'),
    header('State', 'text'),
    header('Declined', 'number'),
    ...(options.rates ? [header('Received', 'number', 'hide-narrow'), header('Decline rate', 'number')] : []),
  ];
  const body = rows.map((row) => {
    const received = receivedOf(row);
    const rate = rateOf(row);
    const cells = [
      `<td class="num" data-value="${row.rank}">${row.rank}</td>`,
      `<th scope="row">${jurisdictionCell(row)}</th>`,
      `<td>${escapeHtml(row.jurisdiction.state ?? NOT_KNOWN)}</td>`,
      `<td class="num" data-value="${row.declined}">${formatCount(row.declined)}</td>`,
      ...(options.rates
        ? [
            `<td class="num hide-narrow" data-value="${received ?? ''}">${received === undefined ? NOT_KNOWN : formatCount(received)}</td>`,
            `<td class="num" data-value="${rate ?? ''}">${formatRate(rate)}</td>`,
          ]
        : []),
      ...(options.bars ? [`<td class="bar">${bar(row.declined, max)}</td>`] : []),
    ];
    return `<tr data-key="${escapeHtml(jurisdictionLabel(row.jurisdiction))}">${cells.join('')}</tr>`;
  });
  if (options.bars) head.push('<td class="bar" aria-hidden="true"></td>');
  return `<div class="table-scroll"><table${options.sortable ? ' data-sortable' : ''}>
<caption>${escapeHtml(options.caption)}</caption>
<thead><tr>${head.join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table></div>`;
}

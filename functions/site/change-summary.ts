import type { RankingChange, ReleaseChange } from '../domain/change';
import { alertSubject, headlineStatements, quarterHeading, tableRows } from '../domain/email/headline';
import { escapeHtml } from '../domain/email/html';
import { jurisdictionKey, jurisdictionLabel } from '../domain/jurisdiction';
import { formatDay } from './page-layout';
import { formatCount } from './ranking-table';
import { sitePaths } from './site-paths';

/** The title of a change in lists and feeds (the alert's subject, without a source prefix). */
export function changeTitle(change: ReleaseChange): string {
  return alertSubject(change);
}

function movesList(q: RankingChange): string {
  // A retracted jurisdiction also left the top N: say it once, as the retraction.
  const retracted = new Set(q.retracted.map((d) => jurisdictionKey(d.jurisdiction)));
  const items = [
    ...q.entered.map((m) => `${jurisdictionLabel(m.jurisdiction)} entered the top ${q.topN} at #${m.to}`),
    ...q.left
      .filter((m) => !retracted.has(jurisdictionKey(m.jurisdiction)))
      .map((m) => `${jurisdictionLabel(m.jurisdiction)} left the top ${q.topN}${m.to ? ` (now #${m.to})` : ''}`),
    ...q.retracted.map((d) => `${jurisdictionLabel(d.jurisdiction)} removed (was ${formatCount(d.before)})`),
  ];
  if (q.baseline === 'none' || items.length === 0) return '';
  return `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

/**
 * A change as HTML for the index and the feeds: per quarter its headline, what entered, left or
 * was removed, and its top rows with links (`base` makes the links absolute, for feed readers).
 */
export function changeHtml(change: ReleaseChange, base = ''): string {
  const quarters = change.quarters.map((q) => {
    const rows = tableRows(q)
      .map((row) => `<li>#${row.rank} ${escapeHtml(jurisdictionLabel(row.jurisdiction))}: ${formatCount(row.declined)}</li>`)
      .join('');
    const link = `${base}${sitePaths.quarter(q.source, q.quarter)}`;
    return `<h3><a href="${escapeHtml(link)}">${escapeHtml(quarterHeading(q))}</a></h3>
<p>${escapeHtml(headlineStatements(q).join('; ') || 'No change in the top ranks.')}</p>
${movesList(q)}<ol class="top">${rows}</ol>`;
  });
  const unresolved = change.unresolved.length
    ? `<p>${change.unresolved.length} facilit${change.unresolved.length === 1 ? 'y' : 'ies'} could not be placed in a county (${formatCount(change.unresolved.reduce((sum, u) => sum + u.declined, 0))} declined detainers).</p>`
    : '';
  return `${quarters.join('\n')}
<p>Released ${escapeHtml(formatDay(change.publishedAt))}; first seen ${escapeHtml(formatDay(change.firstSeen))}. Source: ${escapeHtml(change.source)}.</p>
${unresolved}`;
}

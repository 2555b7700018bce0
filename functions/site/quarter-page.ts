import { escapeHtml } from '../domain/email/html';
import { formatQuarter, quarterRange } from '../domain/quarter';
import type { StoredQuarter } from '../ports/store';
import { formatDay, type PageInput } from './page-layout';
import { formatCount, rankingTable } from './ranking-table';
import { receivedOf, type SiteRow } from './site-data';

/** One source's quarter in full: every county, sortable, and the facilities that could not be placed. */
export function quarterPage(quarter: StoredQuarter): PageInput {
  const title = `${quarter.source}: ${formatQuarter(quarter.quarter)}${quarter.complete ? '' : ' (partial)'}`;
  const rows = quarter.rows as SiteRow[];
  const counties = rows.filter((r) => r.jurisdiction.kind === 'county');
  const facilities = rows.filter((r) => r.jurisdiction.kind === 'facility');
  const hasRates = rows.some((r) => receivedOf(r) !== undefined);
  const range = quarterRange(quarter.quarter);
  const partial = quarter.complete
    ? ''
    : `<p class="note">Partial quarter: the release covers ${escapeHtml(quarter.coverage ? `${quarter.coverage.from} to ${quarter.coverage.to}` : 'only part of it')}. Counts will rise as later releases fill it in.</p>`;
  const unresolved = facilities.length
    ? `<h2>Facilities not placed in a county</h2>
<p>These detainers are counted in the total and ranked as themselves, not dropped: the facility name could not be matched to a county.</p>
${rankingTable(facilities, { caption: `Unresolved facilities, ${title}`, rates: hasRates })}`
    : '<p>Every facility in this quarter was placed in a county.</p>';
  return {
    title,
    description: `Declined ICE detainers per county, ${title}.`,
    main: `<h1>${escapeHtml(title)}</h1>
<p class="meta">Federal fiscal quarter ${escapeHtml(formatQuarter(quarter.quarter))}: ${range.from} to ${range.to}. ${formatCount(quarter.total)} declined detainers, ${counties.length} counties${facilities.length ? `, ${facilities.length} unresolved facilities` : ''}. Version ${quarter.version}, stored ${escapeHtml(formatDay(quarter.storedAt))}, from release <code>${escapeHtml(quarter.release.slice(0, 12))}</code>.</p>
${partial}
${hasRates ? '' : '<p>This source gives no count of detainers received, so no decline rate: "—".</p>'}
${rankingTable(counties, { caption: `Counties by declined detainers, ${title}. Select a column heading to sort.`, sortable: true, rates: true })}
${unresolved}`,
  };
}

import { escapeHtml } from '../domain/email/html';
import type { County } from '../domain/jurisdiction';
import { formatQuarter } from '../domain/quarter';
import type { StoredQuarter } from '../ports/store';
import { countyChart } from './county-chart';
import type { PageInput } from './page-layout';
import { formatCount, formatRate, NOT_KNOWN } from './ranking-table';
import type { CountyHistories, CountyPoint } from './site-data';
import { sitePaths } from './site-paths';

/** Every county that appears in any stored quarter, by FIPS (the name as the newest quarter gives it). */
export function countiesIn(quarters: StoredQuarter[]): County[] {
  const byFips = new Map<string, County>();
  for (const quarter of quarters) {
    for (const row of quarter.rows) if (row.jurisdiction.kind === 'county') byFips.set(row.jurisdiction.fips, row.jurisdiction);
  }
  return [...byFips.values()].sort((a, b) => a.fips.localeCompare(b.fips));
}

function historyTable(label: string, points: CountyPoint[], source: string): string {
  const rows = points
    .map(
      (p) =>
        `<tr><th scope="row"><a href="${sitePaths.quarter(source, p.quarter)}">${escapeHtml(formatQuarter(p.quarter))}</a>${p.complete ? '' : ' (partial)'}</th>` +
        `<td class="num" data-value="${p.declined}">${formatCount(p.declined)}</td>` +
        `<td class="num">${p.rank ?? NOT_KNOWN}</td>` +
        `<td class="num hide-narrow">${p.received === undefined ? NOT_KNOWN : formatCount(p.received)}</td>` +
        `<td class="num">${formatRate(p.rate)}</td></tr>`,
    )
    .join('\n');
  return `<div class="table-scroll"><table class="history">
<caption>${escapeHtml(label)}, per quarter</caption>
<thead><tr><th scope="col">Quarter</th><th scope="col" class="num">Declined</th><th scope="col" class="num">Rank</th><th scope="col" class="num hide-narrow">Received</th><th scope="col" class="num">Decline rate</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

/** A county across quarters, one chart and one table per source that has it. */
export function countyPage(county: County, histories: CountyHistories): PageInput {
  const title = `${county.name}, ${county.state}`;
  const sections = histories
    .sources()
    .map((source) => {
      const points = histories.history(source, county.fips);
      if (!points.some((p) => p.declined > 0)) return '';
      const label = `Declined detainers in ${title}, source ${source}`;
      return `<section aria-labelledby="h-${escapeHtml(source)}">
<h2 id="h-${escapeHtml(source)}">Source: ${escapeHtml(source)}</h2>
${countyChart(`chart-${source}`, label, points)}
${historyTable(label, points, source)}
</section>`;
    })
    .join('\n');
  return {
    title,
    description: `Declined ICE detainers in ${title}, quarter by quarter.`,
    feeds: [
      { title: `Changes in ${county.state}`, atom: sitePaths.stateFeedAtom(county.state), json: sitePaths.stateFeedJson(county.state) },
    ],
    main: `<h1>${escapeHtml(title)}</h1>
<p class="meta">County FIPS ${escapeHtml(county.fips)}. A quarter in which no declined detainer was counted here shows 0. Changes in ${escapeHtml(county.state)}: <a href="${sitePaths.stateFeedAtom(county.state)}">Atom feed</a>, <a href="${sitePaths.stateFeedJson(county.state)}">JSON Feed</a>.</p>
${sections}`,
  };
}

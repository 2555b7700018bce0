import type { ReleaseChange } from '../domain/change';
import { escapeHtml } from '../domain/email/html';
import { topWithTies } from '../domain/filter';
import { formatQuarter } from '../domain/quarter';
import type { StoredQuarter } from '../ports/store';
import { changeHtml, changeTitle } from './change-summary';
import { formatDay, type PageInput } from './page-layout';
import { formatCount, rankingTable } from './ranking-table';
import { latestQuarters, type SiteData, type SiteRow } from './site-data';
import { sitePaths } from './site-paths';

function sourceSection(quarter: StoredQuarter, topN: number): string {
  const title = `${quarter.source}: ${formatQuarter(quarter.quarter)}${quarter.complete ? '' : ' (partial)'}`;
  const rows = topWithTies(quarter.rows.filter((r) => r.jurisdiction.kind === 'county') as SiteRow[], topN);
  return `<section aria-labelledby="src-${escapeHtml(quarter.source)}">
<h2 id="src-${escapeHtml(quarter.source)}">${escapeHtml(title)}</h2>
<p class="meta">${formatCount(quarter.total)} declined detainers in all; ${quarter.complete ? 'a complete quarter' : 'a partial quarter: the release covers only part of it'}. Version ${quarter.version}, stored ${escapeHtml(formatDay(quarter.storedAt))}.</p>
${rankingTable(rows, { caption: `Top ${topN} counties by declined detainers, ${title}`, bars: true })}
<p><a href="${sitePaths.quarter(quarter.source, quarter.quarter)}">Full table for ${escapeHtml(title)}</a></p>
</section>`;
}

function lastChange(change: ReleaseChange | undefined): string {
  if (!change) return '<h2>What the last release changed</h2>\n<p>No release has been ingested yet.</p>';
  return `<section aria-labelledby="last-change">
<h2 id="last-change">What the last release changed</h2>
<p><strong>${escapeHtml(changeTitle(change))}</strong></p>
<p class="meta">Released ${change.publishedAt ? `<time datetime="${escapeHtml(change.publishedAt)}">${escapeHtml(formatDay(change.publishedAt))}</time>` : 'on an unknown date'}; first seen by detainer-watch <time datetime="${escapeHtml(change.firstSeen)}">${escapeHtml(formatDay(change.firstSeen))}</time>.</p>
${changeHtml(change)}
</section>`;
}

function earlierChanges(changes: ReleaseChange[]): string {
  if (changes.length === 0) return '';
  const items = changes
    .slice(0, 20)
    .map((c) => `<li>${escapeHtml(formatDay(c.firstSeen))}: ${escapeHtml(changeTitle(c))}</li>`)
    .join('\n');
  return `<h2>Earlier releases</h2>\n<ul class="changes">${items}</ul>`;
}

/** The front page: the newest quarter of each source as a top N with bars, and the last release's changes. */
export function indexPage(data: SiteData, topN: number): PageInput {
  const latest = latestQuarters(data.quarters);
  const sources = latest.length
    ? latest.map((q) => sourceSection(q, topN)).join('\n')
    : '<p>No rankings stored yet. They appear here after the first release is ingested.</p>';
  const quarterLinks = data.quarters
    .map(
      (q) =>
        `<li><a href="${sitePaths.quarter(q.source, q.quarter)}">${escapeHtml(`${q.source} ${formatQuarter(q.quarter)}`)}</a>${q.complete ? '' : ' (partial)'}</li>`,
    )
    .join('');
  return {
    title: 'Declined ICE detainers by county',
    description: 'Which counties declined the most ICE detainers, per federal fiscal quarter, and what each new release changed.',
    main: `<h1>Declined ICE detainers by county</h1>
<p>Counties ranked by the immigration detainers their jails declined, per federal fiscal quarter, as ICE's released data shows them. <a href="${sitePaths.about}">About the data</a>.</p>
<div class="sources">${sources}</div>
${lastChange(data.changes[0])}
${earlierChanges(data.changes.slice(1))}
<h2>Every quarter</h2>
<ul>${quarterLinks || '<li>None yet.</li>'}</ul>`,
  };
}

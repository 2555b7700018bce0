import { andMore, leaders, totalLine, unresolvedTotals } from './alert-condensed';
import type { AlertDocument, Fact, QuarterSection, TableRow } from './alert-document';

/** The plain-text part: the same sections as the HTML, in the same order, readable in a terminal. */
export function renderAlertText(doc: AlertDocument): string {
  const out: string[] = [doc.subject, '', doc.intro];
  for (const q of doc.quarters) out.push('', ...quarterText(q));
  if (doc.unresolved.length) {
    const { total, facilities } = unresolvedTotals(doc);
    out.push(
      '',
      'NOT PLACED IN A COUNTY',
      `${total} declined detainers at ${facilities} ${facilities === 1 ? 'facility' : 'facilities'} could not be placed in a county; ${doc.resolution} of this release's declined detainers were placed.`,
      ...doc.unresolved.map((u) => `  - ${u.name}${u.state ? `, ${u.state}` : ''}: ${u.declined}`),
      ...(doc.unresolvedMore
        ? [`  ${andMore(doc.unresolvedMore.facilities, 'facility', 'facilities')} (${doc.unresolvedMore.declined} declined)`]
        : []),
    );
  }
  const r = doc.release;
  out.push(
    '',
    'ABOUT THIS RELEASE',
    `  Source:        ${r.source}: ${r.url}`,
    `  Published:     ${r.published}`,
    `  First seen:    ${r.firstSeen}`,
    `  Archived copy: ${r.archiveUrl}`,
    '',
    '--',
    'Counts are ICE detainers that a local law-enforcement agency declined, per county and federal fiscal quarter (FY2017 Q1 = October-December 2016), ranked 1, 2, 2, 4 on ties.',
    `You receive this because ${doc.recipient.email} subscribed to detainer-watch alerts (${doc.recipient.filters}).`,
    ...(doc.preferencesUrl ? [`Manage preferences: ${doc.preferencesUrl}`] : []),
    `Unsubscribe: ${doc.unsubscribeUrl}`,
    '',
  );
  return out.join('\n');
}

function quarterText(q: QuarterSection): string[] {
  const title = `${q.heading.toUpperCase()} [${q.kindLabel.toLowerCase()}${q.partial ? ', partial' : ''}]`;
  if (q.detail === 'line') {
    const lead = leaders(q)
      .map((f) => `${f.name} ${f.detail}`)
      .join(', ');
    return [`${q.quarter} [${q.kindLabel.toLowerCase()}${q.partial ? ', partial' : ''}]${lead ? ` #1 ${lead}` : ''}; ${totalLine(q)}`];
  }
  const out = [title, '='.repeat(Math.min(72, title.length))];
  if (q.headline.length) out.push(q.headline.join('; '));
  if (q.detail === 'compact') {
    const list = (name: string, items: Fact[], more = 0) => {
      if (items.length + more)
        out.push(`${name}: ${[...items.map((f) => `${f.name} ${f.detail}`), ...(more ? [andMore(more, '', '')] : [])].join('; ')}`);
    };
    list('#1', leaders(q));
    list(`Entered the top ${q.topN}`, q.entered, q.more?.entered);
    list(`Left the top ${q.topN}`, q.left, q.more?.left);
    list('Revised', q.revised, q.more?.revised);
    list('Retracted', q.retracted, q.more?.retracted);
    list('Biggest moves', q.moved, q.more?.moved);
    out.push(totalLine(q));
    return out;
  }
  out.push(q.comparedWith, ...q.notes.map((n) => `NOTE: ${n}`));
  facts(out, `Entered the top ${q.topN}`, q.entered, q.more?.entered);
  facts(out, `Left the top ${q.topN}`, q.left, q.more?.left);
  facts(out, 'Revised numbers', q.revised, q.more?.revised);
  facts(out, 'Retracted', q.retracted, q.more?.retracted);
  facts(out, 'Other moves', q.moved, q.more?.moved);
  facts(out, 'Facilities behind the moves', q.drivers, q.more?.drivers);
  out.push('', q.tableTitle, ...table(q));
  return out;
}

function facts(out: string[], title: string, list: Fact[], more = 0): void {
  if (list.length + more === 0) return;
  out.push('', `${title}:`, ...list.map((f) => `  - ${f.name}: ${f.detail}`), ...(more ? [`  ${andMore(more, '', '')}`] : []));
}

const BAR_WIDTH = 20;

function table(q: QuarterSection): string[] {
  const withDelta = q.deltaLabel !== null;
  // The decline rate beside the count, where the source has a denominator: "45.6% of 412".
  const rates = q.rows.map((row) => (row.rate ? `${row.rate.percent} of ${row.rate.received}` : ''));
  const rateWidth = Math.max(0, ...rates.map((r) => r.length));
  const withRate = rateWidth > 0;
  const totalLabel = `Total, all jurisdictions${q.partial ? ' (so far)' : ''}`;
  const nameWidth = Math.min(36, Math.max(totalLabel.length, ...q.rows.map((row) => row.name.length)));
  const deltaWidth = Math.max(7, q.deltaLabel?.length ?? 0);
  const line = (rank: string, move: string, name: string, declined: string, rate: string, delta: string, bar: string) =>
    [
      rank.padStart(4),
      move.padEnd(5),
      name.padEnd(nameWidth),
      declined.padStart(8),
      ...(withRate ? [rate.padEnd(Math.max(4, rateWidth))] : []),
      ...(withDelta ? [delta.padStart(deltaWidth)] : []),
      bar,
    ]
      .join('  ')
      .trimEnd();
  const lines = [line('#', 'Move', 'Jurisdiction', 'Declined', 'Rate', q.deltaLabel ?? '', '')];
  q.rows.forEach((row, i) => {
    lines.push(
      line(
        String(row.rank),
        move(row),
        row.name,
        String(row.declined),
        rates[i],
        row.delta === null ? '' : signed(row.delta),
        '█'.repeat(Math.max(1, Math.round((row.barPercent / 100) * BAR_WIDTH))),
      ),
    );
  });
  if (q.more?.rows) lines.push(`      ${andMore(q.more.rows, 'row', 'rows')}`);
  const totalDelta = q.total.before === null ? '' : signed(q.total.after - q.total.before);
  lines.push(
    line(
      '',
      '',
      totalLabel,
      String(q.total.after),
      '',
      q.partial && totalDelta.startsWith('-') ? '' : totalDelta,
      q.total.before === null ? '' : `(${q.total.before} ${q.total.beforeLabel ?? ''})`.replace(' )', ')'),
    ),
  );
  return lines;
}

function move(row: TableRow): string {
  if (row.move === 'up') return `▲${row.places}`;
  if (row.move === 'down') return `▼${row.places}`;
  if (row.move === 'new') return 'new';
  if (row.move === 'same') return '-';
  return '';
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

import type { RankingChange, ReleaseChange, RowWithPrevious } from '../change';
import { jurisdictionKey, jurisdictionLabel } from '../jurisdiction';
import { formatQuarter } from '../quarter';
import type { Subscriber, SubscriberFilters } from '../subscriber';
import { alertSubject, headlineStatements, quarterHeading, quarterTitle, tableRows } from './headline';

/**
 * What an alert says, before it is HTML or text: both parts are rendered from this one model so
 * they cannot drift apart. Strings here are raw data; the renderers escape.
 */
export interface AlertDocument {
  subject: string;
  /** One sentence under the title. */
  intro: string;
  quarters: QuarterSection[];
  unresolved: { name: string; state?: string; declined: number }[];
  /** Facilities left out of `unresolved` to keep the message small, and their declined detainers. */
  unresolvedMore?: { facilities: number; declined: number };
  /** Share of the release's declined detainers placed in a county, e.g. "99.5%". */
  resolution: string;
  /** Dates already formatted for people. */
  release: { source: string; url: string; published: string; firstSeen: string; archiveUrl: string };
  recipient: { email: string; filters: string };
  unsubscribeUrl: string;
  /** "Manage preferences" page (filters, webhook, stop); absent in mails composed without one. */
  preferencesUrl?: string;
}

export interface QuarterSection {
  /** "FY2017 Q2". */
  quarter: string;
  /** "Revised: FY2017 Q1 declined detainers". */
  heading: string;
  kindLabel: string;
  partial: boolean;
  /** Plain statements, e.g. "Denver County, CO rises to #2". */
  headline: string[];
  comparedWith: string;
  notes: string[];
  entered: Fact[];
  left: Fact[];
  revised: Fact[];
  retracted: Fact[];
  moved: Fact[];
  /** The facilities behind the entrants' and movers' changes: name is the jurisdiction, detail the facilities. */
  drivers: Fact[];
  topN: number;
  /** "Top 10", "Top 10 in CO", "Your jurisdictions". */
  tableTitle: string;
  rows: TableRow[];
  /** Header of the column of count changes; null when counts are not comparable (no baseline, a new partial quarter). */
  deltaLabel: string | null;
  total: { after: number; before: number | null; beforeLabel: string | null };
  /**
   * How much of the section to show: everything (absent), a compact summary without the table,
   * or one line. Set by `condenseAlert` when a message would be too large for a mail client.
   */
  detail?: 'compact' | 'line';
  /** Items left out of each list (and table rows left out) to keep the message small. */
  more?: Partial<Record<FactListName | 'rows', number>>;
}

export type FactListName = 'entered' | 'left' | 'revised' | 'retracted' | 'moved' | 'drivers';

/** A jurisdiction and what happened to it. */
export interface Fact {
  name: string;
  detail: string;
  /** Ranks moved, for rank moves: what a condensed alert sorts its biggest moves by. */
  places?: number;
}

export interface TableRow {
  rank: number;
  /** 'up' / 'down' by `places`, 'new' (not ranked in the baseline), 'same', or 'none' (no baseline). */
  move: 'up' | 'down' | 'new' | 'same' | 'none';
  places: number;
  name: string;
  declined: number;
  /** The decline rate ("45.6%") and its denominator where the source has one, else null. */
  rate: { percent: string; received: number } | null;
  /** Count change against the baseline; null when not shown (no baseline, or a partial quarter's decrease). */
  delta: number | null;
  /** Bar length, 0..100, relative to the largest count in the table. */
  barPercent: number;
}

function kindLabel(q: RankingChange): string {
  if (q.kind === 'revision') return 'Revised';
  if (q.kind === 'new-quarter' || q.baseline !== 'stored-version') return 'New quarter';
  return q.complete ? 'Quarter completed' : 'Updated';
}

/** The links an alert carries: one-click unsubscribe (also in the headers), the archived file, the preferences page. */
export interface AlertLinks {
  unsubscribeUrl: string;
  archiveUrl: string;
  preferencesUrl?: string;
}

export function alertDocument(change: ReleaseChange, subscriber: Subscriber, links: AlertLinks): AlertDocument {
  return {
    subject: alertSubject(change),
    intro: introFor(change),
    quarters: change.quarters.map((q) => quarterSection(q, subscriber.filters)),
    // Only facilities with declined detainers are missing from the rankings; received-only ones are the ingest report's.
    unresolved: change.unresolved.filter((u) => u.declined > 0).sort((a, b) => b.declined - a.declined || a.name.localeCompare(b.name)),
    resolution: formatPercent(change.resolutionRate),
    release: {
      source: change.source,
      url: change.url,
      published: change.publishedAt ? formatDate(change.publishedAt) : 'not stated by the source',
      firstSeen: formatDate(change.firstSeen),
      archiveUrl: links.archiveUrl,
    },
    recipient: { email: subscriber.email, filters: describeFilters(subscriber.filters) },
    unsubscribeUrl: links.unsubscribeUrl,
    ...(links.preferencesUrl ? { preferencesUrl: links.preferencesUrl } : {}),
  };
}

function introFor(change: ReleaseChange): string {
  const byKind = (kind: RankingChange['kind']) => change.quarters.filter((q) => q.kind === kind).map((q) => quarterTitle(q));
  const parts = [
    listed('adds', byKind('new-quarter')),
    listed('revises', byKind('revision')),
    listed('updates', byKind('partial-update')),
  ].filter(Boolean);
  return `A new release from the ${change.source} source ${joinAnd(parts as string[])}.`;
}

function listed(verb: string, quarters: string[]): string | null {
  return quarters.length ? `${verb} ${joinAnd(quarters)}` : null;
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function quarterSection(q: RankingChange, filters: SubscriberFilters): QuarterSection {
  const rows = tableRows(q);
  const baselineLabel = q.baselineQuarter ? formatQuarter(q.baselineQuarter) : null;
  // A partial quarter's counts against a whole previous quarter compare coverage, not numbers.
  const countsComparable = q.baseline !== 'none' && !(q.kind === 'partial-update' && q.baseline === 'previous-quarter');
  const max = Math.max(1, ...rows.map((row) => row.declined));
  const table = rows.map((row) => tableRow(q, row, max, countsComparable));
  return {
    quarter: formatQuarter(q.quarter),
    heading: quarterHeading(q),
    kindLabel: kindLabel(q),
    partial: !q.complete,
    headline: headlineStatements(q),
    comparedWith: comparedWith(q, baselineLabel),
    notes: quarterNotes(q),
    ...movementLists(q, rows),
    drivers: driverFacts(q, rows),
    topN: q.topN,
    tableTitle: tableTitle(q, filters, table.length),
    rows: table,
    deltaLabel: countsComparable ? 'Change' : null,
    total: {
      after: q.totalAfter,
      before: countsComparable ? q.totalBefore : null,
      beforeLabel:
        !countsComparable || q.totalBefore === null
          ? null
          : q.baseline === 'stored-version'
            ? 'before this release'
            : `in ${baselineLabel ?? 'the previous quarter'}`,
    },
  };
}

/** One row of the quarter's table: its move since the baseline, its count and change, and its bar. */
function tableRow(q: RankingChange, row: RowWithPrevious, max: number, countsComparable: boolean): TableRow {
  const partial = q.kind === 'partial-update';
  const from = row.previousRank;
  const move: TableRow['move'] =
    q.baseline === 'none' ? 'none' : from === null ? 'new' : from > row.rank ? 'up' : from < row.rank ? 'down' : 'same';
  const delta = countsComparable && row.previousDeclined !== undefined ? row.declined - row.previousDeclined : null;
  return {
    rank: row.rank,
    move,
    places: from === null ? 0 : Math.abs(from - row.rank),
    name: jurisdictionLabel(row.jurisdiction),
    declined: row.declined,
    rate: row.received ? { percent: formatPercent(row.declined / row.received), received: row.received } : null,
    // A revision table shows only what was revised; a partial quarter's decrease is not a drop.
    delta: delta === null || (partial && delta < 0) || (delta === 0 && q.baseline === 'stored-version') ? null : delta,
    barPercent: Math.max(1, Math.round((row.declined / max) * 1000) / 10),
  };
}

/** What a reader needs to know to read the numbers: a partial quarter, one now complete, a revert. */
function quarterNotes(q: RankingChange): string[] {
  const notes: string[] = [];
  if (!q.complete) {
    const span = q.after.coverage ? ` (the release covers ${q.after.coverage.from} to ${q.after.coverage.to})` : '';
    notes.push(
      `Partial quarter: the data ends or starts inside ${formatQuarter(q.quarter)}${span}. Counts will grow as later releases fill it in; a lower count here is not a drop.`,
    );
  }
  if (q.complete && q.previousComplete === false)
    notes.push(`${formatQuarter(q.quarter)} is now complete; the earlier numbers covered only part of it.`);
  if (q.kind === 'revision' && q.deltas.length === 0 && q.retracted.length === 0 && q.moved.length > 0) {
    notes.push('These rank moves follow revisions to jurisdictions outside your filters.');
  }
  if (q.revertsTo)
    notes.push(
      `These numbers are the same as version ${q.revertsTo.replace(/^v/, '')} of this quarter: the previous revision has been undone.`,
    );
  return notes;
}

/** The lists under the table: entered and left the top N, revised, retracted, and moves outside the table. */
function movementLists(q: RankingChange, rows: RowWithPrevious[]) {
  const shownKeys = new Set(rows.map((row) => jurisdictionKey(row.jurisdiction)));
  const rank = (r: number | null) => (r === null ? 'unranked' : `#${r}`);
  return {
    entered: q.entered.map((m) => ({ name: jurisdictionLabel(m.jurisdiction), detail: `${rank(m.from)} → #${m.to}` })),
    left: q.left
      .filter((m) => !q.retracted.some((r) => jurisdictionKey(r.jurisdiction) === jurisdictionKey(m.jurisdiction)))
      .map((m) => ({ name: jurisdictionLabel(m.jurisdiction), detail: `#${m.from} → ${m.to === null ? 'no longer listed' : `#${m.to}`}` })),
    revised:
      q.kind === 'revision' ? q.deltas.map((d) => ({ name: jurisdictionLabel(d.jurisdiction), detail: `${d.before} → ${d.after}` })) : [],
    retracted: q.retracted.map((d) => ({ name: jurisdictionLabel(d.jurisdiction), detail: `${d.before} → removed from this release` })),
    // Moves in the table are already visible as arrows; list the ones that happened outside it.
    moved: q.moved
      .filter(
        (m) =>
          !shownKeys.has(jurisdictionKey(m.jurisdiction)) &&
          !q.left.some((l) => jurisdictionKey(l.jurisdiction) === jurisdictionKey(m.jurisdiction)),
      )
      .map((m) => ({
        name: jurisdictionLabel(m.jurisdiction),
        detail: `#${m.from} → #${m.to}`,
        places: Math.abs((m.from ?? 0) - (m.to ?? 0)),
      })),
  };
}

/**
 * For each jurisdiction that entered the top N or moved (in the table or in the lists), the facilities
 * whose declined counts changed most: "DENVER JUSTICE CENTER 60 → 150; US MARSHALS, COLORADO 0 → 7".
 */
function driverFacts(q: RankingChange, rows: RowWithPrevious[]): Fact[] {
  if (!q.facilityChanges || q.baseline === 'none') return [];
  const movers = [
    ...q.entered.map((m) => m.jurisdiction),
    ...rows.filter((row) => row.previousRank !== row.rank).map((row) => row.jurisdiction),
    ...q.moved.map((m) => m.jurisdiction),
  ];
  const seen = new Set<string>();
  const facts: Fact[] = [];
  for (const j of movers) {
    const key = jurisdictionKey(j);
    const changes = q.facilityChanges[key];
    // An unresolved facility's row is that facility: nothing to drill into.
    if (seen.has(key) || !changes || j.kind === 'facility') continue;
    seen.add(key);
    facts.push({ name: jurisdictionLabel(j), detail: changes.map((c) => `${c.name} ${c.before} → ${c.after}`).join('; ') });
  }
  return facts;
}

function tableTitle(q: RankingChange, filters: SubscriberFilters, rows: number): string {
  if (rows === 0) return 'No jurisdiction to show';
  const soFar = q.complete ? '' : ' so far';
  if (filters.jurisdictions.length) return `Your jurisdictions${soFar}`;
  if (filters.states.length) return `Top ${q.topN} in ${filters.states.join(', ')}${soFar}`;
  return `Top ${q.topN}${soFar}`;
}

function comparedWith(q: RankingChange, baselineLabel: string | null): string {
  if (q.baseline === 'none')
    return `The first ${formatQuarter(q.quarter)} numbers detainer-watch has seen; later releases will be compared with them.`;
  if (q.baseline === 'stored-version') return `Changes are against the ${formatQuarter(q.quarter)} numbers of an earlier release.`;
  if (!q.complete) return `Ranks are compared with ${baselineLabel ?? 'the previous quarter'}.`;
  return `Rank moves and count changes are against ${baselineLabel ?? 'the previous quarter'}.`;
}

/** "all states · top 10", "CO, NM · Denver · top 5 · moves of 2+ ranks". */
function describeFilters(filters: SubscriberFilters): string {
  const parts = [
    filters.states.length ? filters.states.join(', ') : 'all states',
    ...(filters.jurisdictions.length ? [filters.jurisdictions.join(', ')] : []),
    `top ${filters.topN}`,
    ...(filters.minMove > 0 ? [`moves of ${filters.minMove}+ ranks`] : []),
    ...(filters.minDelta > 0 ? [`changes of ${filters.minDelta}+`] : []),
  ];
  return parts.join(' · ');
}

/** "2026-11-29 03:50 UTC" for instants, the date itself for dates, anything else as written. */
function formatDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const iso = date.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function formatPercent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toString()}%`;
}

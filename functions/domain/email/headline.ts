import type { RankingChange, ReleaseChange, RowWithPrevious } from '../change';
import { topWithTies } from '../filter';
import { jurisdictionKey, jurisdictionLabel } from '../jurisdiction';
import { formatQuarter } from '../quarter';
import { headerText } from './composed-email';

/** The rows a quarter's table shows: the change's rows up to its top N (ties kept). */
export function tableRows(q: RankingChange): RowWithPrevious[] {
  return topWithTies(q.after.rows as RowWithPrevious[], q.topN).map((row) => ({
    ...row,
    previousRank: row.previousRank ?? q.previousRanks[jurisdictionKey(row.jurisdiction)] ?? null,
  }));
}

/** "FY2017 Q1", "FY2017 Q3 (partial)". */
export function quarterTitle(q: RankingChange): string {
  return `${formatQuarter(q.quarter)}${q.complete ? '' : ' (partial)'}`;
}

/**
 * The one or two plain statements that say what happened to a quarter, most newsworthy first:
 * what was revised or retracted in a revision; otherwise the climb to the highest rank (rising to
 * #2 is bigger news than rising to #9), or an entrant, and who leads.
 */
export function headlineStatements(q: RankingChange): string[] {
  if (q.kind === 'revision') return revisionStatements(q);
  const rows = tableRows(q);
  if (rows.length === 0) return [];
  const label = (row: RowWithPrevious) => jurisdictionLabel(row.jurisdiction);
  const top = rows[0];
  if (q.baseline === 'none') {
    const tied = rows.filter((row) => row.rank === top.rank);
    return tied.length > 1
      ? [`${tied.map(label).join(' and ')} tie at #${top.rank} with ${top.declined}`]
      : [`${label(top)} is #${top.rank} with ${withRate(top)}`];
  }
  const { statements, mover } = moveStatements(q, rows);
  if (mover !== top) {
    if (top.previousRank === top.rank) statements.push(`${label(top)} stays #${top.rank}`);
    else if (top.previousRank !== null && top.previousRank < top.rank) statements.push(`${label(top)} falls to #${top.rank}`);
    else statements.push(`${label(top)} is #${top.rank} with ${withRate(top)}`);
  } else {
    const dethroned = rows.find((row) => row.previousRank === top.rank && row !== top);
    if (dethroned) statements.push(`${label(dethroned)} falls to #${dethroned.rank}`);
  }
  return statements;
}

/** "188", or "71 (16.9% of 420)" where the source counts the detainers received too. */
function withRate(row: RowWithPrevious): string {
  if (!row.received) return String(row.declined);
  return `${row.declined} (${(Math.round((row.declined / row.received) * 1000) / 10).toString()}% of ${row.received})`;
}

/** The climb to the highest rank, else an entrant, else the biggest fall; with the row it is about. */
function moveStatements(q: RankingChange, rows: RowWithPrevious[]): { statements: string[]; mover?: RowWithPrevious } {
  const label = (row: RowWithPrevious) => jurisdictionLabel(row.jurisdiction);
  const climbers = rows
    .filter((row) => row.previousRank !== null && row.previousRank > row.rank)
    .sort((a, b) => a.rank - b.rank || b.previousRank! - b.rank - (a.previousRank! - a.rank));
  const entrant = rows.find((row) => row.previousRank === null && q.baseline !== 'none');
  const statements: string[] = [];
  const mover = climbers[0] ?? entrant;
  if (mover) {
    statements.push(mover.previousRank === null ? `${label(mover)} enters at #${mover.rank}` : `${label(mover)} rises to #${mover.rank}`);
  } else if (q.kind === 'revision') {
    const faller = rows.filter((row) => row.previousRank !== null && row.previousRank < row.rank).sort((a, b) => a.rank - b.rank)[0];
    if (faller) statements.push(`${label(faller)} falls to #${faller.rank}`);
  }
  if (statements.length === 0 && q.kind === 'revision') statements.push('numbers revised');
  return { statements, ...(mover ? { mover } : {}) };
}

function revisionStatements(q: RankingChange): string[] {
  const all = [
    ...q.deltas.map((d) => `${jurisdictionLabel(d.jurisdiction)} revised ${d.before} → ${d.after}`),
    ...q.retracted.map((d) => `${jurisdictionLabel(d.jurisdiction)} removed (was ${d.before})`),
  ];
  if (all.length === 0) return moveStatements(q, tableRows(q)).statements;
  const shown = all.slice(0, 2);
  if (all.length > 2) shown.push(`${all.length - 2} more revised`);
  return shown;
}

/** "Revised: FY2017 Q1 declined detainers" and the like: what kind of news, in front. */
export function quarterHeading(q: RankingChange): string {
  const base = `${quarterTitle(q)} declined detainers`;
  if (q.kind === 'revision') return `Revised: ${base}${q.revertsTo ? ` (back to ${q.revertsTo})` : ''}`;
  if (q.kind === 'partial-update' && q.baseline === 'stored-version') return `Updated: ${base}`;
  return base;
}

/** What the other quarters of the release are, for the end of the subject. */
function alsoLabel(q: RankingChange): string {
  if (q.kind === 'revision') return `${formatQuarter(q.quarter)} revised`;
  if (q.kind === 'partial-update') return `${formatQuarter(q.quarter)} partial update`;
  return `${formatQuarter(q.quarter)} new`;
}

/** "3 new quarters, 1 revised": a backfill release can hold dozens of quarters. */
function countKinds(quarters: RankingChange[]): string {
  const count = (kind: RankingChange['kind']) => quarters.filter((q) => q.kind === kind).length;
  const parts: string[] = [];
  const fresh = count('new-quarter');
  if (fresh) parts.push(`${fresh} new quarter${fresh === 1 ? '' : 's'}`);
  if (count('revision')) parts.push(`${count('revision')} revised`);
  const partial = count('partial-update');
  if (partial) parts.push(`${partial} partial update${partial === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** The subject: the first (most important) quarter's headline, then what else the release holds. */
export function alertSubject(change: ReleaseChange): string {
  const [first, ...rest] = change.quarters;
  if (!first) return headerText(`${change.source}: new release`);
  const statements = headlineStatements(first);
  const main = statements.length ? `${quarterHeading(first)}: ${statements.join('; ')}` : quarterHeading(first);
  const also = rest.length === 0 ? '' : rest.length <= 2 ? ` — also ${rest.map(alsoLabel).join(', ')}` : ` — also ${countKinds(rest)}`;
  return headerText(`${main}${also}`);
}

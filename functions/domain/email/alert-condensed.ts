import type { AlertDocument, Fact, FactListName, QuarterSection } from './alert-document';

/**
 * Gmail clips an HTML part past ~102 KB and hides the rest, unsubscribe link included; a first
 * ingest of a multi-year release (every quarter new, ~1,000 counties each) renders far past that.
 * Each level trades detail for size: the headline quarter keeps its table longest, the others
 * shrink to a summary, then to one line; long lists are cut to their first items plus a count.
 */
export type CondenseLevel = 1 | 2 | 3;
export const CONDENSE_LEVELS: readonly CondenseLevel[] = [1, 2, 3];

interface Caps {
  /** List items kept in the headline quarter. */
  headlineFacts: number;
  /** Table rows kept in the headline quarter (ties may make the full table longer than top N). */
  headlineRows: number;
  /** What the other quarters become, and the list items they keep. */
  others: 'compact' | 'line';
  otherFacts: number;
  unresolved: number;
}

const CAPS: Record<CondenseLevel, Caps> = {
  1: { headlineFacts: 10, headlineRows: 50, others: 'compact', otherFacts: 3, unresolved: 10 },
  2: { headlineFacts: 5, headlineRows: 25, others: 'line', otherFacts: 0, unresolved: 5 },
  3: { headlineFacts: 3, headlineRows: 10, others: 'line', otherFacts: 0, unresolved: 3 },
};

const LISTS: readonly FactListName[] = ['entered', 'left', 'revised', 'retracted', 'moved', 'drivers'];

/** The same alert with less detail; the unsubscribe link, release links and every quarter's title stay. */
export function condenseAlert(doc: AlertDocument, level: CondenseLevel): AlertDocument {
  const caps = CAPS[level];
  const [headline, ...others] = doc.quarters;
  const quarters = headline
    ? [capSection(headline, caps.headlineFacts, caps.headlineRows), ...others.map((q) => otherSection(q, caps))]
    : [];
  const shown = doc.unresolved.slice(0, caps.unresolved);
  const hidden = doc.unresolved.slice(caps.unresolved);
  const before = doc.unresolvedMore ?? { facilities: 0, declined: 0 };
  return {
    ...doc,
    quarters,
    unresolved: shown,
    ...(hidden.length || before.facilities
      ? {
          unresolvedMore: {
            facilities: before.facilities + hidden.length,
            declined: before.declined + hidden.reduce((sum, u) => sum + u.declined, 0),
          },
        }
      : {}),
  };
}

function capSection(q: QuarterSection, facts: number, rows: number): QuarterSection {
  const more: QuarterSection['more'] = { ...q.more };
  const capped: Partial<Record<FactListName, Fact[]>> = {};
  for (const name of LISTS) {
    capped[name] = q[name].slice(0, facts);
    const cut = q[name].length - capped[name].length;
    if (cut > 0) more[name] = (more[name] ?? 0) + cut;
  }
  const keptRows = q.rows.slice(0, rows);
  if (q.rows.length > keptRows.length) more.rows = (more.rows ?? 0) + q.rows.length - keptRows.length;
  return { ...q, ...capped, rows: keptRows, more };
}

/**
 * A quarter after the headline one: without its table the arrows are gone, so its biggest moves
 * (table rows and others alike) are listed instead, largest first.
 */
function otherSection(q: QuarterSection, caps: Caps): QuarterSection {
  const tableMoves = q.rows
    .filter((row) => row.move === 'up' || row.move === 'down')
    .map(
      (row): Fact => ({
        name: row.name,
        detail: `#${row.move === 'up' ? row.rank + row.places : row.rank - row.places} → #${row.rank}`,
        places: row.places,
      }),
    );
  const moved = [...tableMoves, ...q.moved].sort((a, b) => (b.places ?? 0) - (a.places ?? 0));
  // The #1 (ties included) is what a compact section keeps of the table.
  const leaders = q.rows.filter((row) => row.rank === q.rows[0]?.rank);
  const section = capSection({ ...q, moved }, caps.otherFacts, leaders.length);
  return { ...section, detail: caps.others };
}

/** "… and 12 more", "… and 3 more facilities". */
export function andMore(count: number, singular: string, plural: string): string {
  const noun = count === 1 ? singular : plural;
  return `… and ${count} more${noun ? ` ${noun}` : ''}`;
}

/** The #1 of a section's table (several on a tie), as facts: "Denver County, CO" "with 112". */
export function leaders(q: QuarterSection): Fact[] {
  const first = q.rows[0];
  return first ? q.rows.filter((row) => row.rank === first.rank).map((row) => ({ name: row.name, detail: `with ${row.declined}` })) : [];
}

/** "Total, all jurisdictions: 39512 (38870 in FY2016 Q1)". */
export function totalLine(q: QuarterSection): string {
  const before = q.total.before === null ? '' : ` (${q.total.before} ${q.total.beforeLabel ?? ''})`.replace(' )', ')');
  return `Total, all jurisdictions${q.partial ? ' (so far)' : ''}: ${q.total.after}${before}`;
}

/** Facilities and declined detainers not placed in a county, shown and left out alike. */
export function unresolvedTotals(doc: AlertDocument): { facilities: number; total: number } {
  const shown = doc.unresolved.reduce((sum, u) => sum + u.declined, 0);
  return { facilities: doc.unresolved.length + (doc.unresolvedMore?.facilities ?? 0), total: shown + (doc.unresolvedMore?.declined ?? 0) };
}

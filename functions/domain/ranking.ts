import { createHash } from 'node:crypto';
import type { FacilityType, Jurisdiction } from './jurisdiction';
import { jurisdictionKey, jurisdictionLabel } from './jurisdiction';
import type { DateRange, QuarterId } from './quarter';

/** One facility's detainers within a county row: the drill-down behind the county's count. */
export interface FacilityTally {
  /** As the source wrote it (trimmed, whitespace collapsed). */
  name: string;
  type: FacilityType;
  /** Detainers received, whatever their outcome; absent when the source has no denominator (DDOR). */
  received?: number;
  declined: number;
}

export interface RankingRow {
  /** Standard competition rank: 1, 2, 2, 4. */
  rank: number;
  jurisdiction: Jurisdiction;
  declined: number;
  /** Detainers received (every record, whatever its lift reason); absent when the source has no denominator. */
  received?: number;
  /** Declined detainers per offence category, when the source has categories. */
  categories?: Record<string, number>;
  /** The facilities counted in this row, most declined first; absent when the source names none (tables). */
  facilities?: FacilityTally[];
}

/** Declined detainers per jurisdiction for one source and one fiscal quarter, as of one release. */
export interface Ranking {
  source: string;
  quarter: QuarterId;
  /** False when the release's coverage ends (or starts) inside the quarter. */
  complete: boolean;
  /** Sum of `declined` over all rows (resolved and unresolved). */
  total: number;
  rows: RankingRow[];
  /**
   * Detainers received in the quarter, over every county (those with none declined, which are not
   * ranked, included); absent when the source has no denominator.
   */
  received?: number;
  /** SHA-256 of the release this version came from. */
  release: string;
  coverage?: DateRange;
}

export interface Tally {
  jurisdiction: Jurisdiction;
  declined: number;
  received?: number;
  categories?: Record<string, number>;
  facilities?: FacilityTally[];
}

/**
 * Rank tallies by declined count, highest first, with standard competition ranking.
 * Ties are listed in a stable order (label) so that two runs print the same table.
 */
export function rankTallies(tallies: Iterable<Tally>): RankingRow[] {
  const sorted = [...tallies]
    .filter((t) => t.declined > 0)
    .sort(
      (a, b) =>
        b.declined - a.declined ||
        jurisdictionLabel(a.jurisdiction).localeCompare(jurisdictionLabel(b.jurisdiction)) ||
        jurisdictionKey(a.jurisdiction).localeCompare(jurisdictionKey(b.jurisdiction)),
    );
  const rows: RankingRow[] = [];
  sorted.forEach((t, i) => {
    const rank = i > 0 && sorted[i - 1].declined === t.declined ? rows[i - 1].rank : i + 1;
    rows.push({
      rank,
      jurisdiction: t.jurisdiction,
      declined: t.declined,
      ...(t.received !== undefined ? { received: t.received } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
      ...(t.facilities ? { facilities: t.facilities } : {}),
    });
  });
  return rows;
}

/**
 * Content hash of a ranking's numbers: declined count per jurisdiction key plus the complete
 * flag, and nothing about the release it came from. Two releases with the same numbers hash the
 * same, which is how a re-published identical quarter is recognised as no change and a return to
 * earlier numbers as a revert.
 *
 * Received counts and the facility split enter the hash too, when the source has them: they are
 * stored with the quarter (the rate ranking and the drill-down read them), so a release that
 * changes only them must write a new version or the store would keep stale denominators. Such a
 * version is a change without news (no count moved), which the subscriber filter keeps out of
 * email. The same data republished gives the same lines (facilities sorted, names as cleaned), so
 * it is still "unchanged"; a source without them hashes exactly as before they existed.
 */
export function hashRanking(r: Pick<Ranking, 'rows' | 'complete'> & { received?: number }): string {
  const lines: string[] = [];
  for (const row of r.rows) {
    if (row.declined <= 0) continue;
    const key = jurisdictionKey(row.jurisdiction);
    lines.push(row.received === undefined ? `${key}\t${row.declined}` : `${key}\t${row.declined}\t${row.received}`);
    for (const f of row.facilities ?? []) lines.push(`${key}\tfacility\t${f.name}\t${f.type}\t${f.received ?? ''}\t${f.declined}`);
  }
  lines.sort();
  const received = r.received === undefined ? '' : `received\t${r.received}\n`;
  return createHash('sha256')
    .update(`complete\t${r.complete}\n${received}${lines.join('\n')}`)
    .digest('hex');
}

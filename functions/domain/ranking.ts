import { createHash } from 'node:crypto';
import type { DateRange, QuarterId } from './quarter';
import type { Jurisdiction } from './jurisdiction';
import { jurisdictionKey, jurisdictionLabel } from './jurisdiction';

export interface RankingRow {
  /** Standard competition rank: 1, 2, 2, 4. */
  rank: number;
  jurisdiction: Jurisdiction;
  declined: number;
  /** Declined detainers per offence category, when the source has categories. */
  categories?: Record<string, number>;
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
  /** SHA-256 of the release this version came from. */
  release: string;
  coverage?: DateRange;
}

export interface Tally {
  jurisdiction: Jurisdiction;
  declined: number;
  categories?: Record<string, number>;
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
    rows.push({ rank, jurisdiction: t.jurisdiction, declined: t.declined, ...(t.categories ? { categories: t.categories } : {}) });
  });
  return rows;
}

/**
 * Content hash of a ranking's numbers: declined count per jurisdiction key plus the complete
 * flag, and nothing about the release it came from. Two releases with the same numbers hash the
 * same, which is how a re-published identical quarter is recognised as no change and a return to
 * earlier numbers as a revert.
 */
export function hashRanking(r: Pick<Ranking, 'rows' | 'complete'>): string {
  const lines = r.rows
    .filter((row) => row.declined > 0)
    .map((row) => `${jurisdictionKey(row.jurisdiction)}\t${row.declined}`)
    .sort();
  return createHash('sha256')
    .update(`complete\t${r.complete}\n${lines.join('\n')}`)
    .digest('hex');
}

import type { ReleaseChange } from '../domain/change';
import { compareQuarters, type QuarterId } from '../domain/quarter';
import type { RankingRow } from '../domain/ranking';
import type { RankingStore, ReleaseStore, StoredQuarter } from '../ports/store';

/**
 * A ranking row as the site reads it: `received` (detainers the jurisdiction received, whatever
 * their outcome) and `rate` are present only where the source is record-level.
 */
export type SiteRow = RankingRow & { received?: number | null; rate?: number | null };

/** Everything the site shows, read from the store in one go. */
export interface SiteData {
  /** Current version of every quarter of every source, by source then quarter. */
  quarters: StoredQuarter[];
  /** Every change record, newest first. */
  changes: ReleaseChange[];
}

export interface SiteReader {
  rankings: Pick<RankingStore, 'listQuarters' | 'getChange'>;
  releases: Pick<ReleaseStore, 'listReleases'>;
}

/**
 * The change records are found through the ingested releases (a change id is `source#sha256`); a
 * release that changed nothing has no change record and is skipped.
 */
export async function readSiteData(reader: SiteReader): Promise<SiteData> {
  const [quarters, releases] = await Promise.all([reader.rankings.listQuarters(), reader.releases.listReleases()]);
  const changes: ReleaseChange[] = [];
  for (const release of releases.filter((r) => r.status === 'ingested')) {
    const change = await reader.rankings.getChange(`${release.source}#${release.sha256}`);
    if (change) changes.push(change);
  }
  changes.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return { quarters, changes };
}

/** Declined ÷ received when the source has a denominator; undefined otherwise. */
export function rateOf(row: SiteRow): number | undefined {
  if (typeof row.rate === 'number' && Number.isFinite(row.rate)) return row.rate;
  if (typeof row.received === 'number' && row.received > 0) return row.declined / row.received;
  return undefined;
}

export function receivedOf(row: SiteRow): number | undefined {
  return typeof row.received === 'number' ? row.received : undefined;
}

/** The newest quarter of each source. */
export function latestQuarters(quarters: StoredQuarter[]): StoredQuarter[] {
  const latest = new Map<string, StoredQuarter>();
  for (const quarter of quarters) {
    const current = latest.get(quarter.source);
    if (!current || compareQuarters(quarter.quarter, current.quarter) > 0) latest.set(quarter.source, quarter);
  }
  return [...latest.values()].sort((a, b) => a.source.localeCompare(b.source));
}

export interface CountyPoint {
  quarter: QuarterId;
  complete: boolean;
  /** 0 when the county is not in that quarter's ranking (no declined detainer counted). */
  declined: number;
  rank: number | null;
  received?: number;
  rate?: number;
}

/**
 * Every county's numbers in every stored quarter, indexed once: a national source has ~3,000
 * counties over dozens of quarters, too many to search each quarter's rows per county page.
 */
export class CountyHistories {
  private readonly bySource = new Map<string, { quarters: StoredQuarter[]; rows: Map<string, SiteRow>[] }>();

  constructor(quarters: StoredQuarter[]) {
    for (const q of [...quarters].sort((a, b) => compareQuarters(a.quarter, b.quarter))) {
      const entry = this.bySource.get(q.source) ?? { quarters: [], rows: [] };
      entry.quarters.push(q);
      entry.rows.push(
        new Map(q.rows.flatMap((r) => (r.jurisdiction.kind === 'county' ? [[r.jurisdiction.fips, r as SiteRow] as const] : []))),
      );
      this.bySource.set(q.source, entry);
    }
  }

  sources(): string[] {
    return [...this.bySource.keys()].sort();
  }

  /** One county in every stored quarter of one source, oldest first. */
  history(source: string, fips: string): CountyPoint[] {
    const entry = this.bySource.get(source);
    if (!entry) return [];
    return entry.quarters.map((q, i) => {
      const row = entry.rows[i].get(fips);
      const received = row ? receivedOf(row) : undefined;
      const rate = row ? rateOf(row) : undefined;
      return {
        quarter: q.quarter,
        complete: q.complete,
        declined: row?.declined ?? 0,
        rank: row?.rank ?? null,
        ...(received !== undefined ? { received } : {}),
        ...(rate !== undefined ? { rate } : {}),
      };
    });
  }
}

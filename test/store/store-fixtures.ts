import type { RankingChange, ReleaseChange } from '../../functions/domain/change';
import type { County } from '../../functions/domain/jurisdiction';
import type { QuarterId } from '../../functions/domain/quarter';
import { type Ranking, rankTallies } from '../../functions/domain/ranking';
import type { Release } from '../../functions/domain/release';

export function county(fips: string, name: string, state: string): County {
  return { kind: 'county', fips, name, state };
}

/** `count` synthetic counties with declining counts, e.g. for a ranking of realistic size. */
export function counties(count: number): County[] {
  return Array.from({ length: count }, (_, i) => county(String(1001 + i).padStart(5, '0'), `County ${i + 1}`, 'TX'));
}

export function ranking(source: string, quarter: QuarterId, counts: [County, number][], release = 'a'.repeat(64)): Ranking {
  const rows = rankTallies(counts.map(([jurisdiction, declined]) => ({ jurisdiction, declined })));
  return { source, quarter, complete: true, total: rows.reduce((sum, row) => sum + row.declined, 0), rows, release };
}

export function release(source: string, sha256: string, firstSeen = new Date().toISOString()): Release {
  return {
    source,
    sha256,
    url: `https://example.org/${sha256}.xlsx`,
    archiveKey: `raw/${source}/${sha256}.xlsx`,
    bytes: 1234,
    format: 'ddp',
    firstSeen,
    status: 'archived',
  };
}

function quarterChange(after: Ranking): RankingChange {
  return {
    source: after.source,
    quarter: after.quarter,
    kind: 'new-quarter',
    baseline: 'none',
    topN: 10,
    complete: after.complete,
    totalBefore: null,
    totalAfter: after.total,
    entered: after.rows.slice(0, 10).map((row) => ({ jurisdiction: row.jurisdiction, from: null, to: row.rank })),
    left: [],
    moved: [],
    deltas: after.rows.map((row) => ({ jurisdiction: row.jurisdiction, before: 0, after: row.declined })),
    retracted: [],
    after,
    previousRanks: {},
  };
}

export function releaseChange(rel: Release, quarters: Ranking[]): ReleaseChange {
  return {
    id: `${rel.source}#${rel.sha256}`,
    source: rel.source,
    release: rel.sha256,
    url: rel.url,
    archiveKey: rel.archiveKey,
    firstSeen: rel.firstSeen,
    createdAt: new Date().toISOString(),
    quarters: quarters.map(quarterChange),
    unresolved: [{ name: 'METRO DADE JAIL', state: 'FL', declined: 3 }],
    resolutionRate: 0.97,
  };
}

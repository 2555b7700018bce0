import type { Jurisdiction } from '../functions/domain/jurisdiction';
import { jurisdictionKey, jurisdictionLabel } from '../functions/domain/jurisdiction';
import { compareQuarters, formatQuarter, previousQuarter } from '../functions/domain/quarter';
import type { StoredQuarter } from '../functions/ports/store';

/** The `rankings --json` contract (DESIGN.md): one object per source and quarter. */
export interface RankingJson {
  source: string;
  quarter: string;
  complete: boolean;
  total: number;
  rows: { rank: number; fips: string | null; name: string; state: string | null; declined: number; previousRank: number | null; unresolved?: true }[];
}

export function rankingJson(quarter: StoredQuarter, all: StoredQuarter[], top?: number): RankingJson {
  const prior = all.find((q) => q.source === quarter.source && q.quarter === previousQuarter(quarter.quarter));
  const priorRanks = new Map(prior?.rows.map((row) => [jurisdictionKey(row.jurisdiction), row.rank]) ?? []);
  const rows = (top ? quarter.rows.filter((row) => row.rank <= top) : quarter.rows).map((row) => ({
    rank: row.rank,
    fips: row.jurisdiction.kind === 'county' ? row.jurisdiction.fips : null,
    name: row.jurisdiction.name,
    state: row.jurisdiction.state ?? null,
    declined: row.declined,
    previousRank: priorRanks.get(jurisdictionKey(row.jurisdiction)) ?? null,
    ...(row.jurisdiction.kind === 'facility' ? { unresolved: true as const } : {}),
  }));
  return { source: quarter.source, quarter: quarter.quarter, complete: quarter.complete, total: quarter.total, rows };
}

export function sortQuarters(quarters: StoredQuarter[]): StoredQuarter[] {
  return [...quarters].sort((a, b) => a.source.localeCompare(b.source) || compareQuarters(a.quarter, b.quarter));
}

export function rankingText(view: RankingJson): string {
  const header = `${view.source} ${formatQuarter(view.quarter as StoredQuarter['quarter'])}${view.complete ? '' : ' (partial)'} — ${view.total} declined detainers`;
  const lines = view.rows.map((row) => {
    const was = row.previousRank === null ? 'new' : row.previousRank === row.rank ? '=' : row.previousRank > row.rank ? `▲ from ${row.previousRank}` : `▼ from ${row.previousRank}`;
    const place = `${row.name}${row.state ? `, ${row.state}` : ''}${row.unresolved ? ' (unresolved facility)' : ''}`;
    return `${String(row.rank).padStart(4)}  ${place.padEnd(44)} ${String(row.declined).padStart(7)}  ${was}`;
  });
  return [header, ...lines].join('\n');
}

/** A jurisdiction argument matches a FIPS code, or a name with or without "County" and state. */
export function matchesJurisdiction(query: string, jurisdiction: Jurisdiction): boolean {
  const q = query.trim().toLowerCase();
  if (jurisdiction.kind === 'county' && q === jurisdiction.fips) return true;
  const label = jurisdictionLabel(jurisdiction).toLowerCase();
  const name = jurisdiction.name.toLowerCase();
  const bare = name.replace(/\s+(county|parish|borough|city and borough|census area|municipality|city)$/, '');
  const withState = (n: string) => `${n}, ${(jurisdiction.state ?? '').toLowerCase()}`;
  return [name, bare, label, withState(name), withState(bare)].includes(q);
}

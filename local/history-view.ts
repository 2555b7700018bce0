import type { Jurisdiction } from '../functions/domain/jurisdiction';
import { jurisdictionLabel } from '../functions/domain/jurisdiction';
import { formatQuarter } from '../functions/domain/quarter';
import type { FacilityTally } from '../functions/domain/ranking';
import type { StoredQuarter } from '../functions/ports/store';
import { matchesJurisdiction, percent, sortQuarters } from './rankings-view';

interface HistoryPoint {
  source: string;
  quarter: string;
  complete: boolean;
  rank: number;
  declined: number;
  total: number;
  /** Detainers received; null when the source has no denominator. */
  received: number | null;
  rate: number | null;
  /** With `--facilities`: each facility's received and declined in that quarter (null when the source names none). */
  facilities?: { name: string; type: FacilityTally['type']; received: number | null; declined: number }[] | null;
}

export interface HistoryJson {
  fips: string | null;
  name: string;
  state: string | null;
  quarters: HistoryPoint[];
}

/** One jurisdiction across every stored quarter; null when no quarter ranks it. */
export function historyJson(all: StoredQuarter[], query: string, options: { facilities?: boolean } = {}): HistoryJson | null {
  let jurisdiction: Jurisdiction | undefined;
  const quarters: HistoryPoint[] = [];
  for (const q of sortQuarters(all)) {
    for (const row of q.rows) {
      if (!matchesJurisdiction(query, row.jurisdiction)) continue;
      jurisdiction ??= row.jurisdiction;
      const rate = row.received ? Math.round((row.declined / row.received) * 1000) / 1000 : null;
      quarters.push({
        source: q.source,
        quarter: q.quarter,
        complete: q.complete,
        rank: row.rank,
        declined: row.declined,
        total: q.total,
        received: row.received ?? null,
        rate,
        ...(options.facilities
          ? {
              facilities:
                row.facilities?.map((f) => ({ name: f.name, type: f.type, received: f.received ?? null, declined: f.declined })) ?? null,
            }
          : {}),
      });
    }
  }
  if (!jurisdiction) return null;
  return {
    fips: jurisdiction.kind === 'county' ? jurisdiction.fips : null,
    name: jurisdiction.name,
    state: jurisdiction.state ?? null,
    quarters,
  };
}

export function historyText(history: HistoryJson): string {
  const label = jurisdictionLabel(
    history.fips
      ? { kind: 'county', fips: history.fips, name: history.name, state: history.state ?? '' }
      : { kind: 'facility', name: history.name, ...(history.state ? { state: history.state } : {}) },
  );
  const lines = [label];
  for (const p of history.quarters) {
    const of = p.received === null ? '' : ` (${p.declined} declined of ${p.received} received, ${percent(p.rate)})`;
    lines.push(
      `  ${p.source} ${formatQuarter(p.quarter as StoredQuarter['quarter'])}${p.complete ? '' : ' (partial)'}: #${p.rank}, ${p.declined} of ${p.total}${of}`,
    );
    if (p.facilities === null) lines.push('      (this source names no facilities)');
    for (const f of p.facilities ?? []) {
      const received = f.received === null ? '' : ` of ${f.received} received`;
      lines.push(`      ${f.name.padEnd(42)} ${f.type.padEnd(8)} ${String(f.declined).padStart(5)} declined${received}`);
    }
  }
  return lines.join('\n');
}

export interface UnresolvedJson {
  source: string;
  quarter: string;
  unresolved: { name: string; city: string | null; state: string | null; declined: number; received: number | null }[];
}

/** The facilities of a stored quarter that no rule placed in a county, most declined first. */
export function unresolvedJson(quarter: StoredQuarter): UnresolvedJson {
  const unresolved = quarter.rows
    .filter((row) => row.jurisdiction.kind === 'facility')
    .map((row) => ({
      name: row.jurisdiction.name,
      city: row.jurisdiction.kind === 'facility' ? (row.jurisdiction.city ?? null) : null,
      state: row.jurisdiction.state ?? null,
      declined: row.declined,
      received: row.received ?? null,
    }));
  return { source: quarter.source, quarter: quarter.quarter, unresolved };
}

export function unresolvedText(view: UnresolvedJson): string {
  const header = `${view.source} ${formatQuarter(view.quarter as StoredQuarter['quarter'])} — ${view.unresolved.length} ${view.unresolved.length === 1 ? 'facility' : 'facilities'} not placed in a county`;
  const lines = view.unresolved.map((u) => {
    const where = [u.city, u.state].filter(Boolean).join(', ');
    return `  ${`${u.name}${where ? ` (${where})` : ''}`.padEnd(56)} ${String(u.declined).padStart(6)} declined${u.received === null ? '' : ` of ${u.received} received`}`;
  });
  return [header, ...lines].join('\n');
}

import type { FacilityType, Jurisdiction } from '../functions/domain/jurisdiction';
import { FACILITY_TYPES, jurisdictionKey, jurisdictionLabel } from '../functions/domain/jurisdiction';
import { compareQuarters, formatQuarter, previousQuarter } from '../functions/domain/quarter';
import type { RankingRow } from '../functions/domain/ranking';
import type { StoredQuarter } from '../functions/ports/store';

interface RankingJsonRow {
  rank: number;
  fips: string | null;
  name: string;
  state: string | null;
  declined: number;
  /** Detainers received; null when the source has no denominator (a jurisdiction table). */
  received: number | null;
  /** declined ÷ received, 3 decimals; null likewise. */
  rate: number | null;
  previousRank: number | null;
  /** The facility types this row's counts include; null when the source names no facilities. */
  facilityTypes: FacilityType[] | null;
  unresolved?: true;
}

/** The `rankings --json` contract (DESIGN.md): one object per source and quarter. */
export interface RankingJson {
  source: string;
  quarter: string;
  complete: boolean;
  total: number;
  /** What the rows are ranked by. */
  by: RankBy;
  /** The facility types the counts include (all of them unless `--facility-types` restricted them). */
  facilityTypes: FacilityType[];
  rows: RankingJsonRow[];
}

type RankBy = 'declined' | 'rate';

export interface RankingViewOptions {
  top?: number;
  by?: RankBy;
  /** Rows with fewer received detainers (or none known) are left out. */
  minReceived?: number;
  /** Count only facilities of these types; rows without a facility split (tables) are left out. */
  facilityTypes?: FacilityType[];
}

interface MeasuredRow {
  row: RankingRow;
  declined: number;
  received: number | undefined;
  types: FacilityType[] | null;
}

/** A row's counts over the facilities of the chosen types; null when nothing of those types is in it. */
function restrict(row: RankingRow, types: readonly FacilityType[] | undefined): MeasuredRow | null {
  const present = row.facilities ? FACILITY_TYPES.filter((t) => row.facilities!.some((f) => f.type === t)) : null;
  if (!types) return { row, declined: row.declined, received: row.received, types: present };
  if (!row.facilities) return null;
  const chosen = row.facilities.filter((f) => types.includes(f.type));
  if (chosen.length === 0) return null;
  const received = row.received === undefined ? undefined : chosen.reduce((n, f) => n + (f.received ?? 0), 0);
  return {
    row,
    declined: chosen.reduce((n, f) => n + f.declined, 0),
    received,
    types: FACILITY_TYPES.filter((t) => chosen.some((f) => f.type === t)),
  };
}

const rateOf = (m: MeasuredRow) => (m.received ? m.declined / m.received : null);

/** Rows ranked by the chosen measure, 1, 2, 2, 4 on ties; a rate ranking holds only rows with a denominator. */
function ranked(rows: RankingRow[], options: RankingViewOptions): { measured: MeasuredRow; rank: number }[] {
  const by = options.by ?? 'declined';
  const measured = rows
    .map((row) => restrict(row, options.facilityTypes))
    .filter((m): m is MeasuredRow => m !== null && m.declined > 0)
    .filter((m) => options.minReceived === undefined || (m.received ?? -1) >= options.minReceived)
    .filter((m) => by === 'declined' || rateOf(m) !== null);
  const value = (m: MeasuredRow) => (by === 'rate' ? rateOf(m)! : m.declined);
  const label = (m: MeasuredRow) => jurisdictionLabel(m.row.jurisdiction);
  measured.sort((a, b) => value(b) - value(a) || b.declined - a.declined || label(a).localeCompare(label(b)));
  const out: { measured: MeasuredRow; rank: number }[] = [];
  measured.forEach((m, i) => out.push({ measured: m, rank: i > 0 && value(measured[i - 1]) === value(m) ? out[i - 1].rank : i + 1 }));
  return out;
}

export function rankingJson(quarter: StoredQuarter, all: StoredQuarter[], top?: number | RankingViewOptions): RankingJson {
  const options: RankingViewOptions = typeof top === 'number' ? { top } : (top ?? {});
  const prior = all.find((q) => q.source === quarter.source && q.quarter === previousQuarter(quarter.quarter));
  const priorRanks = new Map(
    prior ? ranked(prior.rows, options).map(({ measured, rank }) => [jurisdictionKey(measured.row.jurisdiction), rank]) : [],
  );
  const list = ranked(quarter.rows, options);
  const rows = (options.top ? list.filter(({ rank }) => rank <= options.top!) : list).map(({ measured, rank }) => {
    const j = measured.row.jurisdiction;
    const rate = rateOf(measured);
    return {
      rank,
      fips: j.kind === 'county' ? j.fips : null,
      name: j.name,
      state: j.state ?? null,
      declined: measured.declined,
      received: measured.received ?? null,
      rate: rate === null ? null : Math.round(rate * 1000) / 1000,
      previousRank: priorRanks.get(jurisdictionKey(j)) ?? null,
      facilityTypes: measured.types,
      ...(j.kind === 'facility' ? { unresolved: true as const } : {}),
    };
  });
  const total = options.facilityTypes ? list.reduce((n, { measured }) => n + measured.declined, 0) : quarter.total;
  return {
    source: quarter.source,
    quarter: quarter.quarter,
    complete: quarter.complete,
    total,
    by: options.by ?? 'declined',
    facilityTypes: options.facilityTypes ? FACILITY_TYPES.filter((t) => options.facilityTypes!.includes(t)) : [...FACILITY_TYPES],
    rows,
  };
}

export function sortQuarters(quarters: StoredQuarter[]): StoredQuarter[] {
  return [...quarters].sort((a, b) => a.source.localeCompare(b.source) || compareQuarters(a.quarter, b.quarter));
}

/** "45.6%"; "" when unknown. */
export function percent(rate: number | null): string {
  return rate === null ? '' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export function rankingText(view: RankingJson): string {
  const only = view.facilityTypes.length < FACILITY_TYPES.length ? `, ${view.facilityTypes.join('/')} facilities only` : '';
  const by = view.by === 'rate' ? ', ranked by decline rate' : '';
  const header = `${view.source} ${formatQuarter(view.quarter as StoredQuarter['quarter'])}${view.complete ? '' : ' (partial)'} — ${view.total} declined detainers${only}${by}`;
  if (view.rows.length === 0 && view.by === 'rate')
    return `${header}\n      (no received counts: this source gives declined detainers only)`;
  const lines = view.rows.map((row) => {
    const was =
      row.previousRank === null
        ? 'new'
        : row.previousRank === row.rank
          ? '='
          : row.previousRank > row.rank
            ? `▲ from ${row.previousRank}`
            : `▼ from ${row.previousRank}`;
    const place = `${row.name}${row.state ? `, ${row.state}` : ''}${row.unresolved ? ' (unresolved facility)' : ''}`;
    const of = row.received === null ? '' : ` of ${String(row.received).padStart(6)} ${percent(row.rate).padStart(6)}`;
    return `${String(row.rank).padStart(4)}  ${place.padEnd(44)} ${String(row.declined).padStart(7)}${of}  ${was}`;
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

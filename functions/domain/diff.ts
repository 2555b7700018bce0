import type { CountDelta, FacilityChange, QuarterChangeKind, RankingChange, RankMove, RowWithPrevious } from './change';
import { jurisdictionKey } from './jurisdiction';
import type { QuarterId } from './quarter';
import { compareQuarters } from './quarter';
import type { Ranking, RankingRow } from './ranking';
import { hashRanking, rankTallies } from './ranking';

export interface DiffInput {
  /**
   * What `after` is compared with: the stored current version of the same quarter
   * (`baseline: 'stored-version'`, with its hash and version) or the previous fiscal quarter of
   * the same source (`'previous-quarter'`). Ignored when `baseline` is `'none'`.
   */
  before?: Ranking & { hash?: string; version?: number };
  after: Ranking;
  afterHash: string;
  baseline: 'previous-quarter' | 'stored-version' | 'none';
  baselineQuarter?: QuarterId;
  /** The top N that `entered` and `left` refer to. */
  topN: number;
  /** Every stored version of this quarter (hashes), to recognise a revert. */
  history?: { version: number; hash: string }[];
}

/**
 * What changed in one quarter's ranking, or null when nothing did (the stored version has the
 * same numbers).
 *
 * Kinds: no stored version and a complete quarter → `new-quarter`; the quarter partial now or
 * in the stored version → `partial-update`; complete stored → complete now → `revision`.
 *
 * A partial quarter is a running count over a release's coverage window, and that window moves
 * between releases (a release that ends mid-quarter, a next one that starts later, a new partial
 * quarter compared with the complete one before it). A lower count or a jurisdiction missing
 * from a partial quarter therefore says something about coverage, not about the numbers being
 * corrected: in a `partial-update` decreases are left out of `deltas`, nothing is `retracted`, and
 * a jurisdiction missing from the partial data has not "left" the top N. Rank moves among the
 * jurisdictions present are still reported, since the table the subscriber sees is re-ranked.
 *
 * With no baseline nothing has "entered" or "moved": every list is empty and the change is the
 * ranking itself (the first email says "now tracking").
 */
export function diffRanking(input: DiffInput): RankingChange | null {
  const { after, afterHash, topN } = input;
  const stored = input.baseline === 'stored-version';
  if (stored && !input.before)
    throw new Error(`diffRanking: ${after.source} ${after.quarter}: a stored-version baseline needs the stored ranking`);
  const before = input.baseline === 'none' ? undefined : input.before;
  const baseline: RankingChange['baseline'] = before ? input.baseline : 'none';

  const beforeHash = before ? (before.hash ?? hashRanking(before)) : undefined;
  if (stored && beforeHash === afterHash) return null;

  const kind = changeKind(stored, before, after);
  const partial = kind === 'partial-update';
  const afterRows = rerank(after.rows);
  const beforeRows = before ? rerank(before.rows) : [];
  const beforeByKey = byKey(beforeRows);
  const afterByKey = byKey(afterRows);
  const previousRanks = previousRanksOf(afterRows, beforeByKey);

  const { entered, moved, deltas, facilityChanges } = before
    ? changesAmongNewRows(afterRows, beforeByKey, topN, partial)
    : { entered: [], moved: [], deltas: [], facilityChanges: {} };
  const { left, retracted, dropped } = changesAmongOldRows(beforeRows, afterByKey, topN, partial, stored);
  deltas.push(...dropped);
  const rank = (j: CountDelta) => afterByKey.get(jurisdictionKey(j.jurisdiction))?.rank ?? Infinity;
  deltas.sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || rank(a) - rank(b));
  retracted.sort((a, b) => b.before - a.before);

  const revertsTo = stored ? findRevert(afterHash, beforeHash!, before!.version, input.history) : undefined;
  const rows: RowWithPrevious[] = afterRows.map((row) => {
    const key = jurisdictionKey(row.jurisdiction);
    return {
      ...row,
      previousRank: previousRanks[key] ?? null,
      ...(before ? { previousDeclined: beforeByKey.get(key)?.declined ?? 0 } : {}),
    };
  });

  return {
    source: after.source,
    quarter: after.quarter,
    kind,
    baseline,
    ...(before ? { baselineQuarter: input.baselineQuarter ?? before.quarter } : {}),
    topN,
    complete: after.complete,
    ...(stored ? { previousComplete: before!.complete } : {}),
    totalBefore: before ? before.total : null,
    totalAfter: after.total,
    entered,
    left,
    moved,
    deltas,
    retracted,
    ...(revertsTo ? { revertsTo } : {}),
    after: { ...after, rows },
    previousRanks,
    ...(Object.keys(facilityChanges).length ? { facilityChanges } : {}),
  };
}

/** Against a stored version: a revision when both are complete, else a partial update; against none or a previous quarter: new or partial. */
function changeKind(stored: boolean, before: Ranking | undefined, after: Ranking): QuarterChangeKind {
  if (stored) return before!.complete && after.complete ? 'revision' : 'partial-update';
  return after.complete ? 'new-quarter' : 'partial-update';
}

/** Each jurisdiction's rank in the baseline (null for one new to it), the new ranking's and the old one's. */
function previousRanksOf(afterRows: RankingRow[], beforeByKey: Map<string, RankingRow>): Record<string, number | null> {
  const previousRanks: Record<string, number | null> = {};
  for (const row of afterRows)
    previousRanks[jurisdictionKey(row.jurisdiction)] = beforeByKey.get(jurisdictionKey(row.jurisdiction))?.rank ?? null;
  for (const [key, row] of beforeByKey) previousRanks[key] = row.rank;
  return previousRanks;
}

/** Down the new ranking: who entered the top N, who moved, whose count changed, and the facilities behind a move. */
function changesAmongNewRows(afterRows: RankingRow[], beforeByKey: Map<string, RankingRow>, topN: number, partial: boolean) {
  const entered: RankMove[] = [];
  const moved: RankMove[] = [];
  const deltas: CountDelta[] = [];
  const facilityChanges: Record<string, FacilityChange[]> = {};
  for (const row of afterRows) {
    const old = beforeByKey.get(jurisdictionKey(row.jurisdiction));
    if (!old || old.rank !== row.rank) {
      const changes = driverFacilities(old, row);
      if (changes) facilityChanges[jurisdictionKey(row.jurisdiction)] = changes;
    }
    if (row.rank <= topN && (!old || old.rank > topN))
      entered.push({ jurisdiction: row.jurisdiction, from: old?.rank ?? null, to: row.rank });
    if (old && old.rank !== row.rank) moved.push({ jurisdiction: row.jurisdiction, from: old.rank, to: row.rank });
    const was = old?.declined ?? 0;
    if (row.declined > was || (row.declined < was && !partial))
      deltas.push({ jurisdiction: row.jurisdiction, before: was, after: row.declined });
  }
  return { entered, moved, deltas, facilityChanges };
}

/**
 * Down the old ranking: who left the top N, and the jurisdictions gone from the new one:
 * retracted from a stored version, a drop to 0 against a previous quarter; neither in partial data.
 */
function changesAmongOldRows(
  beforeRows: RankingRow[],
  afterByKey: Map<string, RankingRow>,
  topN: number,
  partial: boolean,
  stored: boolean,
) {
  const left: RankMove[] = [];
  const retracted: CountDelta[] = [];
  const dropped: CountDelta[] = [];
  for (const old of beforeRows) {
    const now = afterByKey.get(jurisdictionKey(old.jurisdiction));
    if (old.rank <= topN && (now ? now.rank > topN : !partial))
      left.push({ jurisdiction: old.jurisdiction, from: old.rank, to: now?.rank ?? null });
    if (now || partial) continue;
    const gone = { jurisdiction: old.jurisdiction, before: old.declined, after: 0 };
    if (stored) retracted.push(gone);
    else dropped.push(gone);
  }
  return { left, retracted, dropped };
}

/** The (up to) three facilities whose declined counts changed most between two rows of one jurisdiction. */
function driverFacilities(before: RankingRow | undefined, after: RankingRow): FacilityChange[] | undefined {
  if (!after.facilities && !before?.facilities) return undefined;
  const was = new Map((before?.facilities ?? []).map((f) => [f.name, f]));
  const changes: FacilityChange[] = [];
  for (const f of after.facilities ?? []) {
    const old = was.get(f.name)?.declined ?? 0;
    was.delete(f.name);
    if (f.declined !== old) changes.push({ name: f.name, type: f.type, before: old, after: f.declined });
  }
  for (const f of was.values()) if (f.declined > 0) changes.push({ name: f.name, type: f.type, before: f.declined, after: 0 });
  changes.sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before) || a.name.localeCompare(b.name));
  return changes.length ? changes.slice(0, 3) : undefined;
}

const KIND_ORDER: Record<QuarterChangeKind, number> = { 'new-quarter': 0, revision: 1, 'partial-update': 2 };

/** The order quarters appear in an email: new quarters, then revisions, then partial updates; by quarter within each. */
export function orderQuarterChanges<T extends Pick<RankingChange, 'kind' | 'quarter' | 'source'>>(changes: readonly T[]): T[] {
  return [...changes].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareQuarters(a.quarter, b.quarter) || a.source.localeCompare(b.source),
  );
}

/** Ranks are recomputed rather than trusted, so a diff never depends on how a caller ranked. */
function rerank(rows: RankingRow[]): RankingRow[] {
  return rankTallies(rows.map(({ rank: _rank, ...tally }) => tally));
}

function byKey(rows: RankingRow[]): Map<string, RankingRow> {
  return new Map(rows.map((row) => [jurisdictionKey(row.jurisdiction), row]));
}

/** The latest earlier version whose numbers this one repeats (A → B → A reports "v1"). */
function findRevert(
  afterHash: string,
  currentHash: string,
  currentVersion: number | undefined,
  history: DiffInput['history'],
): string | undefined {
  const match = (history ?? [])
    .filter((v) => v.hash === afterHash && v.hash !== currentHash && v.version !== currentVersion)
    .sort((a, b) => b.version - a.version)[0];
  return match ? `v${match.version}` : undefined;
}

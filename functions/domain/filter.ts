import type { RankingChange, ReleaseChange, RowWithPrevious } from './change';
import type { Jurisdiction } from './jurisdiction';
import { jurisdictionKey } from './jurisdiction';
import type { RankingRow } from './ranking';
import type { SubscriberFilters } from './subscriber';
import { DEFAULT_FILTERS } from './subscriber';

/**
 * The part of a release's change one subscriber cares about, or null when nothing in it does
 * (no email).
 *
 * Which jurisdictions are watched: `states` and `jurisdictions` both narrow (an empty list
 * narrows nothing), so `--states CO --jurisdictions Washington` means Washington County, CO.
 * Jurisdictions match by FIPS ("08031", "8031") or by name, with or without the county word and
 * punctuation ("Denver", "Denver County", "Miami-Dade", "Clark County, NV").
 *
 * What the subscriber sees of a quarter (its table): the named jurisdictions when they named
 * some, whatever their rank; otherwise the first `topN` watched rows (ties included), i.e. the
 * national top N, or the top N within their states. Ranks stay national.
 *
 * What counts as news:
 * - a quarter seen for the first time (a new quarter, or a new partial quarter): the ranking
 *   itself is the news, so it matches whenever the table is not empty; `minMove` and `minDelta`
 *   only trim the highlights listed with it;
 * - a stored quarter that changed (revision, partial update): a watched jurisdiction entering or
 *   leaving the national top N (always news, except a retraction below `minDelta`), or, within
 *   the table before or after, a rank move
 *   of at least `minMove`, a count change or retraction of at least `minDelta`, or the quarter
 *   becoming complete.
 * Unresolved facilities are kept when they are in the subscriber's states (or state unknown).
 */
export function filterForSubscriber(change: ReleaseChange, filters: SubscriberFilters): ReleaseChange | null {
  const watched = watcher(filters);
  const quarters = change.quarters.map((q) => filterQuarter(q, filters, watched)).filter((q): q is RankingChange => q !== null);
  if (quarters.length === 0) return null;
  const states = new Set(filters.states.map((s) => s.trim().toUpperCase()));
  const unresolved = change.unresolved.filter((u) => states.size === 0 || !u.state || states.has(u.state.toUpperCase()));
  return { ...change, quarters, unresolved };
}

function filterQuarter(q: RankingChange, filters: SubscriberFilters, watched: (j: Jurisdiction) => boolean): RankingChange | null {
  const topN = filters.topN > 0 ? filters.topN : DEFAULT_FILTERS.topN;
  const named = filters.jurisdictions.length > 0;
  const minMove = Math.max(1, filters.minMove);
  const minDelta = Math.max(1, filters.minDelta);
  const hasBaseline = q.baseline !== 'none';

  const known = knownJurisdictions(q);
  const rows = (q.after.rows as RowWithPrevious[]).map((row) => ({
    ...row,
    previousRank: row.previousRank ?? q.previousRanks[jurisdictionKey(row.jurisdiction)] ?? null,
  }));
  const rankNow = new Map(rows.map((row) => [jurisdictionKey(row.jurisdiction), row.rank]));
  const watchedNow = rows.filter((row) => watched(row.jurisdiction));
  const view = named ? watchedNow : topWithTies(watchedNow, topN);

  const watchedBefore = Object.entries(q.previousRanks)
    .filter((entry): entry is [string, number] => entry[1] !== null && known.has(entry[0]) && watched(known.get(entry[0])!))
    .map(([key, rank]) => ({ key, rank }))
    .sort((a, b) => a.rank - b.rank);
  const viewBefore = named ? watchedBefore : topWithTies(watchedBefore, topN);
  const inView = new Set([...view.map((row) => jurisdictionKey(row.jurisdiction)), ...viewBefore.map((b) => b.key)]);
  const shown = (j: Jurisdiction) => inView.has(jurisdictionKey(j));

  const entered = hasBaseline
    ? watchedNow
        .filter((row) => row.rank <= topN && (row.previousRank === null || row.previousRank > topN))
        .map((row) => ({ jurisdiction: row.jurisdiction, from: row.previousRank, to: row.rank }))
    : [];
  const allLeft = hasBaseline
    ? watchedBefore
        .filter((b) => b.rank <= topN && (rankNow.get(b.key) ?? Infinity) > topN)
        .map((b) => ({ jurisdiction: known.get(b.key)!, from: b.rank, to: rankNow.get(b.key) ?? null }))
    : [];
  const retractedKeys = new Set(q.retracted.map((d) => jurisdictionKey(d.jurisdiction)));
  const retracted = q.retracted.filter((d) => shown(d.jurisdiction) && d.before >= minDelta);
  const kept = new Set(retracted.map((d) => jurisdictionKey(d.jurisdiction)));
  // Leaving the top N by retraction is the retraction: it obeys the same minimum.
  const left = allLeft.filter((m) => !retractedKeys.has(jurisdictionKey(m.jurisdiction)) || kept.has(jurisdictionKey(m.jurisdiction)));
  const moved = q.moved.filter((m) => shown(m.jurisdiction) && m.from !== null && m.to !== null && Math.abs(m.from - m.to) >= minMove);
  const deltas = q.deltas.filter((d) => shown(d.jurisdiction) && Math.abs(d.after - d.before) >= minDelta);

  const firstSeen = q.baseline !== 'stored-version';
  const becameComplete = q.complete && q.previousComplete === false;
  const news =
    firstSeen || becameComplete ? view.length > 0 : entered.length + left.length + moved.length + deltas.length + retracted.length > 0;
  if (!news) return null;

  return { ...q, topN, entered, left, moved, deltas, retracted, after: { ...q.after, rows: view } };
}

/** Every jurisdiction the change mentions, by key: the previous ranks name keys only. */
function knownJurisdictions(q: RankingChange): Map<string, Jurisdiction> {
  const all = [
    ...q.after.rows.map((r) => r.jurisdiction),
    ...[...q.entered, ...q.left, ...q.moved, ...q.deltas, ...q.retracted].map((m) => m.jurisdiction),
  ];
  return new Map(all.map((j) => [jurisdictionKey(j), j]));
}

/** The first n rows by rank, plus any rows tied with the n-th. */
export function topWithTies<T extends Pick<RankingRow, 'rank'>>(rows: readonly T[], n: number): T[] {
  if (rows.length <= n) return [...rows];
  const cut = rows[n - 1].rank;
  return rows.filter((row, i) => i < n || row.rank === cut);
}

function watcher(filters: SubscriberFilters): (j: Jurisdiction) => boolean {
  const states = new Set(filters.states.map((s) => s.trim().toUpperCase()).filter(Boolean));
  const wanted = filters.jurisdictions.map(parseJurisdictionFilter).filter((w) => w !== null);
  return (j) => {
    if (states.size > 0 && !(j.state && states.has(j.state.toUpperCase()))) return false;
    if (wanted.length === 0) return true;
    return wanted.some((w) => {
      if (w.state && w.state !== j.state?.toUpperCase()) return false;
      if (w.fips) return j.kind === 'county' && j.fips === w.fips;
      return placeName(j.name) === w.name;
    });
  };
}

interface JurisdictionFilter {
  fips?: string;
  name?: string;
  state?: string;
}

/** "08031", "8031", "Denver", "Denver County, CO", "Miami-Dade" → what to compare with. */
function parseJurisdictionFilter(text: string): JurisdictionFilter | null {
  const trimmed = text.trim();
  if (/^\d{4,5}$/.test(trimmed)) return { fips: trimmed.padStart(5, '0') };
  const withState = /^(.*?),\s*([A-Za-z]{2})$/.exec(trimmed);
  const name = placeName(withState ? withState[1] : trimmed);
  if (!name) return null;
  return { name, ...(withState ? { state: withState[2].toUpperCase() } : {}) };
}

/** A place name reduced to what people agree on: case, punctuation and the county word ignored. */
function placeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(county|parish|borough|census area|municipality|city and county of|co)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

import type { ReleaseStats } from './release';

/** How far a release may depart from the previous release of the same source before a person looks. */
export interface DriftLimits {
  /** Smallest accepted ratio of rows read to the previous release's. */
  minRowRatio: number;
  /** Largest accepted fall in resolution rate, in absolute share. */
  maxResolutionFall: number;
  /** Largest accepted share of the previous release's columns that are gone. */
  maxColumnsGone: number;
}

const DEFAULT_DRIFT_LIMITS: DriftLimits = { minRowRatio: 0.5, maxResolutionFall: 0.25, maxColumnsGone: 0.5 };

const normalise = (column: string) =>
  column
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function overlaps(a: ReleaseStats, b: ReleaseStats): boolean {
  if (!a.coverage || !b.coverage) return true;
  return a.coverage.from <= b.coverage.to && b.coverage.from <= a.coverage.to;
}

/**
 * Schema drift guard: a release whose size, resolved share or column set departs sharply from
 * the source's earlier releases usually means the publisher changed the file, not that the world
 * changed. Returns the reason to quarantine, or null.
 *
 * `earlier` is the source's ingested releases, newest last. Resolved share and columns are
 * compared with the newest; the row count only with the newest release covering some of the same
 * dates: a release published as one file per fiscal year (the Deportation Data Project's March
 * 2026 release) is not a drop because its FY2026 file is shorter than its FY2025 file, while a
 * file cut short still meets the fuller file of the same period.
 */
export function detectDrift(
  earlier: readonly ReleaseStats[],
  current: ReleaseStats,
  limits: DriftLimits = DEFAULT_DRIFT_LIMITS,
): string | null {
  const previous = earlier.at(-1);
  if (!previous) return null;
  const sameDates = [...earlier].reverse().find((release) => overlaps(release, current));
  if (sameDates && sameDates.rowsRead > 0 && current.rowsRead / sameDates.rowsRead < limits.minRowRatio) {
    const period = sameDates.coverage ? ` covering ${sameDates.coverage.from} to ${sameDates.coverage.to}` : '';
    return `schema drift: ${current.rowsRead} rows read, previous release${period} had ${sameDates.rowsRead}`;
  }
  if (previous.resolutionRate - current.resolutionRate > limits.maxResolutionFall) {
    const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
    return `schema drift: ${pct(current.resolutionRate)} of declined detainers resolved to counties, previous release ${pct(previous.resolutionRate)}`;
  }
  if (previous.columns.length > 0) {
    const now = new Set(current.columns.map(normalise));
    const gone = previous.columns.filter((column) => !now.has(normalise(column)));
    if (gone.length / previous.columns.length > limits.maxColumnsGone) {
      return `schema drift: ${gone.length} of ${previous.columns.length} columns of the previous release are gone (${gone.slice(0, 5).join(', ')}${gone.length > 5 ? ', ...' : ''})`;
    }
  }
  return null;
}

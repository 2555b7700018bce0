import type { FacilityType, Jurisdiction } from './jurisdiction';
import type { QuarterId } from './quarter';
import type { Ranking, RankingRow } from './ranking';

/**
 * How a release touched one quarter:
 * - `new-quarter`: first time the quarter is stored (a complete one).
 * - `partial-update`: the quarter is (or was) partial and the release extended it; a lower count
 *   in a partial quarter is not a drop.
 * - `revision`: a complete quarter already stored now has different numbers.
 */
export type QuarterChangeKind = 'new-quarter' | 'partial-update' | 'revision';

export interface RankMove {
  jurisdiction: Jurisdiction;
  /** null when it was not ranked before. */
  from: number | null;
  /** null when it is not ranked any more. */
  to: number | null;
}

/** A facility's declined count before and after: what drove a county's move. */
export interface FacilityChange {
  name: string;
  type: FacilityType;
  before: number;
  after: number;
}

export interface CountDelta {
  jurisdiction: Jurisdiction;
  before: number;
  after: number;
}

export interface RankingChange {
  source: string;
  quarter: QuarterId;
  kind: QuarterChangeKind;
  /**
   * What the moves are measured against: a new quarter against the previous fiscal quarter of the
   * same source ("Denver rises to #2" means since last quarter), a revision or partial update
   * against the stored version of the same quarter; 'none' when there is nothing to compare with.
   */
  baseline: 'previous-quarter' | 'stored-version' | 'none';
  /** The quarter the baseline ranking belongs to, when there is one. */
  baselineQuarter?: QuarterId;
  /** The top N the entered/left lists refer to. */
  topN: number;
  complete: boolean;
  /** Whether the stored version was complete (undefined for a new quarter). */
  previousComplete?: boolean;
  totalBefore: number | null;
  totalAfter: number;
  /** Entered the top N (from: previous rank or null). */
  entered: RankMove[];
  /** Left the top N (to: new rank or null when gone). */
  left: RankMove[];
  /** Every rank change among jurisdictions ranked before and after. */
  moved: RankMove[];
  /** Every count that changed, including new (before 0) jurisdictions. */
  deltas: CountDelta[];
  /** Jurisdictions present before and absent from this release (a retraction). */
  retracted: CountDelta[];
  /** Set when this version equals an earlier stored version: the numbers went back (A → B → A). */
  revertsTo?: string;
  /** The new ranking, for tables; rows carry previous ranks through `previousRank`. */
  after: Ranking;
  /** Previous rank per jurisdiction key (null = unranked before). */
  previousRanks: Record<string, number | null>;
  /**
   * For each jurisdiction whose rank changed or that is new against the baseline, the facilities
   * whose declined counts changed most (up to three, largest change first), by jurisdiction key.
   * Absent when the source names no facilities.
   */
  facilityChanges?: Record<string, FacilityChange[]>;
}

/** The change record of one release: every quarter it added or revised. Drives notify. */
export interface ReleaseChange {
  /** Deterministic: `${source}#${release sha256}` so a re-ingest cannot create a second one. */
  id: string;
  source: string;
  release: string;
  url: string;
  archiveKey: string;
  publishedAt?: string;
  firstSeen: string;
  createdAt: string;
  /** Ordered: new quarters first, then revisions, then partial updates. */
  quarters: RankingChange[];
  /** Facility names that could not be placed in a county, with their counts (received too, where the source has it). */
  unresolved: { name: string; city?: string; state?: string; declined: number; received?: number }[];
  /** Share of declined detainers resolved to a county, 0..1. */
  resolutionRate: number;
}

export type RowWithPrevious = RankingRow & {
  previousRank: number | null;
  /** Declined count in the baseline (0 when absent there); undefined when there is no baseline. */
  previousDeclined?: number;
};

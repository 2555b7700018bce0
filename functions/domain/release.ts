import type { Place } from './jurisdiction';
import type { DateRange, QuarterId } from './quarter';

/** The formats declined-detainer data has been published in. */
export type ReleaseFormat = 'ddp' | 'ddor' | 'table';

/**
 * One fact read from a release: `count` declined detainers at `place`, dated by `date`
 * (the counting date of the source) or, for aggregated tables, attributed to `quarter`.
 */
export interface Observation {
  place: Place;
  count: number;
  /** ISO date (`YYYY-MM-DD`) the detainer counts on: prepare date (DDP), declined date (DDOR). */
  date?: string;
  /** For table sources that state a quarter instead of a date. */
  quarter?: QuarterId;
  /** Offence category / criminality, when the source has it. */
  category?: string;
  /**
   * Detainers received at `place` on `date` whatever their outcome (`count` of them declined):
   * record-level sources emit every record with `received: 1`, so a decline rate can be
   * computed. Absent when the source has no denominator (jurisdiction tables, DDOR).
   */
  received?: number;
}

export interface ParseSummary {
  format: ReleaseFormat;
  /** Data rows read (excluding title and header rows). */
  rowsRead: number;
  /** Rows that were declined detainers (or count rows of a table). */
  rowsKept: number;
  /** Header names as found in the file. */
  columns: string[];
  /** First and last counting date seen, or the period the release declares. */
  coverage?: DateRange;
  /** True when coverage came from a period declared by the file rather than from row dates. */
  declaredCoverage?: boolean;
  /** What the operator should know; the release is ingested with them (docs/data-formats.md, "Warnings"). */
  warnings: string[];
  /**
   * Findings that make the counts untrustworthy (a report whose printed total disagrees with its
   * rows, a lift-reason column with no declined detainer in it): the release is quarantined with them.
   */
  faults?: string[];
}

/**
 * A parser streams a file from disk and calls `sink` once per observation. Callbacks rather
 * than an async iterator: a real DDP release has ~316,000 rows and per-row promises cost.
 * It throws InvalidReleaseError for anything it cannot read.
 */
export type Parser = (file: string, sink: (observation: Observation) => void) => Promise<ParseSummary>;

/** A release that cannot be read or fails its sanity checks: quarantined, nothing written. */
export class InvalidReleaseError extends Error {
  override readonly name = 'InvalidReleaseError';
  constructor(
    /** The file (path or archive key or URL) the problem is in. */
    readonly file: string,
    /** One line: what is wrong. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** A release found at a source and archived under its SHA-256. */
export interface Release {
  source: string;
  /** Hex SHA-256 of the raw bytes; the release's identity. */
  sha256: string;
  /** Where it was downloaded from (or `file://` for `ingest FILE`). */
  url: string;
  /** Archive key of the raw bytes, e.g. `raw/ddp/<sha256>.xlsx`. */
  archiveKey: string;
  bytes: number;
  format: ReleaseFormat;
  /** ISO timestamp the monitor first saw these bytes. */
  firstSeen: string;
  /** Publication date the source gives (Last-Modified or the index page), when known. */
  publishedAt?: string;
  status: 'archived' | 'ingested' | 'quarantined' | 'held';
  /** Why it was quarantined or held. */
  reason?: string;
  /** What ingest read, kept to spot schema drift in the next release of the same source. */
  stats?: ReleaseStats;
}

export interface ReleaseStats {
  rowsRead: number;
  rowsKept: number;
  resolutionRate: number;
  columns: string[];
  /** The dates the release covers (releases recorded before this field have none). */
  coverage?: DateRange;
}

import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReleaseKey } from '../archive/release-key';
import type { Deps } from '../commons/deps';
import type { RankingChange, ReleaseChange } from '../domain/change';
import { diffRanking, orderQuarterChanges } from '../domain/diff';
import { detectDrift } from '../domain/drift';
import { formatQuarter, previousQuarter } from '../domain/quarter';
import type { Ranking } from '../domain/ranking';
import { hashRanking } from '../domain/ranking';
import { InvalidReleaseError, type ParseSummary, type Release, type ReleaseStats } from '../domain/release';
import { QuarterTallies } from '../domain/tally';
import { reportToOperator } from '../mail/operator-report';
import type { QuarterWrite } from '../ports/store';

export interface IngestReport {
  source: string;
  release: string;
  outcome: 'ingested' | 'unchanged' | 'already-ingested' | 'quarantined' | 'held';
  reason?: string;
  change?: ReleaseChange;
  rowsRead: number;
  rowsKept: number;
  resolutionRate: number;
  unresolved: { name: string; state?: string; declined: number }[];
  quarterItemsWritten: number;
  /** What the parser wants known; the release is ingested with them (docs/data-formats.md, "Warnings"). */
  warnings?: string[];
  /** The dates the release covers, and whether the file declared them (a report week, a table's quarter) or its rows did. */
  coverage?: { from: string; to: string; declared: boolean };
}

/**
 * Parse, rank, diff and commit one archived release, identified by its archive key
 * `raw/<source>/<sha256>.<ext>`. Nothing is written unless the whole release reads cleanly and
 * passes its sanity checks; then the changed quarter versions and the change record are written
 * in one transaction.
 */
export async function ingestRelease(deps: Deps, archiveKey: string): Promise<IngestReport> {
  const { source, sha256 } = parseReleaseKey(archiveKey);
  const release = (await deps.releases.getRelease(source, sha256)) ?? (await recordUnknownRelease(deps, archiveKey));
  const empty = emptyReport(source, sha256);
  if (release.status === 'ingested') return { ...empty, outcome: 'already-ingested' };
  if (release.status === 'quarantined' || release.status === 'held')
    return { ...empty, outcome: release.status, ...(release.reason ? { reason: release.reason } : {}) };

  const file = join(deps.workDir, `${sha256}-${randomUUID()}`);
  try {
    await deps.archive.getToFile(archiveKey, file);
    const read = await readIntoTallies(deps, release, file);
    if (read instanceof InvalidReleaseError) return await quarantine(deps, release, read.reason, empty);
    return await checkRankAndCommit(deps, release, read, empty);
  } finally {
    await rm(file, { force: true });
  }
}

type BaseReport = Omit<IngestReport, 'outcome'> & { warnings: string[] };

function emptyReport(source: string, release: string): BaseReport {
  return { source, release, rowsRead: 0, rowsKept: 0, resolutionRate: 0, unresolved: [], quarterItemsWritten: 0, warnings: [] };
}

interface ReadRelease {
  summary: ParseSummary;
  tallies: QuarterTallies;
}

/** Every record of the release counted per quarter; a release that cannot be read is returned as its error. */
async function readIntoTallies(deps: Deps, release: Release, file: string): Promise<ReadRelease | InvalidReleaseError> {
  // The parsers and the resolver load on the first release, not at cold start.
  const [{ parseRelease }, resolver] = await Promise.all([import('./parsers'), deps.resolver()]);
  const tallies = new QuarterTallies(resolver);
  try {
    return { summary: await parseRelease(file, release.format, (observation) => tallies.add(observation)), tallies };
  } catch (error) {
    if (error instanceof InvalidReleaseError) return error;
    throw error;
  }
}

/** What was read, as the release's stats and the report's figures. */
function readFigures(empty: BaseReport, { summary, tallies }: ReadRelease) {
  const coverage = summary.coverage ?? tallies.observedRange();
  const stats: ReleaseStats = {
    rowsRead: summary.rowsRead,
    rowsKept: summary.rowsKept,
    resolutionRate: tallies.resolutionRate(),
    columns: summary.columns,
    ...(coverage ? { coverage } : {}),
  };
  const report: BaseReport = {
    ...empty,
    rowsRead: stats.rowsRead,
    rowsKept: stats.rowsKept,
    resolutionRate: stats.resolutionRate,
    unresolved: tallies.unresolvedFacilities(),
    warnings: summary.warnings,
    ...(coverage ? { coverage: { ...coverage, declared: summary.declaredCoverage === true } } : {}),
  };
  return { coverage, stats, report };
}

/**
 * The checks on a release that was read (parser faults, schema drift, a total drop), then its
 * rankings diffed against the stored quarters and committed with the change in one transaction.
 */
async function checkRankAndCommit(deps: Deps, release: Release, read: ReadRelease, empty: BaseReport): Promise<IngestReport> {
  const { source, sha256 } = release;
  const { coverage, stats, report } = readFigures(empty, read);
  deps.count?.('RowsParsed', stats.rowsRead);
  const fault = parserFaults(deps, release, read.summary);
  if (fault) return await quarantine(deps, release, fault, report);

  const drift = await driftFromPrevious(deps, release, stats);
  if (drift) return await quarantine(deps, release, drift, report);

  const rankings = read.tallies.rankings(source, sha256, coverage);
  const plan = await planQuarterWrites(deps, rankings);
  const held = heldForTotalDrop(deps, plan.changes);
  if (held) {
    await deps.releases.setReleaseStatus(source, sha256, 'held', held);
    await reportToOperator(deps, 'held', { source, file: release.url, reason: held });
    return { ...report, outcome: 'held', reason: held };
  }
  if (stats.resolutionRate < deps.config.minResolutionRate) await reportLowResolution(deps, release, stats, report.unresolved);

  const change = releaseChange(release, plan.changes, report.unresolved, stats.resolutionRate, deps.clock());
  const outcome = await deps.rankings.commitRelease({
    release: { ...release, status: 'ingested', stats },
    quarters: plan.writes,
    change,
    token: randomUUID(),
  });
  deps.log.info('release ingested', { source, release: sha256, change: change?.id, quarters: plan.writes.length, outcome });
  await reportParserWarnings(deps, release, read.summary.warnings);
  return {
    ...report,
    outcome: change ? 'ingested' : 'unchanged',
    ...(change ? { change } : {}),
    quarterItemsWritten: plan.writes.length,
  };
}

/** Ingested, but fewer declined detainers than the threshold were placed in a county: the operator is told which. */
async function reportLowResolution(deps: Deps, release: Release, stats: ReleaseStats, unresolved: IngestReport['unresolved']) {
  await reportToOperator(deps, 'low-resolution', {
    source: release.source,
    file: release.url,
    reason: `${(stats.resolutionRate * 100).toFixed(1)}% of declined detainers resolved to a county (threshold ${(deps.config.minResolutionRate * 100).toFixed(0)}%)`,
    unresolved,
  });
}

/** The change record of a release that changed quarters; null when it changed none. */
function releaseChange(
  release: Release,
  changes: RankingChange[],
  unresolved: IngestReport['unresolved'],
  resolutionRate: number,
  now: Date,
): ReleaseChange | null {
  if (!changes.length) return null;
  return {
    id: `${release.source}#${release.sha256}`,
    source: release.source,
    release: release.sha256,
    url: release.url,
    archiveKey: release.archiveKey,
    ...(release.publishedAt ? { publishedAt: release.publishedAt } : {}),
    firstSeen: release.firstSeen,
    createdAt: now.toISOString(),
    quarters: orderQuarterChanges(changes),
    unresolved,
    resolutionRate,
  };
}

/**
 * Faults quarantine the release: its counts cannot be trusted (docs/data-formats.md, "Warnings").
 * They are logged and counted like warnings, and the quarantine tells the operator.
 */
function parserFaults(deps: Deps, release: Release, summary: ParseSummary): string | null {
  const faults = summary.faults ?? [];
  if (faults.length === 0) return null;
  deps.count?.('ParserFaults', faults.length);
  deps.log.warn('parser faults', { source: release.source, release: release.sha256, faults });
  return faults.join('; ');
}

/** Warnings of an ingested release: logged, counted, and sent to the operator in one report. */
async function reportParserWarnings(deps: Deps, release: Release, warnings: string[]): Promise<void> {
  if (warnings.length === 0) return;
  deps.count?.('ParserWarnings', warnings.length);
  deps.log.warn('parser warnings', { source: release.source, release: release.sha256, warnings });
  await reportToOperator(deps, 'warnings', {
    source: release.source,
    file: release.url,
    reason: `ingested with ${warnings.length} parser warning${warnings.length === 1 ? '' : 's'}`,
    warnings,
  });
}

/** An object can reach the archive without its record (a crash between the two): rebuild the record from the key. */
async function recordUnknownRelease(deps: Deps, archiveKey: string): Promise<Release> {
  const { source, sha256 } = parseReleaseKey(archiveKey);
  const config = deps.config.sources.find((s) => s.name === source);
  const release: Release = {
    source,
    sha256,
    url: deps.archive.locate(archiveKey),
    archiveKey,
    bytes: 0,
    format: config?.parser ?? 'ddp',
    firstSeen: deps.clock().toISOString(),
    status: 'archived',
  };
  await deps.releases.recordRelease(release);
  return (await deps.releases.getRelease(source, sha256)) ?? release;
}

async function quarantine<T extends object>(
  deps: Deps,
  release: Release,
  reason: string,
  report: T,
): Promise<T & { outcome: 'quarantined'; reason: string }> {
  await deps.releases.setReleaseStatus(release.source, release.sha256, 'quarantined', reason);
  deps.count?.('Quarantined');
  await reportToOperator(deps, 'quarantine', { source: release.source, file: release.url, reason });
  return { ...report, outcome: 'quarantined', reason };
}

async function driftFromPrevious(deps: Deps, release: Release, stats: ReleaseStats): Promise<string | null> {
  const earlier = (await deps.releases.listReleases(release.source))
    .filter((r) => r.status === 'ingested' && r.stats && r.sha256 !== release.sha256)
    .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen))
    .map((r) => r.stats!);
  return detectDrift(earlier, stats);
}

/**
 * For every quarter the release speaks for, compare with the stored version: an unchanged
 * quarter writes nothing, so writes are proportional to what changed, not to the jurisdictions.
 */
async function planQuarterWrites(deps: Deps, rankings: Ranking[]): Promise<{ writes: QuarterWrite[]; changes: RankingChange[] }> {
  const writes: QuarterWrite[] = [];
  const changes: RankingChange[] = [];
  const byQuarter = new Map(rankings.map((r) => [r.quarter, r]));
  for (const ranking of rankings) {
    const hash = hashRanking(ranking);
    const stored = await deps.rankings.getQuarter(ranking.source, ranking.quarter);
    if (stored?.hash === hash) continue;
    if (!stored && ranking.rows.length === 0) continue;
    let change: RankingChange | null;
    if (stored) {
      const history = await deps.rankings.quarterHistory(ranking.source, ranking.quarter);
      change = diffRanking({
        before: stored,
        after: ranking,
        afterHash: hash,
        baseline: 'stored-version',
        baselineQuarter: ranking.quarter,
        topN: deps.config.topN,
        history: history.map((h) => ({ version: h.version, hash: h.hash })),
      });
    } else {
      const prior = previousQuarter(ranking.quarter);
      const before = byQuarter.get(prior) ?? (await deps.rankings.getQuarter(ranking.source, prior));
      change = diffRanking({
        ...(before?.rows.length ? { before } : {}),
        after: ranking,
        afterHash: hash,
        baseline: before?.rows.length ? 'previous-quarter' : 'none',
        ...(before?.rows.length ? { baselineQuarter: prior } : {}),
        topN: deps.config.topN,
      });
    }
    writes.push({ ranking, hash, expectedVersion: stored?.version ?? null });
    if (change) changes.push(change);
  }
  return { writes, changes };
}

/** A complete quarter whose total falls sharply with no sign of a declared revision is held for a person. */
function heldForTotalDrop(deps: Deps, changes: RankingChange[]): string | null {
  for (const change of changes) {
    if (change.kind !== 'revision' || change.totalBefore === null || change.totalBefore === 0) continue;
    const fall = (change.totalBefore - change.totalAfter) / change.totalBefore;
    if (fall > deps.config.maxTotalDrop) {
      return `${formatQuarter(change.quarter)} total falls from ${change.totalBefore} to ${change.totalAfter} (${(fall * 100).toFixed(0)}%), more than the ${(deps.config.maxTotalDrop * 100).toFixed(0)}% allowed without a declared revision`;
    }
  }
  return null;
}

import type { StepEvent } from '../functions/commons/deps';
import type { BatchReport } from '../functions/deliver/deliver-batch';
import type { RankingChange } from '../functions/domain/change';
import { jurisdictionLabel } from '../functions/domain/jurisdiction';
import { formatQuarter } from '../functions/domain/quarter';
import type { IngestReport } from '../functions/ingest/ingest';
import type { PollReport } from '../functions/poll/poll';

/** What one tick of the local chain did, from the reports its handlers made. */
export interface ChainReport {
  polls: PollReport[];
  ingests: IngestReport[];
  deliveries: BatchReport[];
}

export function chainReport(events: StepEvent[]): ChainReport {
  const of = <T>(step: StepEvent['step']) => events.filter((e) => e.step === step).map((e) => e.report as T);
  return { polls: of<PollReport>('poll'), ingests: of<IngestReport>('ingest'), deliveries: of<BatchReport>('deliver') };
}

const KIND: Record<RankingChange['kind'], string> = {
  'new-quarter': 'new quarter',
  revision: 'revised',
  'partial-update': 'partial-quarter update',
};

export function describeQuarterChange(change: RankingChange): string {
  const parts: string[] = [];
  const leaders = change.after.rows.filter((row) => row.rank === 1);
  if (leaders.length === 1) parts.push(`#1 ${jurisdictionLabel(leaders[0].jurisdiction)} (${leaders[0].declined})`);
  else if (leaders.length > 1)
    parts.push(
      `#1 tied at ${leaders[0].declined}: ${leaders
        .slice(0, 5)
        .map((row) => jurisdictionLabel(row.jurisdiction))
        .join(', ')}${leaders.length > 5 ? ` and ${leaders.length - 5} more` : ''}`,
    );
  if (change.entered.length)
    parts.push(`entered top ${change.topN}: ${change.entered.map((m) => jurisdictionLabel(m.jurisdiction)).join(', ')}`);
  if (change.left.length) parts.push(`left top ${change.topN}: ${change.left.map((m) => jurisdictionLabel(m.jurisdiction)).join(', ')}`);
  const bigMoves = change.moved.filter((m) => m.from !== null && m.to !== null && m.to <= change.topN).slice(0, 3);
  if (bigMoves.length) parts.push(`moved: ${bigMoves.map((m) => `${jurisdictionLabel(m.jurisdiction)} #${m.from} → #${m.to}`).join(', ')}`);
  if (change.kind === 'revision') {
    const revised = change.deltas.filter((d) => d.before > 0 && d.after > 0).slice(0, 3);
    if (revised.length)
      parts.push(`revised: ${revised.map((d) => `${jurisdictionLabel(d.jurisdiction)} ${d.before} → ${d.after}`).join(', ')}`);
  }
  if (change.retracted.length)
    parts.push(`retracted: ${change.retracted.map((d) => `${jurisdictionLabel(d.jurisdiction)} (was ${d.before})`).join(', ')}`);
  if (change.revertsTo) parts.push(`back to the numbers of ${change.revertsTo}`);
  const label = `${formatQuarter(change.quarter)} ${KIND[change.kind]}${change.complete ? '' : ' (partial)'}, total ${change.totalBefore === null ? '' : `${change.totalBefore} → `}${change.totalAfter}`;
  return `    ${label}\n${parts.map((p) => `      ${p}`).join('\n')}`;
}

/** The sends of every delivery message handled in this tick, summed. */
function describeDeliveries(reports: BatchReport[], outboxDir: string, waiting = 0): string {
  const sum = (key: keyof Omit<BatchReport, 'changeId'>) => reports.reduce((n, r) => n + r[key], 0);
  const sent = sum('sent');
  const skipped = sum('skippedByFilters');
  const pending = sum('failed') + sum('ambiguous') + sum('inFlight');
  const parts = [`${sent} email${sent === 1 ? '' : 's'} sent${sent ? ` (outbox: ${outboxDir})` : ''}`];
  if (skipped) parts.push(`${skipped} subscriber${skipped === 1 ? '' : 's'} not matched by their filters`);
  if (sum('lostAcknowledgements')) parts.push(`${sum('lostAcknowledgements')} possibly delivered twice (lost acknowledgement)`);
  if (pending || waiting)
    parts.push(`${waiting || pending} delivery message${(waiting || pending) === 1 ? '' : 's'} to retry after the visibility timeout`);
  return `  emails: ${parts.join('; ')}`;
}

/** An ingest's report; with `deliveries`, the emails it caused too (a tick sums those once for all its releases). */
export function describeIngest(name: string, report: IngestReport, outboxDir: string, deliveries?: BatchReport[]): string {
  const lines = [`${name} (sha256 ${report.release.slice(0, 12)}…): ${report.outcome}`];
  lines.push(
    `  rows: ${report.rowsRead} read, ${report.rowsKept} declined detainers; ${(report.resolutionRate * 100).toFixed(1)}% resolved to counties`,
  );
  if (report.unresolved.length) {
    lines.push(
      `  unresolved facilities: ${report.unresolved
        .slice(0, 10)
        .map((u) => `${u.name}${u.state ? `, ${u.state}` : ''} (${u.declined})`)
        .join('; ')}${report.unresolved.length > 10 ? `; … ${report.unresolved.length - 10} more` : ''}`,
    );
  }
  if (report.change) {
    lines.push('  quarters:');
    for (const quarter of report.change.quarters) lines.push(describeQuarterChange(quarter));
  } else if (report.outcome === 'unchanged') {
    lines.push('  no quarter changed');
  }
  if (deliveries) lines.push(describeDeliveries(deliveries, outboxDir));
  return lines.join('\n');
}

/** `waiting`: delivery messages the queue holds back for a retry after this tick. */
export function describeChain(report: ChainReport, outboxDir: string, waiting = 0): string {
  const lines: string[] = [];
  for (const p of report.polls) {
    lines.push(
      `${p.source}: index ${p.index}; ${p.archived.length} new release${p.archived.length === 1 ? '' : 's'}, ${p.skipped} already known; ${p.bytesDownloaded} bytes downloaded in ${p.requests} request${p.requests === 1 ? '' : 's'}`,
    );
  }
  // An object announced again (a new home on an old bucket) finds its release ingested: nothing to tell.
  for (const ingest of report.ingests.filter((i) => i.outcome !== 'already-ingested')) {
    const name =
      report.polls
        .flatMap((p) => p.archived)
        .find((r) => r.sha256 === ingest.release)
        ?.url.split('/')
        .pop() ?? ingest.release.slice(0, 12);
    lines.push(describeIngest(name, ingest, outboxDir));
  }
  lines.push(describeDeliveries(report.deliveries, outboxDir, waiting));
  return lines.join('\n');
}

import type { SourceConfig } from '../functions/commons/config';
import type { Deps } from '../functions/commons/deps';
import { ingestRelease, type IngestReport } from '../functions/ingest/ingest';
import { notifyChange, type NotifyReport } from '../functions/notify/notify';
import { pollSource, type PollReport } from '../functions/poll/poll';

export interface CycleReport {
  poll?: PollReport;
  ingests: IngestReport[];
  notifies: NotifyReport[];
}

/**
 * Ingest every archived release not yet ingested, oldest first. In AWS the S3 event does this;
 * locally it also picks up a release left behind by a run that stopped after archiving.
 */
export async function ingestPending(deps: Deps, source?: string): Promise<IngestReport[]> {
  const pending = (await deps.releases.listReleases(source))
    .filter((r) => r.status === 'archived')
    .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.sha256.localeCompare(b.sha256));
  const reports: IngestReport[] = [];
  for (const release of pending) reports.push(await ingestRelease(deps, release.archiveKey));
  return reports;
}

/** Notify every change whose notification has not finished (the table stream does this in AWS). */
export async function notifyPending(deps: Deps): Promise<NotifyReport[]> {
  const reports: NotifyReport[] = [];
  for (const change of await deps.rankings.listPendingChanges()) reports.push(await notifyChange(deps, change.id));
  return reports;
}

/** One poll → ingest → notify cycle of one source, the local stand-in for the scheduled flow. */
export async function runCycle(deps: Deps, source: SourceConfig): Promise<CycleReport> {
  const poll = await pollSource(deps, source);
  const ingests = await ingestPending(deps, source.name);
  const notifies = await notifyPending(deps);
  return { poll, ingests, notifies };
}

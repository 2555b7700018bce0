import type { Deps } from '../commons/deps';
import type { ReleaseChange } from '../domain/change';

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
}

/** Parse, rank, diff and commit one archived release, identified by its archive key `raw/<source>/<sha256>.<ext>`. */
export async function ingestRelease(deps: Deps, archiveKey: string): Promise<IngestReport> {
  void deps;
  void archiveKey;
  throw new Error('ingestRelease: implemented by the lead in the next commit');
}

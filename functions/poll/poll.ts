import type { Deps } from '../commons/deps';
import type { SourceConfig } from '../commons/config';
import type { Release } from '../domain/release';

export interface PollReport {
  source: string;
  /** 'unchanged' when the index answered 304. */
  index: 'unchanged' | 'changed';
  /** Releases archived for the first time in this poll. */
  archived: Release[];
  /** Links whose bytes were already known (same SHA-256) or answered 304. */
  skipped: number;
  bytesDownloaded: number;
  requests: number;
}

export async function pollSource(deps: Deps, source: SourceConfig): Promise<PollReport> {
  void deps;
  void source;
  throw new Error('pollSource: implemented by the lead in the next commit');
}

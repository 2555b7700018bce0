import type { Context } from 'aws-lambda';
import { s3ArchiveLoader } from '../archive/s3-archive-loader';
import type { Deps } from '../commons/deps';
import { METRIC } from '../commons/powertools';
import { lambdaEntry } from '../composition/lambda-root';
import { type PollReport, pollSource } from './poll';

/** What EventBridge Scheduler delivers (the target's input); `sources` narrows the poll to some (local `run --source`). */
export interface PollEvent {
  sources?: string[];
}

/**
 * Scheduled: poll every configured source. One failing source does not stop the others; the run
 * then fails so Lambda retries it and the missed-poll alarm sees no `PollSucceeded`.
 */
export function createPollHandler(deps: Deps) {
  return async (event: PollEvent | undefined, _context: Context): Promise<PollReport[]> => {
    const reports: PollReport[] = [];
    const failed: string[] = [];
    const wanted = event?.sources;
    for (const source of deps.config.sources.filter((s) => !wanted || wanted.includes(s.name))) {
      try {
        const report = await pollSource(deps, source);
        deps.report?.({ step: 'poll', report });
        reports.push(report);
      } catch (error) {
        failed.push(source.name);
        deps.log.error('poll failed', { source: source.name, error: String(error) });
      }
    }
    if (failed.length > 0) throw new Error(`poll failed for ${failed.join(', ')}`);
    deps.count?.(METRIC.pollSucceeded, 1);
    return reports;
  };
}

export const handler = lambdaEntry(createPollHandler, { archive: s3ArchiveLoader });

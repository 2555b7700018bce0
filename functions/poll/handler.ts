import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { awsDeps } from '../commons/aws-deps';
import { lazyS3Archive } from '../archive/lazy-s3-archive';
import { lazySesMailer } from '../notify/lazy-ses-mailer';
import { count, instrumented, logger, METRIC, metrics } from '../commons/powertools';
import { pollSource, type PollReport } from './poll';

const deps = { ...awsDeps({ archive: lazyS3Archive, mailer: lazySesMailer }), count };

/**
 * Scheduled: poll every configured source. One failing source does not stop the others; the run
 * then fails so Lambda retries it and the missed-poll alarm sees no `PollSucceeded`.
 */
export const handler = instrumented(async (): Promise<PollReport[]> => {
  const reports: PollReport[] = [];
  const failed: string[] = [];
  for (const source of deps.config.sources) {
    try {
      reports.push(await pollSource(deps, source));
    } catch (error) {
      failed.push(source.name);
      logger.error('poll failed', { source: source.name, error: error as Error });
    }
  }
  if (failed.length > 0) throw new Error(`poll failed for ${failed.join(', ')}`);
  metrics.addMetric(METRIC.pollSucceeded, MetricUnit.Count, 1);
  return reports;
});

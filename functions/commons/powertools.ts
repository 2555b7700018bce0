import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/** Service name of every log line and the dimension of every metric; the stack's alarms use the same. */
export const SERVICE_NAME = 'detainer-watch';

/**
 * Metric names the use cases count (`deps.count`) and the stack's alarms watch: one list so the two
 * cannot drift. `Quarantined` and `PollSucceeded` carry alarms.
 */
export const METRIC = {
  pollSucceeded: 'PollSucceeded',
  releasesFound: 'ReleasesFound',
  rowsParsed: 'RowsParsed',
  quarantined: 'Quarantined',
  emailsSent: 'EmailsSent',
  /** Sends that may have reached a subscriber twice: an attempt's acknowledgement was lost and the send was retried. */
  lostAcknowledgements: 'LostAcknowledgements',
  operatorReports: 'OperatorReports',
  addressesSuppressed: 'AddressesSuppressed',
} as const;

/** Structured JSON logs; handlers append release and change ids, never email addresses. */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** Embedded-metric-format metrics written to the log: no `cloudwatch:PutMetricData` call, no IAM grant. */
const metrics = new Metrics({ serviceName: SERVICE_NAME });

/** `Deps.count` in Lambda: adds to a count metric, published when the handler flushes. */
export function count(metric: string, value = 1): void {
  metrics.addMetric(metric, MetricUnit.Count, value);
}

/**
 * Wraps a handler: Lambda context on every log line, metrics flushed after each invocation (also
 * when it throws), per-invocation log keys cleared so one release's id never leaks into the next.
 */
export function instrumented<E, R>(handler: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.addContext(context);
    try {
      return await handler(event, context);
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { METRIC, SERVICE_NAME } from '../functions/commons/powertools';

/**
 * Builds the metrics the alarms watch, kept apart from the alarms themselves (as
 * cdk-monitoring-constructs does): the custom ones match what the handlers publish through
 * Powertools (namespace per stage, dimension `service`).
 */
export class DetainerMetrics {
  constructor(private readonly namespace: string) {}

  /** Releases quarantined by ingest (Powertools `Quarantined`). */
  quarantined(period = Duration.minutes(5)): cloudwatch.Metric {
    return this.custom(METRIC.quarantined, period);
  }

  /** Poll runs that finished every source (Powertools `PollSucceeded`). */
  pollSucceeded(period: Duration): cloudwatch.Metric {
    return this.custom(METRIC.pollSucceeded, period);
  }

  functionErrors(fn: lambda.IFunction, period = Duration.minutes(5)): cloudwatch.Metric {
    return fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM });
  }

  /** Messages waiting in a queue; for a dead-letter queue any one is a failure to look at. */
  visibleMessages(queue: sqs.IQueue, period = Duration.minutes(5)): cloudwatch.Metric {
    return queue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM });
  }

  private custom(metricName: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }
}

import { Duration, Size } from 'aws-cdk-lib';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { INGEST_TIMEOUT_SECONDS, RELEASE_QUEUE } from '../functions/composition/event-sources';
import { DetainerFunction, type DetainerFunctionProps } from './detainer-function';
import type { Mail } from './mail';
import { acknowledge } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RankingStore } from './ranking-store';
import type { ReleaseArchive } from './release-archive';

export const INGEST_TIMEOUT = Duration.seconds(INGEST_TIMEOUT_SECONDS);

export interface IngestProps {
  store: RankingStore;
  archive: ReleaseArchive;
  mail: Mail;
  alerts: OperatorAlerts;
  functionDefaults: Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'>;
}

/**
 * One release at a time from the archive's queue: parse, resolve, rank, diff, commit atomically or
 * quarantine. A failure returns the message to the queue; after three receives it is parked.
 */
export class Ingest extends Construct {
  readonly fn: DetainerFunction;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    this.fn = new DetainerFunction(this, 'Function', {
      ...props.functionDefaults,
      step: 'ingest',
      description: 'Parses an archived release into per-quarter rankings and commits what changed',
      // The streaming reader stays near 200 MB for a 316,000-row release; 1 GB buys CPU and headroom.
      memorySize: 1024,
      timeout: INGEST_TIMEOUT,
      ephemeralStorage: Size.mebibytes(1024),
      // Its bundle ships the resolver's data and pdf.js beside the code (lib/lambda-bundle.ts).
    });
    const releases = new lambdaEventSources.SqsEventSource(props.archive.releaseQueue, {
      batchSize: RELEASE_QUEUE.batchSize,
      reportBatchItemFailures: true,
    });
    this.fn.addEventSource(releases);
    acknowledge(
      this.fn,
      'Serverless-LambdaEventSourceMappingDestination',
      "SQS event sources take no on-failure destination; the release queue's redrive policy (3 receives) parks failures in its dead-letter queue.",
    );
    props.archive.bindTo(this.fn, 'read');
    props.store.bindTo(this.fn, 'readWrite');
    // Quarantines and held releases are reported to the operator by email (mail/operator-report.ts).
    props.mail.grantSendTo(this.fn);
    acknowledge(
      this.fn,
      'Serverless-LambdaDLQ',
      "Invoked by an SQS event source: failed messages go to the release queue's own dead-letter queue, not to a function DLQ.",
    );

    props.alerts.whenFunctionFails(this, this.fn, 'ingest');
    props.alerts.whenDeadLettersArrive(
      this,
      props.archive.releaseDeadLetters,
      'DeadLettersAlarm',
      'ingest-dead-letters',
      'Ingesting an archived release',
    );
    props.alerts.alarm(this, 'QuarantineAlarm', 'release-quarantined', {
      metric: props.alerts.metrics.quarantined(),
      threshold: 1,
      alarmDescription:
        'A release was quarantined (unreadable, failed its sanity checks or drifted from the previous one): nothing was written and no subscriber was mailed. The operator email says why; the raw bytes stay in the archive.',
    });
  }
}

import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENVIRONMENT } from '../functions/commons/environment';
import { CHANGE_STREAM, deliveryQueueSettings } from '../functions/composition/event-sources';
import { CHANGE_ITEM } from '../functions/store/table-schema';
import { DetainerFunction, type DetainerFunctionProps } from './detainer-function';
import type { Mail } from './mail';
import { acknowledge, acknowledgeDeadLetterQueue } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RankingStore } from './ranking-store';
import { SECURE_QUEUE } from './secure-defaults';
import type { Subscription } from './subscription';

export interface NotifyProps {
  store: RankingStore;
  mail: Mail;
  subscription: Subscription;
  alerts: OperatorAlerts;
  /** SES account send rate, shared by every concurrent delivery. */
  sendRatePerSecond: number;
  deliveryBatchSize: number;
  deliveryConcurrency: number;
  /** The deliver timeout; the send lease and the queue's visibility timeout derive from it. */
  deliverTimeoutSeconds: number;
  functionDefaults: Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'>;
}

/**
 * The event source of every consumer of change records on the table's stream (local mode mirrors
 * it in `local/composition.ts`): a new consumer, such as the site, is one `addEventSource` line.
 */
function changeStream(store: RankingStore, deadLetters: sqs.IQueue): lambdaEventSources.DynamoEventSource {
  return new lambdaEventSources.DynamoEventSource(store.table, {
    startingPosition: lambda.StartingPosition.LATEST,
    batchSize: CHANGE_STREAM.batchSize,
    bisectBatchOnError: CHANGE_STREAM.bisectBatchOnError,
    retryAttempts: CHANGE_STREAM.retryAttempts,
    maxRecordAge: Duration.seconds(CHANGE_STREAM.maxRecordAgeSeconds),
    reportBatchItemFailures: true,
    onFailure: new lambdaEventSources.SqsDlq(deadLetters),
    filters: [
      lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.isEqual('INSERT'),
        dynamodb: { NewImage: { sk: { S: lambda.FilterRule.isEqual(CHANGE_ITEM.sk) } } },
      }),
    ],
  });
}

/**
 * Fan-out in two steps so no Lambda runs anywhere near its 15-minute limit, whatever the number of
 * subscribers: `notify` (on the stream's change insert) only plans batches of subscribers and puts
 * one message per batch on the delivery queue; `deliver` sends one batch per invocation, each send
 * claimed in the send log first, so a redelivered batch skips what was sent.
 *
 * The SES rate is respected by capping the queue's event source at `deliveryConcurrency` concurrent
 * invocations, each sending at `sendRatePerSecond / deliveryConcurrency`. (The event source's
 * maximum concurrency rather than reserved concurrency: reserving would fail on new accounts whose
 * concurrency limit is 10, and would take capacity from the rest of the account.)
 */
export class Notify extends Construct {
  readonly planner: DetainerFunction;
  readonly deliverer: DetainerFunction;
  readonly deliveryQueue: sqs.Queue;
  readonly deliveryDeadLetters: sqs.Queue;
  readonly streamDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: NotifyProps) {
    super(scope, id);
    this.streamDeadLetters = new sqs.Queue(this, 'StreamDeadLetters', { ...SECURE_QUEUE, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.streamDeadLetters, 'failure destination');
    this.deliveryDeadLetters = new sqs.Queue(this, 'DeliveryDeadLetters', { ...SECURE_QUEUE, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.deliveryDeadLetters, 'queue redrive');
    // Synth fails here unless deliver timeout < send lease < visibility timeout (a redelivered
    // message must find the dead attempt's claims expired, and a live attempt's claims kept).
    const delivery = deliveryQueueSettings(props.deliverTimeoutSeconds);
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      ...SECURE_QUEUE,
      visibilityTimeout: Duration.seconds(delivery.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deliveryDeadLetters, maxReceiveCount: delivery.maxReceiveCount },
    });

    this.planner = this.plannerFunction(props);
    this.deliverer = this.delivererFunction(props, delivery);
    this.alarms(props);
  }

  /** `notify`: on a change record in the stream, plans the batches of subscribers onto the delivery queue. */
  private plannerFunction(props: NotifyProps): DetainerFunction {
    const planner = new DetainerFunction(this, 'Function', {
      ...props.functionDefaults,
      step: 'notify',
      description: 'Plans the delivery of a new change record: one queue message per batch of subscribers',
      memorySize: 512,
      timeout: Duration.minutes(2),
    });
    planner.addEnvironment(ENVIRONMENT.deliveryQueueUrl, this.deliveryQueue.queueUrl);
    this.deliveryQueue.grantSendMessages(planner);
    // Reads the change and the subscribers; writes only to mark a change with nobody to tell as notified.
    props.store.bindTo(planner, 'readWrite');
    planner.addEventSource(changeStream(props.store, this.streamDeadLetters));
    acknowledge(
      planner,
      'Serverless-LambdaDLQ',
      "Invoked by the DynamoDB stream: records that keep failing go to the event source's on-failure queue, not a function DLQ.",
    );
    return planner;
  }

  /** `deliver`: one batch of the delivery queue per invocation, at most `deliveryConcurrency` at once. */
  private delivererFunction(props: NotifyProps, delivery: ReturnType<typeof deliveryQueueSettings>): DetainerFunction {
    const concurrency = props.deliveryConcurrency;
    const deliverer = new DetainerFunction(this, 'DeliverFunction', {
      ...props.functionDefaults,
      environment: {
        ...props.functionDefaults.environment,
        [ENVIRONMENT.sendRatePerSecond]: String(Math.max(1, Math.floor(props.sendRatePerSecond / concurrency))),
      },
      step: 'deliver',
      description: "Sends one batch of a change's alert, each subscriber exactly once",
      memorySize: 512,
      timeout: Duration.seconds(delivery.functionTimeoutSeconds),
    });
    deliverer.addEventSource(
      new lambdaEventSources.SqsEventSource(this.deliveryQueue, {
        batchSize: delivery.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: concurrency,
      }),
    );
    acknowledge(
      deliverer,
      'Serverless-LambdaEventSourceMappingDestination',
      "SQS event sources take no on-failure destination; the delivery queue's redrive policy (5 receives) parks failures in its dead-letter queue.",
    );
    props.store.bindTo(deliverer, 'readWrite');
    props.mail.grantSendTo(deliverer);
    props.subscription.grantTokenSecret(deliverer);
    acknowledge(
      deliverer,
      'Serverless-LambdaDLQ',
      "Invoked by an SQS event source: failed batches go to the delivery queue's own dead-letter queue.",
    );
    return deliverer;
  }

  /** Both functions' errors, and anything reaching either dead-letter queue. */
  private alarms(props: NotifyProps): void {
    props.alerts.whenFunctionFails(this, this.planner, 'notify');
    props.alerts.whenFunctionFails(new Construct(this, 'Deliver'), this.deliverer, 'deliver');
    props.alerts.whenDeadLettersArrive(
      this,
      this.streamDeadLetters,
      'StreamDeadLettersAlarm',
      'notify-dead-letters',
      'Planning the alert of a change record',
    );
    props.alerts.whenDeadLettersArrive(
      this,
      this.deliveryDeadLetters,
      'DeliveryDeadLettersAlarm',
      'deliver-dead-letters',
      'Delivering a batch of alerts',
    );
  }
}

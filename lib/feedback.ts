import { Duration } from 'aws-cdk-lib';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DetainerFunction, type DetainerFunctionProps } from './detainer-function';
import type { Mail } from './mail';
import { acknowledge, acknowledgeDeadLetterQueue } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RankingStore } from './ranking-store';
import { SECURE_QUEUE } from './secure-defaults';

export interface FeedbackProps {
  mail: Mail;
  store: RankingStore;
  alerts: OperatorAlerts;
  functionDefaults: Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'>;
}

/**
 * SES bounces and complaints (through the configuration set's SNS topic) suppress the address.
 * Whether SNS cannot deliver or the function keeps failing, the notification ends in one
 * dead-letter queue, so no complaint is silently dropped.
 */
export class Feedback extends Construct {
  readonly fn: DetainerFunction;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: FeedbackProps) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', { ...SECURE_QUEUE, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.deadLetters, 'failure destination');
    this.fn = new DetainerFunction(this, 'Function', {
      ...props.functionDefaults,
      step: 'feedback',
      description: 'Suppresses addresses that bounced or complained',
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    this.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new lambdaDestinations.SqsDestination(this.deadLetters),
    });
    acknowledge(
      this.fn,
      'Serverless-LambdaDLQ',
      'Asynchronous failures go to an on-failure destination (this same queue, with the error and the request); a DeadLetterConfig too would park each failure twice.',
    );
    props.mail.feedbackTopic.addSubscription(new subscriptions.LambdaSubscription(this.fn, { deadLetterQueue: this.deadLetters }));
    props.store.bindTo(this.fn, 'readWrite');

    props.alerts.whenFunctionFails(this, this.fn, 'feedback');
    props.alerts.whenDeadLettersArrive(
      this,
      this.deadLetters,
      'DeadLettersAlarm',
      'feedback-dead-letters',
      'Suppressing a bounced or complaining address',
    );
  }
}

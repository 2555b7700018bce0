import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DetainerMetrics } from './detainer-metrics';
import { acknowledge } from './nag';

export interface OperatorAlertsProps {
  operatorEmail: string;
  metricsNamespace: string;
  /** Prefix of alarm names (`detainer-watch-<stage>`), so the operator's email says which deployment. */
  alarmPrefix: string;
  /** Customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed SNS key. */
  topicKey: kms.IKey;
}

/**
 * The operator's SNS topic (email subscription) and the alarm builders every part uses, so each
 * part owns its alarms while they all look alike and reach the same person.
 */
export class OperatorAlerts extends Construct {
  readonly topic: sns.Topic;
  readonly metrics: DetainerMetrics;
  private readonly alarmPrefix: string;

  constructor(scope: Construct, id: string, props: OperatorAlertsProps) {
    super(scope, id);
    this.metrics = new DetainerMetrics(props.metricsNamespace);
    this.alarmPrefix = props.alarmPrefix;
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'detainer-watch operator alerts',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.operatorEmail));
    acknowledge(
      this.topic,
      'Serverless-SNSRedrivePolicy',
      "The only subscription is the operator's email; an undeliverable alert email has no one else to go to, and every alarm state stays visible in CloudWatch.",
    );
  }

  /** Any error of the function within five minutes. */
  whenFunctionFails(scope: Construct, fn: lambda.IFunction, step: string): cloudwatch.Alarm {
    return this.alarm(scope, 'ErrorsAlarm', `${step}-errors`, {
      metric: this.metrics.functionErrors(fn),
      threshold: 1,
      alarmDescription: `The ${step} function failed: see its log group. Retries follow; a message in a dead-letter queue means they were exhausted.`,
    });
  }

  /** Any message parked in a dead-letter queue. */
  whenDeadLettersArrive(scope: Construct, queue: sqs.IQueue, id: string, name: string, what: string): cloudwatch.Alarm {
    return this.alarm(scope, id, name, {
      metric: this.metrics.visibleMessages(queue),
      threshold: 1,
      alarmDescription: `${what} failed after every retry and waits in a dead-letter queue for the operator (redrive it once the cause is fixed).`,
    });
  }

  alarm(
    scope: Construct,
    id: string,
    name: string,
    props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods' | 'comparisonOperator'> &
      Partial<Pick<cloudwatch.AlarmProps, 'evaluationPeriods' | 'comparisonOperator'>>,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName: `${this.alarmPrefix}-${name}`,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    return alarm;
  }
}

import { Duration, Size, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DetainerFunction, type DetainerFunctionProps } from './detainer-function';
import type { Mail } from './mail';
import { acknowledge, acknowledgeDeadLetterQueue, logicalIdOf } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RankingStore } from './ranking-store';
import type { ReleaseArchive } from './release-archive';
import { SECURE_QUEUE } from './secure-defaults';

export interface PollProps {
  schedule: string;
  timeZone: string;
  /** Minutes between two scheduled polls. */
  periodMinutes: number;
  store: RankingStore;
  archive: ReleaseArchive;
  mail: Mail;
  alerts: OperatorAlerts;
  functionDefaults: Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'>;
}

/**
 * EventBridge Scheduler runs poll on the configured cron in the configured time zone. A failed
 * invocation is retried (by the scheduler when it cannot invoke, by Lambda when the function
 * fails), then parked in a dead-letter queue; an alarm fires when no poll succeeded for two periods.
 */
export class Poll extends Construct {
  readonly fn: DetainerFunction;
  readonly deadLetters: sqs.Queue;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: PollProps) {
    super(scope, id);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', { ...SECURE_QUEUE, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.deadLetters, 'failure destination');

    this.fn = new DetainerFunction(this, 'Function', {
      ...props.functionDefaults,
      step: 'poll',
      description: 'Conditional GET of each source index; downloads and archives new release bytes',
      // Downloads stream to /tmp and S3; memory mostly buys network and CPU for hashing.
      memorySize: 1024,
      // A release (up to the 300 MB download cap) is written to /tmp before it goes to S3.
      ephemeralStorage: Size.mebibytes(1024),
      timeout: Duration.minutes(10),
    });
    this.fn.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.hours(1),
      onFailure: new lambdaDestinations.SqsDestination(this.deadLetters),
    });
    acknowledge(
      this.fn,
      'Serverless-LambdaDLQ',
      'Asynchronous failures go to an on-failure destination (this same queue, with the error and the request); a DeadLetterConfig too would park each failure twice.',
    );
    props.store.bindTo(this.fn, 'readWrite');
    props.archive.bindTo(this.fn, 'write');
    // Failing sources are reported to the operator by email (mail/operator-report.ts).
    props.mail.grantSendTo(this.fn);

    const scheduleRole = new iam.Role(this, 'ScheduleRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    acknowledge(
      scheduleRole,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.fn)}.Arn>:*]`,
      'The Scheduler target grant also covers versions of this one function (`:*`); it can invoke nothing else.',
    );
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Poll the declined-detainer sources',
      schedule: scheduler.ScheduleExpression.expression(props.schedule, TimeZone.of(props.timeZone)),
      target: new targets.LambdaInvoke(this.fn, {
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetters,
        role: scheduleRole,
      }),
    });

    props.alerts.whenFunctionFails(this, this.fn, 'poll');
    props.alerts.whenDeadLettersArrive(this, this.deadLetters, 'DeadLettersAlarm', 'poll-dead-letters', 'A scheduled poll');
    const period = Duration.minutes(Math.min(props.periodMinutes, 1440));
    props.alerts.alarm(this, 'MissedPollsAlarm', 'missed-polls', {
      metric: props.alerts.metrics.pollSucceeded(period),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      // No data at all means poll did not run or never finished: that is the failure this alarm is for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription:
        'No poll succeeded for two schedule periods: the schedule, the function or a source is broken. New releases are not being seen.',
    });
  }
}

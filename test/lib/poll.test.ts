import { beforeAll, describe, expect, it } from 'vitest';
import { logicalId, type Resource, resourcesOf, synthesize } from './synthesize';

describe('Poll', () => {
  let built: ReturnType<typeof synthesize>;
  let schedule: Resource;

  beforeAll(() => {
    built = synthesize({ schedule: 'cron(15 */2 * * ? *)', timeZone: 'America/Chicago' });
    [schedule] = Object.values(resourcesOf(built.template, 'AWS::Scheduler::Schedule'));
  });

  it('schedules poll with the configured cron expression and time zone', () => {
    // Assess
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(15 */2 * * ? *)',
      ScheduleExpressionTimezone: 'America/Chicago',
      State: 'ENABLED',
    });
    expect(schedule.Properties.Target.Arn['Fn::GetAtt'][0]).toBe(logicalId(built.stack, built.stack.poll.fn));
  });

  it('bounds the scheduler retries and parks failed invocations in the dead-letter queue', () => {
    // Assess
    expect(schedule.Properties.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    expect(schedule.Properties.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toBe(logicalId(built.stack, built.stack.poll.deadLetters));
  });

  it('sends asynchronous function failures to the same dead-letter queue after one retry', () => {
    // Assess
    built.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(built.stack, built.stack.poll.fn) },
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.poll.deadLetters), 'Arn'] } } },
    });
  });

  it('raises the missed-poll alarm when no poll succeeded for two schedule periods, missing data included', () => {
    // Assess
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PollSucceeded',
      Namespace: 'DetainerWatch/dev',
      Dimensions: [{ Name: 'service', Value: 'detainer-watch' }],
      Period: 7200,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});

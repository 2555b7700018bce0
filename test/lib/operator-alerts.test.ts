import { beforeAll, describe, expect, it } from 'vitest';
import { logicalId, type Resource, resourcesOf, synthesize } from './synthesize';

describe('OperatorAlerts', () => {
  let built: ReturnType<typeof synthesize>;
  let alarms: Resource[];

  beforeAll(() => {
    built = synthesize();
    alarms = Object.values(resourcesOf(built.template, 'AWS::CloudWatch::Alarm'));
  });

  it('mails the operator through an SNS topic', () => {
    // Assess
    built.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@news.example.org',
      TopicArn: { Ref: logicalId(built.stack, built.stack.alerts.topic) },
    });
  });

  it('sends every alarm, and its recovery, to the operator topic', () => {
    // Assess
    const topic = { Ref: logicalId(built.stack, built.stack.alerts.topic) };
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
      expect(alarm.Properties.AlarmDescription).toBeTruthy();
    }
  });

  it('alarms on any error of each of the seven functions', () => {
    // Assess
    const watched = alarms
      .filter((alarm) => alarm.Properties.MetricName === 'Errors')
      .map((alarm) => alarm.Properties.Dimensions[0].Value.Ref);
    const { poll, ingest, notify, subscription, feedback, site } = built.stack;
    expect(watched.sort()).toEqual(
      [poll.fn, ingest.fn, notify.planner, notify.deliverer, subscription.fn, feedback.fn, site.fn]
        .map((fn) => logicalId(built.stack, fn))
        .sort(),
    );
    for (const alarm of alarms.filter((a) => a.Properties.MetricName === 'Errors'))
      expect(alarm.Properties).toMatchObject({ Threshold: 1, Statistic: 'Sum', ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarms on the first message in each dead-letter queue', () => {
    // Assess
    const watched = alarms
      .filter((alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((alarm) => alarm.Properties.Dimensions[0].Value['Fn::GetAtt'][0]);
    const { poll, archive, notify, feedback, site } = built.stack;
    expect(watched.sort()).toEqual(
      [
        poll.deadLetters,
        archive.releaseDeadLetters,
        notify.streamDeadLetters,
        notify.deliveryDeadLetters,
        feedback.deadLetters,
        site.streamDeadLetters,
      ]
        .map((queue) => logicalId(built.stack, queue))
        .sort(),
    );
    for (const alarm of alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible'))
      expect(alarm.Properties).toMatchObject({ Threshold: 1, Statistic: 'Maximum' });
  });

  it('names every alarm after the stage, so the operator sees which deployment it is', () => {
    // Assess
    expect(alarms.map((alarm) => alarm.Properties.AlarmName).sort()).toEqual(
      ['poll', 'ingest', 'notify', 'deliver', 'subscription', 'feedback', 'site']
        .map((step) => `detainer-watch-dev-${step}-errors`)
        .concat(
          ['poll', 'ingest', 'notify', 'deliver', 'feedback', 'site'].map((step) => `detainer-watch-dev-${step}-dead-letters`),
          [
            'detainer-watch-dev-release-quarantined',
            'detainer-watch-dev-missed-polls',
            'detainer-watch-dev-site-publish-failed',
            'detainer-watch-dev-subscription-throttled',
            'detainer-watch-dev-subscription-rejected',
          ],
        )
        .sort(),
    );
  });

  it("has no other alarms than errors, dead letters, quarantine, missed polls, failed site rebuilds and the subscription endpoint's flood alarms", () => {
    // Assess
    expect(new Set(alarms.map((alarm) => alarm.Properties.MetricName))).toEqual(
      new Set([
        'Errors',
        'ApproximateNumberOfMessagesVisible',
        'Quarantined',
        'PollSucceeded',
        'SitePublishFailed',
        'Throttles',
        'SubscriptionRequestsRejected',
      ]),
    );
    expect(alarms).toHaveLength(7 + 6 + 3 + 2);
  });
});

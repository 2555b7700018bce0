import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../functions/commons/environment';
import { SUBSCRIPTION_METRIC } from '../../functions/subscription/request-guard';
import { REJECTED_REQUESTS_ALARM_THRESHOLD, SUBSCRIPTION_CONCURRENCY } from '../../lib/subscription';
import { actionsOf, logicalId, resourcesOf, statementsOf, synthesize } from './synthesize';

describe('Subscription', () => {
  let built: ReturnType<typeof synthesize>;

  beforeAll(() => {
    built = synthesize();
  });

  it('serves a public Function URL and outputs it', () => {
    // Assess
    built.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.subscription.fn), 'Arn'] },
    });
    expect(Object.keys(built.template.findOutputs('*'))).toEqual(expect.arrayContaining(['SubscriptionUrl', 'SubscriptionFunctionName']));
  });

  it('generates the HMAC key in Secrets Manager and lets only subscription and deliver read it', () => {
    // Assess
    built.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
    const secretId = logicalId(built.stack, built.stack.subscription.tokenSecret);
    const readers = Object.entries(resourcesOf(built.template, 'AWS::IAM::Policy'))
      .filter(([, policy]) => JSON.stringify(policy.Properties.PolicyDocument).includes(`{"Ref":"${secretId}"}`))
      .map(([id]) => id);
    expect(readers).toHaveLength(2);
    expect(readers.join()).toMatch(/Subscription/);
    expect(readers.join()).toMatch(/NotifyDeliver/);
  });

  it('finds its own URL through an SSM parameter instead of its environment', () => {
    // Assess
    const fn = resourcesOf(built.template, 'AWS::Lambda::Function')[logicalId(built.stack, built.stack.subscription.fn)];
    expect(fn.Properties.Environment.Variables).toMatchObject({
      SUBSCRIPTION_URL_PARAMETER: '/detainer-watch/dev/subscription-url',
      [ENVIRONMENT.subscriptionUrl]: '',
    });
    built.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/detainer-watch/dev/subscription-url',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SubscriptionFunctionFunctionUrl'), 'FunctionUrl'] },
    });
    expect(actionsOf(statementsOf(built.template, built.stack, built.stack.subscription.fn))).toContain('ssm:GetParameter');
  });

  it('hands the URL to the functions that write links', () => {
    // Assess
    const fn = resourcesOf(built.template, 'AWS::Lambda::Function')[logicalId(built.stack, built.stack.notify.deliverer)];
    expect(fn.Properties.Environment.Variables[ENVIRONMENT.subscriptionUrl]).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^SubscriptionFunctionFunctionUrl/), 'FunctionUrl'],
    });
  });

  it('caps concurrency so a flood is throttled, and alarms on throttles and on many refused requests', () => {
    // Assess
    const fn = resourcesOf(built.template, 'AWS::Lambda::Function')[logicalId(built.stack, built.stack.subscription.fn)];
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(SUBSCRIPTION_CONCURRENCY);
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'detainer-watch-dev-subscription-throttled',
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
    });
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'detainer-watch-dev-subscription-rejected',
      MetricName: SUBSCRIPTION_METRIC.rejected,
      Namespace: 'DetainerWatch/dev',
      Dimensions: [{ Name: 'service', Value: 'detainer-watch' }],
      Threshold: REJECTED_REQUESTS_ALARM_THRESHOLD,
      AlarmActions: Match.anyValue(),
    });
  });
});

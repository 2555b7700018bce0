import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DetainerWatchStack } from '../../lib/detainer-watch-stack';
import { testApp, testConfig } from './synthesize';

/** Properties that fix a physical name in CloudFormation; two stages must not share one. */
const NAME_PROPERTIES = [
  'AlarmName',
  'Name',
  'TableName',
  'BucketName',
  'QueueName',
  'TopicName',
  'FunctionName',
  'RoleName',
  'LogGroupName',
  'ScheduleName',
  'ConfigurationSetName',
];

describe('DetainerWatchStack', () => {
  it('deploys two stages side by side in one account without a name clash', () => {
    // Prepare
    const app = testApp();
    const stacks = ['dev', 'staging'].map(
      (stage) => new DetainerWatchStack(app, `DetainerWatch-${stage}`, { config: testConfig({ stage }) }),
    );

    // Act
    const names = stacks.map((stack) => {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<
        string,
        { Type: string; Properties?: Record<string, unknown> }
      >;
      return Object.values(resources).flatMap((resource) =>
        NAME_PROPERTIES.map((key) => resource.Properties?.[key]).filter((name): name is string => typeof name === 'string'),
      );
    });

    // Assess
    expect(names[0].length).toBeGreaterThan(10);
    expect(names[0].filter((name) => names[1].includes(name))).toEqual([]);
    expect(new Set(stacks.map((stack) => stack.stackName)).size).toBe(2);
  });

  it('stays environment-agnostic, so synth needs no credentials or lookups', () => {
    // Act
    const stack = new DetainerWatchStack(testApp(), 'DetainerWatch-dev', { config: testConfig() });

    // Assess
    expect(Token.isUnresolved(stack.account) && Token.isUnresolved(stack.region)).toBe(true);
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });
});

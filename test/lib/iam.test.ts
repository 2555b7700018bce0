import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, logicalId, resourcesOf, statementsOf, synthesize } from './synthesize';

/** The only actions AWS lets no resource be named for, and where they come from. */
const RESOURCE_STAR_ALLOWED = new Set([
  'dynamodb:ListStreams', // the stream event sources (notify, site)
]);

describe('least privilege', () => {
  let built: ReturnType<typeof synthesize>;

  beforeAll(() => {
    built = synthesize();
  });

  function allStatements(): { Action: string | string[]; Resource: unknown; Effect: string }[] {
    const inline = Object.values(resourcesOf(built.template, 'AWS::IAM::Role')).flatMap((role) =>
      (role.Properties.Policies ?? []).flatMap((policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement),
    );
    const attached = Object.values(resourcesOf(built.template, 'AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    return [...inline, ...attached];
  }

  it('has no wildcard in any action', () => {
    // Assess
    const statements = allStatements();
    expect(statements.length).toBeGreaterThan(20);
    const wildcards = actionsOf(statements).filter((action) => action.includes('*'));
    expect(wildcards).toEqual([]);
  });

  it('uses Resource "*" only for actions that have no resource-level permissions', () => {
    // Assess
    const starred = allStatements().filter((statement) => [statement.Resource].flat().includes('*'));
    expect(actionsOf(starred).filter((action) => !RESOURCE_STAR_ALLOWED.has(action))).toEqual([]);
  });

  it.each([
    ['poll', ['dynamodb:PutItem', 's3:PutObject', 'ses:SendRawEmail'], ['secretsmanager:GetSecretValue', 'sqs:ReceiveMessage']],
    [
      'ingest',
      ['dynamodb:PutItem', 's3:GetObject', 'ses:SendRawEmail', 'sqs:ReceiveMessage'],
      ['s3:PutObject', 'secretsmanager:GetSecretValue'],
    ],
    [
      'notify',
      ['dynamodb:GetItem', 'dynamodb:GetRecords', 'sqs:SendMessage'],
      ['ses:SendRawEmail', 's3:GetObject', 'secretsmanager:GetSecretValue'],
    ],
    [
      'deliver',
      ['dynamodb:PutItem', 'ses:SendRawEmail', 'secretsmanager:GetSecretValue', 'sqs:ReceiveMessage'],
      ['s3:GetObject', 's3:PutObject'],
    ],
    [
      'subscription',
      ['dynamodb:PutItem', 'ses:SendRawEmail', 'secretsmanager:GetSecretValue', 'ssm:GetParameter'],
      ['s3:GetObject', 'sqs:SendMessage'],
    ],
    ['feedback', ['dynamodb:UpdateItem'], ['ses:SendRawEmail', 's3:GetObject', 'secretsmanager:GetSecretValue']],
  ])('grants %s what it uses and nothing it does not', (step, granted, denied) => {
    // Prepare
    const { poll, ingest, notify, subscription, feedback } = built.stack;
    const fn = {
      poll: poll.fn,
      ingest: ingest.fn,
      notify: notify.planner,
      deliver: notify.deliverer,
      subscription: subscription.fn,
      feedback: feedback.fn,
    }[step]!;

    // Act
    const actions = actionsOf(statementsOf(built.template, built.stack, fn));

    // Assess
    expect(actions).toEqual(expect.arrayContaining(granted));
    for (const action of denied) expect(actions).not.toContain(action);
    expect(actions).not.toContain('dynamodb:Scan');
  });

  function policiesMentioning(action: string, resource: string): string[] {
    return Object.entries(resourcesOf(built.template, 'AWS::IAM::Policy'))
      .filter(([, policy]) =>
        (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
          (statement) => actionsOf([statement]).includes(action) && JSON.stringify(statement.Resource).includes(resource),
        ),
      )
      .map(([id]) => id);
  }

  it('lets only poll write to the archive', () => {
    // Assess
    expect(policiesMentioning('s3:PutObject', logicalId(built.stack, built.stack.archive.bucket))).toEqual([
      expect.stringMatching(/^PollFunctionRole/),
    ]);
  });

  it('lets only notify put batches on the delivery queue', () => {
    // Assess
    expect(policiesMentioning('sqs:SendMessage', logicalId(built.stack, built.stack.notify.deliveryQueue))).toEqual([
      expect.stringMatching(/^NotifyFunctionRole/),
    ]);
  });
});

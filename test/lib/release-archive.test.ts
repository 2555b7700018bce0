import { beforeAll, describe, expect, it } from 'vitest';
import { logicalId, type Resource, resourcesOf, synthesize } from './synthesize';

describe('ReleaseArchive', () => {
  let built: ReturnType<typeof synthesize>;
  let releases: Resource;
  let accessLogs: Resource;

  beforeAll(() => {
    built = synthesize();
    const buckets = resourcesOf(built.template, 'AWS::S3::Bucket');
    releases = buckets[logicalId(built.stack, built.stack.archive.bucket)];
    accessLogs = buckets[logicalId(built.stack, built.stack.archive.accessLogs)];
  });

  it('keeps releases private, encrypted, versioned and access-logged', () => {
    // Assess
    expect(releases.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(built.stack, built.stack.archive.accessLogs) } },
    });
    expect(accessLogs.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe(
      'AES256',
    );
  });

  it('refuses plain HTTP on both buckets', () => {
    // Assess
    const archiveBuckets = [built.stack.archive.bucket, built.stack.archive.accessLogs].map((bucket) => logicalId(built.stack, bucket));
    const policies = Object.values(resourcesOf(built.template, 'AWS::S3::BucketPolicy')).filter((policy) =>
      archiveBuckets.includes(policy.Properties.Bucket.Ref),
    );
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('moves old releases to cheaper storage', () => {
    // Assess
    const [rule] = releases.Properties.LifecycleConfiguration.Rules;
    expect(rule).toMatchObject({ Prefix: 'raw/', Status: 'Enabled' });
    expect(rule.Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 180 },
    ]);
  });

  it('retains both buckets when the stack is deleted', () => {
    // Assess
    const buckets = built.template.findResources('AWS::S3::Bucket') as Record<string, { DeletionPolicy: string }>;
    expect(
      [built.stack.archive.bucket, built.stack.archive.accessLogs].map((bucket) => buckets[logicalId(built.stack, bucket)].DeletionPolicy),
    ).toEqual(['Retain', 'Retain']);
  });

  it('announces new raw/ objects on the release queue, after the queue policy lets S3 send', () => {
    // Assess
    const queueId = logicalId(built.stack, built.stack.archive.releaseQueue);
    expect(releases.Properties.NotificationConfiguration.QueueConfigurations).toEqual([
      {
        Event: 's3:ObjectCreated:*',
        Queue: { 'Fn::GetAtt': [queueId, 'Arn'] },
        Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'raw/' }] } },
      },
    ]);
    const [policyId] = Object.entries(resourcesOf(built.template, 'AWS::SQS::QueuePolicy')).find(([, policy]) =>
      policy.Properties.PolicyDocument.Statement.some(
        (statement: { Principal?: { Service?: string } }) => statement.Principal?.Service === 's3.amazonaws.com',
      ),
    )!;
    expect(releases.DependsOn).toContain(policyId);
  });

  it('parks a release that fails three times in the dead-letter queue', () => {
    // Assess
    const queue = resourcesOf(built.template, 'AWS::SQS::Queue')[logicalId(built.stack, built.stack.archive.releaseQueue)];
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.archive.releaseDeadLetters), 'Arn'] },
      maxReceiveCount: 3,
    });
    expect(queue.Properties.VisibilityTimeout).toBe(6 * 600);
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });
});

import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENVIRONMENT } from '../functions/commons/environment';
import { RELEASE_QUEUE } from '../functions/composition/event-sources';
import { acknowledge, acknowledgeDeadLetterQueue, logicalIdOf } from './nag';
import { SECURE_BUCKET, SECURE_QUEUE } from './secure-defaults';

/** Archive keys are `raw/<source>/<sha256>.<ext>` (functions/archive/release-key.ts). */
const RAW_PREFIX = RELEASE_QUEUE.prefix;

export interface ReleaseArchiveProps {
  /** Seconds a release may take to ingest; the queue hides a message six times as long (AWS's advice). */
  ingestTimeout: Duration;
}

/**
 * The raw-release bucket: every release's bytes, untouched, under their SHA-256. Private, TLS only,
 * encrypted, versioned, access-logged, cheaper storage as releases age, retained on stack deletion.
 * A new object announces itself on a queue (with a dead-letter queue) so a failed ingest is
 * retried and then parked, never lost.
 */
export class ReleaseArchive extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly releaseQueue: sqs.Queue;
  readonly releaseDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: ReleaseArchiveProps) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...SECURE_BUCKET,
      // Server access logs can only be delivered to SSE-S3 buckets, and are not versioned here.
      versioned: false,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });

    this.bucket = new s3.Bucket(this, 'Releases', {
      ...SECURE_BUCKET,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'releases/',
      lifecycleRules: [
        {
          prefix: RAW_PREFIX,
          // Releases are read once at ingest (and rarely again for a re-ingest): infrequent access, then archive-instant.
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
          ],
          noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(30) }],
          noncurrentVersionExpiration: Duration.days(365),
        },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.releaseDeadLetters = new sqs.Queue(this, 'ReleaseDeadLetters', { ...SECURE_QUEUE, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.releaseDeadLetters, 'queue redrive');
    this.releaseQueue = new sqs.Queue(this, 'ReleaseQueue', {
      ...SECURE_QUEUE,
      visibilityTimeout: Duration.seconds(props.ingestTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.releaseDeadLetters, maxReceiveCount: RELEASE_QUEUE.maxReceiveCount },
    });
    this.announceNewReleases();
  }

  /** Sets the bucket name and grants object reads (ingest) or writes (poll) under `raw/` only. */
  bindTo(fn: lambda.Function, access: 'read' | 'write'): void {
    fn.addEnvironment(ENVIRONMENT.archiveBucket, this.bucket.bucketName);
    const objects = this.bucket.arnForObjects(`${RAW_PREFIX}*`);
    // GetObject also backs HeadObject; ListBucket makes a missing key a 404 rather than a 403.
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'], resources: [objects] }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${RAW_PREFIX}*`] } },
      }),
    );
    acknowledge(
      fn.role!,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.bucket)}.Arn>/raw/*]`,
      'Objects are content-addressed by SHA-256, so the keys are not known in advance; the grant is limited to the raw/ prefix of this one bucket.',
    );
  }

  /**
   * S3 → SQS written on the bucket itself rather than through CDK's notifications custom resource
   * (a Lambda with `s3:PutBucketNotification` on `*`). The queue policy names the account, not the
   * bucket, so the bucket can depend on the policy without a cycle.
   */
  private announceNewReleases(): void {
    const { policyDependable } = this.releaseQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.releaseQueue.queueArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const cfnBucket = this.bucket.node.defaultChild as s3.CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: [
        {
          event: 's3:ObjectCreated:*',
          queue: this.releaseQueue.queueArn,
          filter: { s3Key: { rules: [{ name: 'prefix', value: RAW_PREFIX }] } },
        },
      ],
    };
    if (policyDependable) cfnBucket.node.addDependency(policyDependable);
  }
}

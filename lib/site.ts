import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../functions/commons/powertools';
import { SITE_METRIC } from '../functions/site/publish-site';
import { CONTENT_SECURITY_POLICY, HSTS_MAX_AGE_SECONDS } from '../functions/site/security-headers';
import { SITE_ENVIRONMENT } from '../functions/site/site-environment';
import { sitePaths } from '../functions/site/site-paths';
import { CHANGE_ITEM } from '../functions/store/table-schema';
import { DetainerFunction, type DetainerFunctionProps } from './detainer-function';
import { acknowledge, acknowledgeDeadLetterQueue, logicalIdOf } from './nag';
import type { OperatorAlerts } from './operator-alerts';
import type { RankingStore } from './ranking-store';
import { SECURE_BUCKET, SECURE_QUEUE } from './secure-defaults';

export interface SiteProps {
  store: RankingStore;
  alerts: OperatorAlerts;
  /** The subscription Function URL, served under `/api/*` of the same domain as the pages. */
  subscriptionUrl: lambda.IFunctionUrl;
  /** Where the site bucket's server access logs go (the archive's access-log bucket). */
  accessLogs: s3.IBucket;
  /** Namespace of the Powertools metrics (`DetainerWatch/<stage>`). */
  metricsNamespace: string;
  functionDefaults: Omit<DetainerFunctionProps, 'step' | 'description' | 'memorySize' | 'timeout'>;
}

/**
 * The public face: a private bucket of static pages and feeds behind CloudFront (origin access
 * control, HTTPS only, the CSP/HSTS/frame headers of `functions/site/security-headers.ts`), and the
 * site function that rebuilds it from the table's stream whenever a change record is inserted,
 * beside notify. Pages and feeds are cached a minute and assets carry content hashes, so a change
 * shows within minutes without invalidations.
 */
export class Site extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  readonly fn: DetainerFunction;
  readonly streamDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...SECURE_BUCKET,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    this.headers = this.securityHeaders();
    this.distribution = this.cdn(props.subscriptionUrl);
    const siteUrl = `https://${this.distribution.distributionDomainName}`;

    this.streamDeadLetters = new sqs.Queue(this, 'StreamDeadLetters', { ...SECURE_QUEUE, retentionPeriod: Duration.days(14) });
    acknowledgeDeadLetterQueue(this.streamDeadLetters, 'failure destination');
    this.fn = new DetainerFunction(this, 'Function', {
      ...props.functionDefaults,
      step: 'site',
      description: 'Rebuilds the static site and its feeds from the store when a change record is inserted',
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    this.fn.addEnvironment(SITE_ENVIRONMENT.siteBucket, this.bucket.bucketName);
    this.fn.addEnvironment(SITE_ENVIRONMENT.siteUrl, siteUrl);
    props.store.bindTo(this.fn, 'read');
    this.grantPublish(this.fn);
    this.fn.addEventSource(
      new lambdaEventSources.DynamoEventSource(props.store.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.days(1),
        reportBatchItemFailures: true,
        onFailure: new lambdaEventSources.SqsDlq(this.streamDeadLetters),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { sk: { S: lambda.FilterRule.isEqual(CHANGE_ITEM.sk) } } },
          }),
        ],
      }),
    );
    acknowledge(
      this.fn,
      'Serverless-LambdaDLQ',
      "Invoked by the DynamoDB stream: records that keep failing go to the event source's on-failure queue, not a function DLQ.",
    );

    props.alerts.whenFunctionFails(this, this.fn, 'site');
    props.alerts.whenDeadLettersArrive(
      this,
      this.streamDeadLetters,
      'StreamDeadLettersAlarm',
      'site-dead-letters',
      'Publishing the site after a change record',
    );
    // A failed rebuild is returned as a batch item failure (retried), which Lambda does not count as an error.
    props.alerts.alarm(this, 'PublishFailedAlarm', 'site-publish-failed', {
      metric: new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName: SITE_METRIC.publishFailed,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(5),
      }),
      threshold: 1,
      alarmDescription:
        "Rebuilding the site failed; the stream retries it, and the pages show the previous data until it succeeds. See the site function's log.",
    });

    new CfnOutput(Stack.of(this), 'SiteUrl', { value: siteUrl, description: 'The public site: rankings, county pages, feeds' });
  }

  private securityHeaders(): cloudfront.ResponseHeadersPolicy {
    return new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'detainer-watch site: CSP, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });
  }

  /**
   * The pages from the bucket through origin access control; `/api/*` to the subscription Function
   * URL, uncached. That origin has no OAC: CloudFront's OAC for function URLs requires AWS_IAM auth
   * and a client-computed `x-amz-content-sha256` on every POST, which neither an HTML form nor a
   * mail provider's RFC 8058 one-click unsubscribe sends.
   */
  private cdn(subscriptionUrl: lambda.IFunctionUrl): cloudfront.Distribution {
    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'detainer-watch site',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours the objects' Cache-Control: a minute for pages and feeds, a year for hashed assets.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.FunctionUrlOrigin(subscriptionUrl),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
        },
      },
      // Without s3:ListBucket, S3 answers 403 for a missing key: both become the site's 404 page.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 404,
        responsePagePath: sitePaths.notFound,
        ttl: Duration.minutes(1),
      })),
    });
    acknowledge(distribution, 'AwsSolutions-CFR1', 'Public data for readers anywhere: no geographic restriction.');
    acknowledge(
      distribution,
      'AwsSolutions-CFR2',
      'Static public pages and a rate-limited subscription endpoint; a WAF web ACL (from $5 a month plus requests) is left to operators who want one.',
    );
    acknowledge(
      distribution,
      'AwsSolutions-CFR3',
      "CloudFront standard logs need an ACL-enabled bucket; requests and error rates are in CloudFront's metrics, and the bucket itself is access-logged.",
    );
    acknowledge(
      distribution,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate is used (no custom domain configured), for which CloudFront fixes the TLS policy; TLS 1.2 applies as soon as a domain and certificate are added.',
    );
    return distribution;
  }

  /** Read, write and delete site objects, and list the bucket (to skip unchanged files). */
  private grantPublish(fn: lambda.Function): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    acknowledge(
      fn.role!,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.bucket)}.Arn>/*]`,
      'The site function owns every key of its own bucket: pages, feeds and hashed assets whose names it computes.',
    );
  }
}

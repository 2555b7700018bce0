import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../functions/site/security-headers';
import { actionsOf, logicalId, resourcesOf, statementsOf, synthesize } from './synthesize';

describe('Site', () => {
  let built: ReturnType<typeof synthesize>;

  beforeAll(() => {
    built = synthesize();
  });

  it('keeps the bucket private and reachable only by CloudFront through origin access control', () => {
    // Assess
    const bucketId = logicalId(built.stack, built.stack.site.bucket);
    const bucket = resourcesOf(built.template, 'AWS::S3::Bucket')[bucketId];
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    built.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const policy = Object.values(resourcesOf(built.template, 'AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === bucketId)!;
    const statements = policy.Properties.PolicyDocument.Statement as {
      Effect: string;
      Principal?: { Service?: string };
      Action: string | string[];
      Condition?: Record<string, unknown>;
    }[];
    const cloudfrontRead = statements.find((s) => s.Principal?.Service === 'cloudfront.amazonaws.com')!;
    expect(cloudfrontRead.Action).toBe('s3:GetObject');
    expect(JSON.stringify(cloudfrontRead.Condition)).toContain(logicalId(built.stack, built.stack.site.distribution));
    expect(statements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('serves HTTPS only with the CSP, HSTS and no-framing headers the local server sends', () => {
    // Assess
    const distribution = resourcesOf(built.template, 'AWS::CloudFront::Distribution')[
      logicalId(built.stack, built.stack.site.distribution)
    ];
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.CacheBehaviors[0]).toMatchObject({
      PathPattern: '/api/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: expect.arrayContaining(['POST']),
    });
    expect(config.CustomErrorResponses).toEqual(
      expect.arrayContaining([expect.objectContaining({ ErrorCode: 403, ResponseCode: 404, ResponsePagePath: '/404.html' })]),
    );
    const headers = resourcesOf(built.template, 'AWS::CloudFront::ResponseHeadersPolicy')[logicalId(built.stack, built.stack.site.headers)];
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toBe(CONTENT_SECURITY_POLICY);
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(security.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true });
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref).toBe(logicalId(built.stack, built.stack.site.headers));
  });

  it('rebuilds the site from change inserts on the stream, bisecting and bounding retries, with an on-failure queue', () => {
    // Assess
    const fn = logicalId(built.stack, built.stack.site.fn);
    const mapping = Object.values(resourcesOf(built.template, 'AWS::Lambda::EventSourceMapping')).find(
      (m) => m.Properties.FunctionName.Ref === fn,
    )!;
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.store.table), 'StreamArn'] },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(built.stack, built.stack.site.streamDeadLetters), 'Arn'] } },
      },
    });
    expect(JSON.parse(mapping.Properties.FilterCriteria.Filters[0].Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { sk: { S: ['CHANGE'] } } },
    });
    const variables = resourcesOf(built.template, 'AWS::Lambda::Function')[fn].Properties.Environment.Variables;
    expect(variables.SITE_BUCKET).toEqual({ Ref: logicalId(built.stack, built.stack.site.bucket) });
    expect(JSON.stringify(variables.SITE_URL)).toContain(logicalId(built.stack, built.stack.site.distribution));
  });

  it('lets the site function read the table and write only its own bucket', () => {
    // Assess
    const actions = actionsOf(statementsOf(built.template, built.stack, built.stack.site.fn));
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket']),
    );
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('alarms on function errors, dead letters and failed rebuilds', () => {
    // Assess
    const names = Object.values(resourcesOf(built.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName as string);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/-site-errors$/),
        expect.stringMatching(/-site-dead-letters$/),
        expect.stringMatching(/-site-publish-failed$/),
      ]),
    );
  });
});

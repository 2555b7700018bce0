import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { awsDeps } from '../commons/aws-deps';
import { instrumented } from '../commons/powertools';
import { createS3Client } from '../commons/s3-client';
import { S3SitePublisher } from './s3-site-publisher';
import { SITE_ENVIRONMENT } from './site-environment';
import { createSiteHandler } from './site-handler';

const deps = awsDeps();
const siteHandler = createSiteHandler({
  rankings: deps.rankings,
  releases: deps.releases,
  publisher: new S3SitePublisher(createS3Client(), process.env[SITE_ENVIRONMENT.siteBucket] ?? ''),
  settings: { siteUrl: (process.env[SITE_ENVIRONMENT.siteUrl] ?? '').replace(/\/+$/, ''), topN: deps.config.topN },
  clock: deps.clock,
  log: deps.log,
  ...(deps.count ? { count: deps.count } : {}),
});

/** Rebuilds and publishes the site when a change record is inserted (the DynamoDB stream, filtered in `lib/site.ts`). */
export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> = instrumented(siteHandler);

import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { awsDeps } from '../commons/aws-deps';
import { instrumented } from '../commons/powertools';
import { createS3Client } from '../commons/s3-client';
import { SITE_ENVIRONMENT } from './site-environment';
import { wireSite } from './site-wiring';

const site = wireSite(awsDeps(), createS3Client(), process.env[SITE_ENVIRONMENT.siteBucket] ?? '', process.env[SITE_ENVIRONMENT.siteUrl] ?? '');

/** Rebuilds and publishes the site when a change record is inserted (the DynamoDB stream, filtered in `lib/site.ts`). */
export const handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> = instrumented(site.handler);

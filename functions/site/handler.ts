import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createS3Client } from '../archive/s3-client';
import type { Deps } from '../commons/deps';
import { once } from '../composition/compose-deps';
import { lambdaEntry } from '../composition/lambda-root';
import { SITE_ENVIRONMENT } from './site-environment';
import { wireSite } from './site-wiring';

/** The site step of the Lambda root: the site bucket behind CloudFront, its S3 client built on the first rebuild. */
export function createSiteStreamHandler(deps: Deps) {
  const site = once(async () =>
    wireSite(deps, await createS3Client(), process.env[SITE_ENVIRONMENT.siteBucket] ?? '', process.env[SITE_ENVIRONMENT.siteUrl] ?? ''),
  );
  return async (event: DynamoDBStreamEvent, _context: Context): Promise<DynamoDBBatchResponse> => (await site()).handler(event);
}

/** Rebuilds and publishes the site when a change record is inserted (the DynamoDB stream, filtered in `lib/site.ts`). */
export const handler = lambdaEntry(createSiteStreamHandler);

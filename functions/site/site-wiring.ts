import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { RuntimeConfig } from '../commons/config';
import type { Deps } from '../commons/deps';
import type { SitePublisher } from '../ports/site-publisher';
import { S3SitePublisher } from './s3-site-publisher';
import { createSiteRequestHandler } from './serve-object';
import { createSiteHandler } from './site-handler';

export interface SiteWiring {
  publisher: SitePublisher;
  /** The site step: give it every DynamoDB stream batch (it ignores all but inserted change records). */
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  /** What `serve` answers every non-`/api/` GET with, from the same bucket. */
  serve: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
}

/**
 * The site wired from a step's deps and an S3 client, the same way in both composition roots: the
 * Lambda (`handler.ts`: the site bucket, the CloudFront URL) and local mode (s3rver's
 * `detainer-watch-site` bucket, the `serve` URL).
 */
export type SiteStepDeps = Pick<Deps, 'rankings' | 'releases' | 'clock' | 'log' | 'count'> & { config: Pick<RuntimeConfig, 'topN'> };

export function wireSite(deps: SiteStepDeps, s3: S3Client, bucket: string, siteUrl: string): SiteWiring {
  const publisher = new S3SitePublisher(s3, bucket);
  const handler = createSiteHandler({
    rankings: deps.rankings,
    releases: deps.releases,
    publisher,
    settings: { siteUrl: siteUrl.replace(/\/+$/, ''), topN: deps.config.topN },
    clock: deps.clock,
    log: deps.log,
    ...(deps.count ? { count: deps.count } : {}),
  });
  return { publisher, handler, serve: createSiteRequestHandler(publisher) };
}

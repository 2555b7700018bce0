import { createHash } from 'node:crypto';
import type { Log } from '../commons/deps';
import type { SiteObject, SitePublisher } from '../ports/site-publisher';
import { buildSite, type SiteSettings } from './build-site';
import { readSiteData, type SiteReader } from './site-data';

export interface PublishDeps extends SiteReader {
  publisher: SitePublisher;
  settings: SiteSettings;
  clock: () => Date;
  log: Log;
  count?: (metric: string, value?: number) => void;
}

export interface PublishResult {
  written: number;
  unchanged: number;
  deleted: number;
}

/** Metric names of the site step (published through `deps.count`). */
export const SITE_METRIC = {
  published: 'SitePublished',
  objectsWritten: 'SiteObjectsWritten',
  publishFailed: 'SitePublishFailed',
} as const;

const ASSET_PREFIX = 'assets/';
const CONCURRENCY = 8;

function md5(body: string | Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

/** Assets before the pages that name them, the index last: a reader never gets a page whose stylesheet is missing. */
function publishOrder(object: SiteObject): number {
  if (object.key.startsWith(ASSET_PREFIX)) return 0;
  return object.key === 'index.html' ? 2 : 1;
}

async function inBatches<T>(items: T[], action: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(action));
}

/**
 * Rebuilds the whole site from the store and writes what differs from the bucket (compared by MD5,
 * which is what S3 reports as the ETag of a single-part upload). Pages of jurisdictions that no
 * longer exist are deleted; old hashed assets are kept, since a page cached for a minute may still
 * name them.
 */
export async function publishSite(deps: PublishDeps): Promise<PublishResult> {
  const data = await readSiteData(deps);
  const objects = buildSite(data, deps.settings, deps.clock()).sort((a, b) => publishOrder(a) - publishOrder(b));
  const existing = await deps.publisher.list();
  const changed = objects.filter((o) => existing.get(o.key) !== md5(o.body));
  for (const order of [0, 1, 2])
    await inBatches(
      changed.filter((o) => publishOrder(o) === order),
      (o) => deps.publisher.put(o),
    );
  const wanted = new Set(objects.map((o) => o.key));
  const stale = [...existing.keys()].filter((key) => !wanted.has(key) && !key.startsWith(ASSET_PREFIX));
  if (stale.length) await deps.publisher.delete(stale);
  const result = { written: changed.length, unchanged: objects.length - changed.length, deleted: stale.length };
  deps.count?.(SITE_METRIC.published);
  deps.count?.(SITE_METRIC.objectsWritten, changed.length);
  deps.log.info('site published', { ...result, quarters: data.quarters.length, changes: data.changes.length });
  return result;
}

import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Log } from '../../functions/commons/deps';
import type { SitePublisher } from '../../functions/ports/site-publisher';
import { SITE_METRIC } from '../../functions/site/publish-site';
import { S3SitePublisher } from '../../functions/site/s3-site-publisher';
import { createSiteHandler, type SiteDeps } from '../../functions/site/site-handler';
import { DynamoRankingStore } from '../../functions/store/dynamo-ranking-store';
import { DynamoReleaseStore } from '../../functions/store/dynamo-release-store';
import { useEmulators } from '../support/emulators';
import { changeRecord, seedFy2017, streamEvent } from './site-fixtures';

const env = useEmulators();
const SITE_URL = 'https://site.example.org';
const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

function deps(overrides: Partial<SiteDeps> = {}): SiteDeps & { counted: [string, number | undefined][] } {
  const counted: [string, number | undefined][] = [];
  return {
    rankings: new DynamoRankingStore(env.clients.dynamodb, env.tableName),
    releases: new DynamoReleaseStore(env.clients.dynamodb, env.tableName),
    publisher: new S3SitePublisher(env.clients.s3, env.bucket),
    settings: { siteUrl: SITE_URL, topN: 10 },
    clock: () => new Date('2026-12-01T00:00:00.000Z'),
    log: silent,
    count: (metric, value) => counted.push([metric, value]),
    counted,
    ...overrides,
  };
}

async function keys(): Promise<string[]> {
  const page = await env.clients.s3.send(new ListObjectsV2Command({ Bucket: env.bucket }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

async function text(key: string): Promise<string> {
  const answer = await env.clients.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
  return answer.Body!.transformToString();
}

describe('site handler', () => {
  let changeIds: string[];

  beforeAll(async () => {
    changeIds = await seedFy2017(new DynamoRankingStore(env.clients.dynamodb, env.tableName));
  });

  it('does nothing for a batch without an inserted change record', async () => {
    // Prepare
    const site = deps();

    // Act
    const response = await createSiteHandler(site)(
      streamEvent([
        { pk: 'QUARTER#ddp#FY2017Q1', sk: 'HEAD' },
        { ...changeRecord(changeIds[0]), eventName: 'MODIFY' },
      ]),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await keys()).toEqual([]);
    expect(site.counted).toEqual([]);
  });

  it('publishes every page, asset and feed with its content type and cache policy when change records arrive', async () => {
    // Prepare
    const site = deps();

    // Act
    const response = await createSiteHandler(site)(streamEvent(changeIds.map(changeRecord)));

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const published = await keys();
    expect(published).toEqual(
      expect.arrayContaining([
        'index.html',
        'about.html',
        'subscribe.html',
        '404.html',
        'quarters/ddp/FY2017Q1.html',
        'quarters/ddp/FY2017Q2.html',
        'quarters/ddp/FY2017Q3.html',
        'counties/06111.html',
        'counties/36059.html',
        'feed.atom',
        'feed.json',
        'feeds/CA.atom',
        'feeds/NY.json',
      ]),
    );
    expect(published.filter((k) => /^assets\/site\.[0-9a-f]{12}\.css$/.test(k) || /^assets\/sort\.[0-9a-f]{12}\.js$/.test(k))).toHaveLength(
      2,
    );
    const page = await env.clients.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: 'index.html' }));
    expect(page).toMatchObject({ ContentType: 'text/html; charset=utf-8', CacheControl: 'public, max-age=60' });
    const css = await env.clients.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: published.find((k) => k.endsWith('.css'))! }));
    expect(css).toMatchObject({ ContentType: 'text/css; charset=utf-8', CacheControl: 'public, max-age=31536000, immutable' });
    expect(site.counted).toContainEqual([SITE_METRIC.published, undefined]);
    expect(site.counted).toContainEqual([SITE_METRIC.objectsWritten, published.length]);
  });

  it('writes nothing when the site is rebuilt from unchanged data', async () => {
    // Prepare
    const site = deps({ clock: () => new Date('2027-01-01T00:00:00.000Z') });

    // Act
    await createSiteHandler(site)(streamEvent([changeRecord(changeIds[2])]));

    // Assess
    expect(site.counted).toContainEqual([SITE_METRIC.objectsWritten, 0]);
  });

  it('deletes the page of a county no quarter holds any more, and keeps old hashed assets', async () => {
    // Prepare
    for (const key of ['counties/99999.html', 'assets/site.000000000000.css']) {
      await env.clients.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: 'old', ContentType: 'text/html' }));
    }

    // Act
    await createSiteHandler(deps())(streamEvent([changeRecord(changeIds[2])]));

    // Assess
    const published = await keys();
    expect(published).not.toContain('counties/99999.html');
    expect(published).toContain('assets/site.000000000000.css');
  });

  it('reports the first change record of the batch when publishing fails, so the stream retries it', async () => {
    // Prepare
    const failing: SitePublisher = {
      ...new S3SitePublisher(env.clients.s3, env.bucket),
      list: async () => {
        throw new Error('bucket unreachable');
      },
      put: async () => {},
      delete: async () => {},
      get: async () => undefined,
    };
    const site = deps({ publisher: failing });

    // Act
    const response = await createSiteHandler(site)(
      streamEvent([{ pk: 'QUARTER#ddp#FY2017Q1', sk: 'HEAD' }, changeRecord(changeIds[1]), changeRecord(changeIds[2])]),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '1001' }]);
    expect(site.counted).toEqual([[SITE_METRIC.publishFailed, undefined]]);
  });

  it('publishes Atom and JSON feeds that a feed parser reads: one entry per release, newest first, absolute links', async () => {
    // Act
    const atom = parseAtomFeed(await text('feed.atom'));
    const rawJson = await text('feed.json');
    const json = parseJsonFeed(rawJson);

    // Assess
    expect(atom.entries?.map((e) => e.id)).toEqual(
      changeIds
        .slice()
        .reverse()
        .map((id) => `tag:detainer-watch,2017:change/ddp/${id.split('#')[1]}`),
    );
    expect(atom.entries?.[0].title?.value).toMatch(/FY2017 Q3/);
    expect(atom.entries?.[0].links?.[0].href).toBe(`${SITE_URL}/quarters/ddp/FY2017Q3.html`);
    expect(atom.links?.find((l) => l.rel === 'self')?.href).toBe(`${SITE_URL}/feed.atom`);
    expect(atom.entries?.[2].content?.value).toContain('Ventura County, CA is #1 with 188');
    expect(JSON.parse(rawJson).version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items?.map((i) => i.id)).toEqual(atom.entries?.map((e) => e.id));
    expect(json.items?.[1].content_html).toContain('Denver County, CO rises to #2');
  });

  it('gives each state a feed with only what concerns it: New York hears of the Nassau retraction, Nevada of the Clark revision', async () => {
    // Act
    const ny = parseAtomFeed(await text('feeds/NY.atom'));
    const nv = parseJsonFeed(await text('feeds/NV.json'));

    // Assess
    const newest = ny.entries?.[0];
    expect(newest?.content?.value).toContain('Nassau County, NY removed (was 38)');
    expect(newest?.content?.value).not.toContain('Nassau County, NY left the top 10');
    expect(newest?.content?.value).not.toContain('Ventura');
    expect(nv.items?.[0].content_html).toContain('Clark County, NV revised 68 → 61');
    expect(nv.items?.[0].content_html).not.toContain('Nassau');
  });
});

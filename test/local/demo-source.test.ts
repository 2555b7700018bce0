import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverReleases } from '../../functions/poll/discover';
import { HttpFetcher } from '../../functions/poll/fetcher';
import { type DemoSource, demoSourceConfig, startDemoSource } from '../../local/demo/demo-source';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function releaseLinks(html: string): string[] {
  return [...html.matchAll(/href="(releases\/[^"]+\.xlsx)"/g)].map((m) => m[1]);
}

describe('demo source', () => {
  let source: DemoSource;
  beforeAll(async () => {
    source = await startDemoSource({ published: 1 });
  });
  afterAll(async () => {
    await source.stop();
  });
  beforeEach(() => {
    source.publish(1);
  });

  it('lists only the published releases on the index page, oldest last', async () => {
    // Prepare
    const first = await (await fetch(source.url)).text();

    // Act
    source.publish(3);
    const all = await (await fetch(source.url)).text();

    // Assess
    expect(releaseLinks(first)).toEqual(['releases/ddp-2017-01-release.xlsx']);
    expect(releaseLinks(all)).toEqual([
      'releases/ddp-2017-04-release-revised.xlsx',
      'releases/ddp-2017-04-release.xlsx',
      'releases/ddp-2017-01-release.xlsx',
    ]);
    expect(all).toContain('<time datetime="2017-04-18">April 18, 2017</time>');
    expect(source.published()).toBe(3);
  });

  it('answers a matching If-None-Match with 304 and no body, and a new ETag after publishing', async () => {
    // Prepare
    const first = await fetch(source.url);
    const etag = first.headers.get('etag') ?? '';
    await first.arrayBuffer();

    // Act
    const unchanged = await fetch(source.url, { headers: { 'If-None-Match': etag } });
    const unchangedBody = await unchanged.text();
    source.publish(2);
    const changed = await fetch(source.url, { headers: { 'If-None-Match': etag } });

    // Assess
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(unchanged.status).toBe(304);
    expect(unchangedBody).toBe('');
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(releaseLinks(await changed.text())).toHaveLength(2);
  });

  it('answers If-Modified-Since by the release date, and the index Last-Modified moves with publishing', async () => {
    // Prepare
    const release = source.releases[0];
    const head = await fetch(release.url, { method: 'HEAD' });
    const lastModified = head.headers.get('last-modified') ?? '';
    const indexBefore = (await fetch(source.url, { method: 'HEAD' })).headers.get('last-modified') ?? '';

    // Act
    const same = await fetch(release.url, { headers: { 'If-Modified-Since': lastModified } });
    const older = await fetch(release.url, { headers: { 'If-Modified-Since': 'Sun, 01 Jan 2017 00:00:00 GMT' } });
    await older.arrayBuffer();
    source.publish(2);
    const indexAfter = await fetch(source.url, { headers: { 'If-Modified-Since': indexBefore } });

    // Assess
    expect(new Date(lastModified).toISOString().slice(0, 10)).toBe('2017-01-17');
    expect(same.status).toBe(304);
    expect(older.status).toBe(200);
    expect(indexAfter.status).toBe(200);
    expect(Date.parse(indexAfter.headers.get('last-modified') ?? '')).toBeGreaterThan(Date.parse(indexBefore));
  });

  it('serves a published release with its XLSX type, exact length and bytes, and 404 for one not yet published', async () => {
    // Prepare
    const [first, second] = source.releases;
    const onDisk = await readFile(first.file);

    // Act
    const served = await fetch(first.url);
    const body = Buffer.from(await served.arrayBuffer());
    const hidden = await fetch(second.url);
    await hidden.arrayBuffer();

    // Assess
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(Number(served.headers.get('content-length'))).toBe(onDisk.length);
    expect(body.equals(onDisk)).toBe(true);
    expect(hidden.status).toBe(404);
    expect(source.requests.at(-1)).toEqual({ method: 'GET', path: new URL(second.url).pathname, status: 404 });
  });

  it('refuses to publish more releases than it has', () => {
    // Act
    const tooMany = () => source.publish(4);

    // Assess
    expect(tooMany).toThrow(RangeError);
    expect(source.published()).toBe(1);
  });

  it('describes itself as a loopback-only ddp source whose pattern matches only release files', () => {
    // Act
    const config = demoSourceConfig(source.url);
    const pattern = new RegExp(config.linkPattern);

    // Assess
    expect(config).toMatchObject({ name: 'demo', parser: 'ddp', allowLoopback: true, allowedHosts: ['127.0.0.1'] });
    expect(source.releases.every((r) => pattern.test(r.url))).toBe(true);
    expect(pattern.test(source.url)).toBe(false);
  });
});

describe("demo source through the poller's fetcher and discovery", () => {
  let source: DemoSource;
  let scratch: string;
  beforeAll(async () => {
    source = await startDemoSource({ published: 0 });
    scratch = await mkdtemp(join(tmpdir(), 'demo-poll-'));
  });
  afterAll(async () => {
    await source.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('discovers each published release with its date, downloads it intact, then gets 304s', async () => {
    // Prepare
    const config = demoSourceConfig(source.url);
    const fetcher = new HttpFetcher();
    const common = { allowedHosts: config.allowedHosts, allowLoopback: true, maxBytes: 10 * 1024 * 1024, timeoutMs: 10_000 };
    source.publish(2);

    // Act
    const index = await fetcher.fetch({ url: config.url, accept: ['text/html'], ...common });
    const html = index.status === 200 ? (index.body?.toString('utf8') ?? '') : '';
    const found = discoverReleases(html, index.url, config);
    const downloads = [];
    for (const release of found) {
      const file = join(scratch, release.url.split('/').at(-1) ?? 'x');
      downloads.push({
        file,
        result: await fetcher.fetch({
          url: release.url,
          toFile: file,
          accept: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
          ...common,
        }),
      });
    }
    const again =
      index.status === 200
        ? await fetcher.fetch({ url: config.url, etag: index.etag, lastModified: index.lastModified, ...common })
        : index;

    // Assess
    expect(found.map((r) => [r.url, r.publishedAt])).toEqual([
      [source.releases[1].url, '2017-04-18'],
      [source.releases[0].url, '2017-01-17'],
    ]);
    expect(found[1].label).toBe('ICE detainers, October – December 2016 (January 2017 release)');
    for (const { file, result } of downloads) {
      const onDisk = await readFile(join(source.releases[0].file, '..', file.split('/').at(-1) ?? ''));
      expect(result.status === 200 && result.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
      expect((await readFile(file)).equals(onDisk)).toBe(true);
    }
    expect(again.status).toBe(304);
  });
});

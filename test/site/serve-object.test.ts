import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteObject, SitePublisher, StoredSiteObject } from '../../functions/ports/site-publisher';
import { SECURITY_HEADERS } from '../../functions/site/security-headers';
import { createSiteRequestHandler, objectKey } from '../../functions/site/serve-object';
import { keyOfPath, sitePaths } from '../../functions/site/site-paths';

/** The port's contract kept in memory: the S3 adapter behind it is exercised in site-handler and site-browser tests. */
class MemoryPublisher implements SitePublisher {
  readonly objects = new Map<string, StoredSiteObject>();
  async list() {
    return new Map([...this.objects].map(([k, o]) => [k, o.etag ?? '']));
  }
  async put(o: SiteObject) {
    this.objects.set(o.key, {
      body: Buffer.from(o.body),
      contentType: o.contentType,
      cacheControl: o.cacheControl,
      etag: `"${o.key.length}"`,
    });
  }
  async delete(keys: string[]) {
    for (const k of keys) this.objects.delete(k);
  }
  async get(key: string) {
    return this.objects.get(key);
  }
}

describe('objectKey', () => {
  it.each([
    ['/', 'index.html'],
    ['/counties/06111.html', 'counties/06111.html'],
    ['/quarters/', 'quarters/index.html'],
    ['/feed.atom?utm=x', 'feed.atom'],
    ['/feeds/%43A.atom', 'feeds/CA.atom'],
    // Dot segments are resolved as a browser and CloudFront resolve them: never above the site's root.
    ['/../secret', 'secret'],
    ['/a/%2e%2e/b', 'b'],
  ])('maps %s to the key %s', (url, key) => {
    expect(objectKey(url)).toBe(key);
  });

  it.each(['/a/%2F..%2Fb', '/%E0%A4%A', '/a%00.html'])('refuses %s', (url) => {
    expect(objectKey(url)).toBeUndefined();
  });
});

describe('site request handler', () => {
  const publisher = new MemoryPublisher();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    await publisher.put({
      key: 'index.html',
      body: '<h1>Rankings</h1>',
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=60',
    });
    await publisher.put({
      key: '404.html',
      body: '<h1>Page not found</h1>',
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=60',
    });
    const handle = createSiteRequestHandler(publisher);
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("serves / as index.html with the object's type and cache policy and the security headers", async () => {
    // Act
    const response = await fetch(`${base}/`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<h1>Rankings</h1>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
  });

  it('answers a repeated request with 304 when the ETag matches, and HEAD without a body', async () => {
    // Act
    const first = await fetch(`${base}/`);
    const again = await fetch(`${base}/`, { headers: { 'If-None-Match': first.headers.get('etag')! } });
    const head = await fetch(`${base}/`, { method: 'HEAD' });

    // Assess
    expect(again.status).toBe(304);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(head.headers.get('content-length')).toBe(String('<h1>Rankings</h1>'.length));
  });

  it("answers 404 with the site's page, and 405 to a POST (the subscription endpoint is elsewhere)", async () => {
    // Act
    const missing = await fetch(`${base}/nope.html`);
    const post = await fetch(`${base}/`, { method: 'POST', body: 'x' });

    // Assess
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('page keys', () => {
  it('stores a page under the key its encoded link is served from', () => {
    // Prepare: a source name that needs encoding in a URL
    const link = sitePaths.quarter('my source', 'FY2017Q1');

    // Act
    const stored = keyOfPath(link);
    const served = objectKey(link);

    // Assess
    expect(link).toBe('/quarters/my%20source/FY2017Q1.html');
    expect(stored).toBe('quarters/my source/FY2017Q1.html');
    expect(served).toBe(stored);
  });
});

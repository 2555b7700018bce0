/**
 * The demo source: a local HTTP server that looks, to the poller, like the Deportation Data
 * Project's data page. It serves an index page listing the published demo releases and the
 * release files, with strong ETags and Last-Modified, and answers conditional GETs with 304,
 * so discovery, conditional GET and download run for real in `npm start`.
 *
 *   npx tsx local/demo/demo-source.ts [--published 3] [--port 0]
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import type { SourceConfig } from '../../functions/commons/config';
import { DEMO_RELEASES, type DemoRelease } from './catalogue';

const RELEASES_DIR = fileURLToPath(new URL('./releases/', import.meta.url));
const INDEX_PATH = '/data/ice.html';
const RELEASE_PATH = '/data/releases/';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Last-Modified of the index page before anything is published. */
const SITE_CREATED = '2016-12-01';

interface DemoReleaseFile {
  /** Absolute path of the XLSX on disk (what `detainer-watch ingest FILE` would take). */
  file: string;
  /** File name, e.g. `ddp-2017-01-release.xlsx`. */
  name: string;
  /** Where the server serves it (404 until published). */
  url: string;
  label: string;
  /** ISO date shown on the index page. */
  publishedAt: string;
}

interface DemoRequest {
  method: string;
  path: string;
  status: number;
}

export interface DemoSource {
  /** The index page URL. */
  url: string;
  releases: DemoReleaseFile[];
  /** Make the first `count` releases visible (0..releases.length). */
  publish(count: number): void;
  /** How many releases are visible now. */
  published(): number;
  /** Every request answered, in order (for tests that count downloads and 304s). */
  requests: DemoRequest[];
  stop(): Promise<void>;
}

interface Resource {
  body: Buffer;
  etag: string;
  lastModified: string;
  contentType: string;
}

function resource(body: Buffer, contentType: string, modified: string): Resource {
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
  return { body, etag, lastModified: new Date(`${modified}T12:00:00Z`).toUTCString(), contentType };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function longDate(iso: string): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

/** The data page, newest release first, with the navigation and foreign links a real page has. */
function indexPage(published: Array<DemoRelease & { bytes: number }>): string {
  const sections = [...published]
    .reverse()
    .map(
      (release) => `
    <section class="release" id="${escapeHtml(release.name.replace(/\.xlsx$/, ''))}">
      <h3>${escapeHtml(release.label)}</h3>
      <p class="published">Published <time datetime="${release.publishedAt}">${longDate(release.publishedAt)}</time></p>
      <p>${escapeHtml(release.note)}</p>
      <ul>
        <li><a href="releases/${encodeURIComponent(release.name)}">${escapeHtml(release.label)}</a> (XLSX, ${Math.round(release.bytes / 1024)} KB)</li>
        <li><a href="https://github.com/deportationdata/ice/blob/main/codebook.md">Codebook</a></li>
      </ul>
    </section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ICE data – Deportation Data Project (demo)</title>
</head>
<body>
  <nav>
    <a href="/">Home</a> <a href="/about.html">About</a> <a href="/data/ice.html">ICE data</a>
    <a href="https://github.com/deportationdata">GitHub</a>
  </nav>
  <main>
    <h1>ICE data</h1>
    <p>Record-level ICE detainer data obtained through FOIA litigation, re-released as new batches arrive.
       This is the detainer-watch demo source: the releases below are generated in the real layout and are not real records.</p>
    <h2>Detainers</h2>
${sections || '    <p>No releases yet.</p>'}
  </main>
  <footer><a href="mailto:data@example.org">Contact</a></footer>
</body>
</html>
`;
}

/** RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since; weak comparison for GET. */
function notModified(request: IncomingMessage, current: Resource): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === current.etag);
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Date.parse(current.lastModified) <= since;
}

/** A response as a static file host sends one: validators on every answer, a body only for a 200 GET. */
function send(request: IncomingMessage, response: ServerResponse, status: number, current?: Resource): void {
  if (current) {
    response.setHeader('ETag', current.etag);
    response.setHeader('Last-Modified', current.lastModified);
    response.setHeader('Cache-Control', 'no-cache');
  }
  if (status !== 200 || !current) {
    response.writeHead(status, status === 304 ? {} : { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(status === 304 || request.method === 'HEAD' ? undefined : `${status}\n`);
    return;
  }
  response.writeHead(200, { 'Content-Type': current.contentType, 'Content-Length': current.body.length });
  response.end(request.method === 'HEAD' ? undefined : current.body);
}

export async function startDemoSource(options: { published?: number; port?: number } = {}): Promise<DemoSource> {
  const files = await Promise.all(
    DEMO_RELEASES.map(async (release) => {
      const body = await readFile(`${RELEASES_DIR}${release.name}`);
      return { release, resource: resource(body, XLSX_TYPE, release.publishedAt) };
    }),
  );
  let published = 0;
  let index = resource(Buffer.alloc(0), 'text/html; charset=utf-8', SITE_CREATED);
  const publish = (count: number) => {
    if (!Number.isInteger(count) || count < 0 || count > files.length)
      throw new RangeError(`publish: count must be 0..${files.length}, not ${count}`);
    published = count;
    const visible = files.slice(0, count).map(({ release, resource: r }) => ({ ...release, bytes: r.body.length }));
    index = resource(Buffer.from(indexPage(visible), 'utf8'), 'text/html; charset=utf-8', visible.at(-1)?.publishedAt ?? SITE_CREATED);
  };
  publish(options.published ?? files.length);

  const requests: DemoRequest[] = [];
  const answer = (request: IncomingMessage, response: ServerResponse, status: number, current?: Resource) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '', status });
    send(request, response, status, current);
  };

  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(request, response, 405);
    const path = new URL(request.url ?? '/', 'http://demo.invalid').pathname;
    let current: Resource | undefined;
    if (path === INDEX_PATH) current = index;
    else if (path.startsWith(RELEASE_PATH)) {
      const name = decodeURIComponent(path.slice(RELEASE_PATH.length));
      current = files.slice(0, published).find(({ release }) => release.name === name)?.resource;
    }
    if (!current) return answer(request, response, 404);
    answer(request, response, notModified(request, current) ? 304 : 200, current);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${base}${INDEX_PATH}`,
    releases: files.map(({ release }) => ({
      file: `${RELEASES_DIR}${release.name}`,
      name: release.name,
      url: `${base}${RELEASE_PATH}${encodeURIComponent(release.name)}`,
      label: release.label,
      publishedAt: release.publishedAt,
    })),
    publish,
    published: () => published,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** How the poller sees the demo source: loopback allowed, only the release files match. */
export function demoSourceConfig(indexUrl: string): SourceConfig {
  return {
    name: 'demo',
    url: indexUrl,
    linkPattern: '/data/releases/ddp-[^/]+\\.xlsx$',
    allowedHosts: [new URL(indexUrl).hostname],
    parser: 'ddp',
    allowLoopback: true,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cli = new Command()
    .option('--published <n>', 'releases visible', String(DEMO_RELEASES.length))
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', '0')
    .parse()
    .opts<{ published: string; port: string }>();
  const source = await startDemoSource({ published: Number(cli.published), port: Number(cli.port) });
  console.log(`demo source: ${source.url} (${source.published()} of ${source.releases.length} releases published; Ctrl-C stops it)`);
  process.once('SIGINT', () => void source.stop().then(() => process.exit(0)));
}

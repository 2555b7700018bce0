import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpFetcher } from '../../functions/poll/fetcher';
import { FetchFailedError, FetchRefusedError, type FetchRequest } from '../../functions/ports/fetcher';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** One local server for the file; each test mounts the routes it needs. */
const routes = new Map<string, Route>();
const seen: Array<{ path: string; headers: http.IncomingHttpHeaders }> = [];
let connections = 0;
let server: http.Server;
let origin: string;
let scratch: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scratch = await mkdtemp(join(tmpdir(), 'fetcher-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(scratch, { recursive: true, force: true });
});

afterEach(() => {
  routes.clear();
  seen.length = 0;
  connections = 0;
  vi.restoreAllMocks();
});

function request(path: string, extra: Partial<FetchRequest> = {}): FetchRequest {
  return { url: `${origin}${path}`, allowedHosts: ['127.0.0.1'], allowLoopback: true, maxBytes: 1024 * 1024, timeoutMs: 10_000, ...extra };
}

async function refusal(promise: Promise<unknown>): Promise<FetchRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchRefusedError);
  return error as FetchRefusedError;
}

async function failure(promise: Promise<unknown>): Promise<FetchFailedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchFailedError);
  return error as FetchFailedError;
}

describe('HttpFetcher: download', () => {
  it('returns the body with its SHA-256, size and validators', async () => {
    // Prepare
    const body = Buffer.from('PK\u0003\u0004 not really a workbook, but bytes are bytes');
    routes.set('/r.xlsx', (_req, res) =>
      res.writeHead(200, { 'Content-Type': XLSX, ETag: '"abc"', 'Last-Modified': 'Tue, 17 Jan 2017 12:00:00 GMT' }).end(body),
    );

    // Act
    const result = await new HttpFetcher().fetch(request('/r.xlsx', { accept: [XLSX] }));

    // Assess
    expect(result).toEqual({
      status: 200,
      url: `${origin}/r.xlsx`,
      etag: '"abc"',
      lastModified: 'Tue, 17 Jan 2017 12:00:00 GMT',
      contentType: XLSX,
      bytes: body.length,
      body,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    expect(seen[0].headers['accept-encoding']).toBe('identity');
  });

  it('streams to a file, without a body in memory', async () => {
    // Prepare
    const body = Buffer.alloc(300_000, 7);
    routes.set('/big.xlsx', (_req, res) => res.writeHead(200, { 'Content-Type': XLSX }).end(body));
    const file = join(scratch, 'big.xlsx');

    // Act
    const result = await new HttpFetcher().fetch(request('/big.xlsx', { toFile: file }));

    // Assess
    expect(result.status === 200 && result.body).toBe(undefined);
    expect((await readFile(file)).equals(body)).toBe(true);
    expect(result.status === 200 && result.sha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('decodes a compressed answer and hashes the decoded bytes', async () => {
    // Prepare
    const page = Buffer.from('<html><a href="r.xlsx">r</a></html>');
    routes.set('/index.html', (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' }).end(gzipSync(page)),
    );

    // Act
    const result = await new HttpFetcher().fetch(request('/index.html', { accept: ['text/html'] }));

    // Assess
    expect(result.status === 200 && result.body?.equals(page)).toBe(true);
    expect(result.status === 200 && result.sha256).toBe(createHash('sha256').update(page).digest('hex'));
  });
});

describe('HttpFetcher: conditional GET', () => {
  it('sends If-None-Match and If-Modified-Since and returns a 304 without a body', async () => {
    // Prepare
    routes.set('/index.html', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { ETag: '"v1"' }).end();
      else res.writeHead(200, { 'Content-Type': 'text/html', ETag: '"v1"' }).end('<html></html>');
    });

    // Act
    const result = await new HttpFetcher().fetch(request('/index.html', { etag: '"v1"', lastModified: 'Tue, 17 Jan 2017 12:00:00 GMT' }));

    // Assess
    expect(result).toEqual({ status: 304, url: `${origin}/index.html` });
    expect(seen[0].headers['if-none-match']).toBe('"v1"');
    expect(seen[0].headers['if-modified-since']).toBe('Tue, 17 Jan 2017 12:00:00 GMT');
  });

  it('sends no validators on a first fetch', async () => {
    // Prepare
    routes.set('/index.html', (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html></html>'));

    // Act
    await new HttpFetcher().fetch(request('/index.html'));

    // Assess
    expect(seen[0].headers['if-none-match']).toBeUndefined();
    expect(seen[0].headers['if-modified-since']).toBeUndefined();
  });
});

describe('HttpFetcher: redirects', () => {
  it('follows a relative redirect on an allowed host and reports the final URL', async () => {
    // Prepare
    routes.set('/latest.xlsx', (_req, res) => res.writeHead(302, { Location: '/files/2017-01.xlsx' }).end());
    routes.set('/files/2017-01.xlsx', (_req, res) => res.writeHead(200, { 'Content-Type': XLSX }).end('x'));

    // Act
    const result = await new HttpFetcher().fetch(request('/latest.xlsx'));

    // Assess
    expect(result.status === 200 && result.url).toBe(`${origin}/files/2017-01.xlsx`);
  });

  it('refuses a redirect to a host outside the allow-list without resolving or contacting it', async () => {
    // Prepare
    routes.set('/r.xlsx', (_req, res) => res.writeHead(301, { Location: 'http://evil.example/r.xlsx' }).end());
    const resolve = vi.fn(async () => [{ address: '93.184.216.34', family: 4 }]);

    // Act
    const error = await refusal(new HttpFetcher({ resolve }).fetch(request('/r.xlsx')));

    // Assess
    expect(error.reason).toContain('evil.example is not in the allow-list');
    expect(error.url).toBe(`${origin}/r.xlsx`);
    expect(resolve).not.toHaveBeenCalled();
  });

  it('checks the address of every hop: an allowed name that resolves to a private address is refused', async () => {
    // Prepare
    routes.set('/r.xlsx', (_req, res) => res.writeHead(307, { Location: 'http://files.internal.test/r.xlsx' }).end());
    const resolve = vi.fn(async () => [{ address: '192.168.1.20', family: 4 }]);

    // Act
    const error = await refusal(
      new HttpFetcher({ resolve }).fetch(request('/r.xlsx', { allowedHosts: ['127.0.0.1', 'files.internal.test'] })),
    );

    // Assess
    expect(error.reason).toBe('files.internal.test resolves to 192.168.1.20 is a private address, refused');
    expect(resolve).toHaveBeenCalledWith('files.internal.test');
  });

  it('refuses a sixth redirect', async () => {
    // Prepare
    routes.set('/loop', (req, res) => {
      const n = Number(new URL(req.url ?? '', 'http://x').searchParams.get('n') ?? 0);
      res.writeHead(302, { Location: `/loop?n=${n + 1}` }).end();
    });

    // Act
    const error = await refusal(new HttpFetcher().fetch(request('/loop')));

    // Assess
    expect(error.reason).toBe('more than 5 redirects');
    expect(seen).toHaveLength(6);
  });
});

describe('HttpFetcher: addresses', () => {
  it('refuses the metadata address 169.254.169.254 without any lookup or connection attempt', async () => {
    // Prepare
    const agent = new http.Agent();
    const connect = vi.spyOn(agent, 'createConnection');
    const resolve = vi.fn(async () => [{ address: '169.254.169.254', family: 4 }]);
    const fetcher = new HttpFetcher({ resolve, agents: { http: agent } });
    const literal = { allowedHosts: ['169.254.169.254', '[::ffff:a9fe:a9fe]'], maxBytes: 1024, timeoutMs: 1000 };

    // Act
    const plain = await refusal(fetcher.fetch({ url: 'http://169.254.169.254/latest/meta-data/', ...literal }));
    const decimal = await refusal(fetcher.fetch({ url: 'http://2852039166/latest/meta-data/', ...literal }));
    const mapped = await refusal(fetcher.fetch({ url: 'http://[::ffff:169.254.169.254]/latest/meta-data/', ...literal }));

    // Assess
    expect(plain.reason).toBe('169.254.169.254 is a link-local address, refused');
    expect(decimal.reason).toBe('169.254.169.254 is a link-local address, refused');
    expect(mapped.reason).toBe('::ffff:a9fe:a9fe is a link-local address, refused');
    expect(resolve).not.toHaveBeenCalled();
    expect(connect).not.toHaveBeenCalled();
    agent.destroy();
  });

  it('refuses a hostname whose lookup answers a private address (10.0.0.5)', async () => {
    // Prepare
    const resolve = vi.fn(async () => [{ address: '10.0.0.5', family: 4 }]);

    // Act
    const error = await refusal(
      new HttpFetcher({ resolve }).fetch({
        url: 'http://releases.example.org/ddp.xlsx',
        allowedHosts: ['releases.example.org'],
        maxBytes: 1024,
        timeoutMs: 1000,
      }),
    );

    // Assess
    expect(error.reason).toBe('releases.example.org resolves to 10.0.0.5 is a private address, refused');
  });

  it('checks the address the socket connects to: a refused answer is never contacted, an allowed one is', async () => {
    // Prepare: the name resolves to this test's own server, so any contact would show as a connection.
    routes.set('/r.xlsx', (_req, res) => res.writeHead(200).end('ok'));
    const resolve = vi.fn(async () => [{ address: '127.0.0.1', family: 4 }]);
    const port = new URL(origin).port;
    const target = { url: `http://demo.test:${port}/r.xlsx`, allowedHosts: ['demo.test'], maxBytes: 1024, timeoutMs: 5000 };

    // Act
    const error = await refusal(new HttpFetcher({ resolve }).fetch(target));
    const connectionsWhenRefused = connections;
    const allowed = await new HttpFetcher({ resolve }).fetch({ ...target, allowLoopback: true });

    // Assess
    expect(error.reason).toBe('demo.test resolves to 127.0.0.1 is a loopback address, refused');
    expect(connectionsWhenRefused).toBe(0);
    expect(allowed.status).toBe(200);
    expect(connections).toBe(1);
  });

  it('refuses when any of several answers is forbidden', async () => {
    // Prepare
    const resolve = vi.fn(async () => [
      { address: '93.184.216.34', family: 4 },
      { address: 'fd00::5', family: 6 },
    ]);

    // Act
    const error = await refusal(
      new HttpFetcher({ resolve }).fetch({
        url: 'http://mixed.example/r.xlsx',
        allowedHosts: ['mixed.example'],
        maxBytes: 1024,
        timeoutMs: 1000,
      }),
    );

    // Assess
    expect(error.reason).toBe('mixed.example resolves to fd00::5 is a unique-local address, refused');
  });
});

describe('HttpFetcher: size, time and type', () => {
  it('aborts a body without a length that never ends at the cap, and keeps no partial file', async () => {
    // Prepare
    let written = 0;
    let closedByClient = false;
    routes.set('/endless.xlsx', (_req, res) => {
      res.writeHead(200, { 'Content-Type': XLSX });
      const chunk = Buffer.alloc(16 * 1024, 1);
      const pump = () => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (closedByClient = true));
      pump();
    });
    const file = join(scratch, 'endless.xlsx');

    // Act
    const error = await refusal(new HttpFetcher().fetch(request('/endless.xlsx', { maxBytes: 256 * 1024, toFile: file })));

    // Assess
    expect(error.reason).toBe('body exceeds the cap of 262144 bytes');
    expect(existsSync(file)).toBe(false);
    await vi.waitFor(() => expect(closedByClient).toBe(true));
    expect(written).toBeGreaterThan(256 * 1024);
  });

  it('refuses an oversize Content-Length before reading any of the body', async () => {
    // Prepare: the server announces 50 MB and never sends a byte of it.
    routes.set('/huge.xlsx', (_req, res) => {
      res.writeHead(200, { 'Content-Type': XLSX, 'Content-Length': String(50 * 1024 * 1024) });
      res.flushHeaders();
    });

    // Act
    const error = await refusal(new HttpFetcher().fetch(request('/huge.xlsx', { maxBytes: 1024 * 1024 })));

    // Assess
    expect(error.reason).toBe('Content-Length 52428800 exceeds the cap of 1048576 bytes');
  });

  it('times out a server that never answers', async () => {
    // Prepare
    routes.set('/stalled', () => undefined);

    // Act
    const error = await failure(new HttpFetcher().fetch(request('/stalled', { timeoutMs: 300 })));

    // Assess
    expect(error.reason).toMatch(/^(timed out after 300 ms|no data for 300 ms)$/);
  });

  it('times out a body that stops arriving, by the idle timeout', async () => {
    // Prepare
    routes.set('/half.xlsx', (_req, res) => {
      res.writeHead(200, { 'Content-Type': XLSX, 'Content-Length': '1000' });
      res.write(Buffer.alloc(500));
    });

    // Act
    const error = await failure(new HttpFetcher().fetch(request('/half.xlsx', { timeoutMs: 30_000, idleTimeoutMs: 200 })));

    // Assess
    expect(error.reason).toBe('no data for 200 ms');
  });

  it('fails a body cut short by the server as retryable, and keeps no partial file', async () => {
    // Prepare
    routes.set('/cut.xlsx', (_req, res) => {
      res.writeHead(200, { 'Content-Type': XLSX, 'Content-Length': '1000' });
      res.write(Buffer.alloc(500), () => res.socket?.destroy());
    });
    const file = join(scratch, 'cut.xlsx');

    // Act
    const error = await failure(new HttpFetcher().fetch(request('/cut.xlsx', { toFile: file })));

    // Assess
    expect(error.reason).toBe('connection closed after 500 of 1000 bytes');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses an HTML page served where a spreadsheet is expected', async () => {
    // Prepare
    routes.set('/r.xlsx', (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<html>Please sign in</html>'),
    );

    // Act
    const error = await refusal(new HttpFetcher().fetch(request('/r.xlsx', { accept: [XLSX, 'application/octet-stream'] })));

    // Assess
    expect(error.reason).toBe(`Content-Type text/html contradicts the expected ${XLSX}, application/octet-stream`);
  });

  it('accepts a type matching a wildcard, and a response without a Content-Type', async () => {
    // Prepare
    routes.set('/t.csv', (_req, res) => res.writeHead(200, { 'Content-Type': 'text/csv' }).end('a,b'));
    routes.set('/untyped', (_req, res) => {
      res.removeHeader('Content-Type');
      res.writeHead(200).end('a,b');
    });

    // Act
    const typed = await new HttpFetcher().fetch(request('/t.csv', { accept: ['text/*'] }));
    const untyped = await new HttpFetcher().fetch(request('/untyped', { accept: ['application/pdf'] }));

    // Assess
    expect(typed.status).toBe(200);
    expect(untyped.status).toBe(200);
  });

  it('reports an HTTP error status as a retryable failure with the status', async () => {
    // Prepare
    routes.set('/down', (_req, res) => res.writeHead(503).end('busy'));

    // Act
    const error = await failure(new HttpFetcher().fetch(request('/down')));

    // Assess
    expect(error.status).toBe(503);
    expect(error.reason).toBe('HTTP 503');
  });
});

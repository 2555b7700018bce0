import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../functions/commons/config';
import { pollSource } from '../../functions/poll/poll';
import { uniqueName, useEmulators } from '../support/emulators';
import { openPipeline, type Pipeline } from './pipeline';

const CAP = 1024 * 1024;

/**
 * A hostile release server on 127.0.0.1: each index page links one bad download. The poll must
 * refuse each with a clear reason and archive nothing.
 */
describe('hostile downloads through poll', () => {
  const emulators = useEmulators();
  let pipeline: Pipeline;
  let server: Server;
  let base: string;
  let endlessBytesSent = 0;

  beforeAll(async () => {
    pipeline = await openPipeline({
      endpoints: emulators.endpoints,
      tableName: emulators.tableName,
      bucket: emulators.bucket,
      workDir: emulators.workDir,
      tag: uniqueName('fetch'),
    });
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const index = (href: string) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<html><body><a href="${href}">release</a></body></html>`);
      };
      if (path === '/redirect/index.html') return index('/redirect/release.xlsx');
      if (path === '/redirect/release.xlsx') {
        res.writeHead(302, { location: 'http://downloads.evil.example/release.xlsx' });
        return res.end();
      }
      if (path === '/metadata/index.html') return index('http://169.254.169.254/latest/meta-data/release.xlsx');
      if (path === '/endless/index.html') return index('/endless/release.xlsx');
      if (path === '/endless/release.xlsx') {
        res.writeHead(200, { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
        const chunk = Buffer.alloc(64 * 1024, 0x50);
        const pump = () => {
          while (!res.destroyed && endlessBytesSent < 64 * CAP && res.write(chunk)) endlessBytesSent += chunk.length;
        };
        res.on('drain', pump);
        return pump();
      }
      if (path === '/typed/index.html') return index('/typed/release.xlsx');
      if (path === '/typed/release.xlsx') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end('<html><body>Please sign in</body></html>');
      }
      if (path === '/large/index.html') return index('/large/release.xlsx');
      if (path === '/large/release.xlsx') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(2 * CAP) });
        return res.end(Buffer.alloc(2 * CAP));
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    pipeline?.destroy();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function source(name: string, extraHosts: string[] = []): SourceConfig {
    return {
      name,
      url: `${base}/${name}/index.html`,
      linkPattern: '\\.xlsx$',
      allowedHosts: ['127.0.0.1', ...extraHosts],
      parser: 'ddp',
      maxBytes: CAP,
      allowLoopback: true,
    };
  }

  async function expectRefused(config: SourceConfig, reason: RegExp): Promise<void> {
    const error = await pollSource(pipeline.deps, config).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(reason);
    expect(await pipeline.deps.releases.listReleases(config.name)).toEqual([]);
    expect((await pipeline.deps.releases.getSourceState(config.name))?.consecutiveFailures).toBe(1);
  }

  it('refuses a redirect to a host outside the allow-list', async () => {
    await expectRefused(source('redirect'), /downloads\.evil\.example is not in the allow-list/);
  });

  it('refuses a link to the instance metadata address even when the host is allowed', async () => {
    await expectRefused(source('metadata', ['169.254.169.254']), /169\.254\.169\.254.*refused/);
  });

  it('stops an endless body without a length at the download cap', async () => {
    await expectRefused(source('endless'), /exceeds the cap of 1048576 bytes/);
    expect(endlessBytesSent).toBeLessThan(64 * CAP);
  });

  it('refuses a Content-Type that contradicts the file', async () => {
    await expectRefused(source('typed'), /Content-Type text\/html contradicts/);
  });

  it('refuses a file whose declared length is over the download cap', async () => {
    await expectRefused(source('large'), /Content-Length 2097152 exceeds the cap/);
  });
});

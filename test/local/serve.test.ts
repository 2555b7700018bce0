import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, openLocal, SITE_BUCKET_NAME } from '../../local/runtime';
import { serve } from '../../local/serve';
import { serveStateFile } from '../../local/serve-state';

/** `serve`: one port for the subscription handler (`/api/`) and the site bucket, serve.json while up. */
describe('detainer-watch serve', () => {
  let home: string;
  let local: LocalRuntime;
  let stop: () => void;
  let served: Promise<void>;
  let url = '';
  const printed: string[] = [];

  beforeAll(async () => {
    // Prepare
    home = await mkdtemp(join(tmpdir(), 'dw-serve-'));
    local = await openLocal({ home, config: { schedule: 'cron(7 * * * ? *)', timeZone: 'America/New_York' } });
    await local.clients.s3.send(
      new PutObjectCommand({
        Bucket: SITE_BUCKET_NAME,
        Key: 'index.html',
        Body: '<h1>rankings</h1>',
        ContentType: 'text/html; charset=utf-8',
      }),
    );
    await local.clients.s3.send(
      new PutObjectCommand({ Bucket: SITE_BUCKET_NAME, Key: 'feed.json', Body: '{"items":[]}', ContentType: 'application/feed+json' }),
    );
    const until = new Promise<void>((resolve) => (stop = resolve));
    served = serve(local, { port: 0, out: (line) => printed.push(line), until });
    for (let i = 0; i < 100 && !existsSync(serveStateFile(home)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    url = (JSON.parse(readFileSync(serveStateFile(home), 'utf8')) as { url: string }).url;
  }, 120_000);

  afterAll(async () => {
    stop?.();
    await served;
    await local?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('writes serve.json with its pid, URL and the emulator endpoints, and prints the URL and the next poll', () => {
    // Assess
    const state = JSON.parse(readFileSync(serveStateFile(home), 'utf8'));
    expect(state).toEqual({ pid: process.pid, url, endpoints: local.endpoints });
    expect(printed.join('\n')).toContain(url);
    expect(printed.join('\n')).toMatch(/Next poll \d{4}-\d\d-\d\dT\d\d:07:00\.000Z \(cron\(7 \* \* \* \? \*\), America\/New_York\)/);
  });

  it('serves the site bucket at / with the stored content types, and 404 for a missing key', async () => {
    // Act
    const [index, feed, missing] = await Promise.all([fetch(`${url}/`), fetch(`${url}/feed.json`), fetch(`${url}/nothing.html`)]);

    // Assess
    expect([index.status, index.headers.get('content-type'), await index.text()]).toEqual([
      200,
      'text/html; charset=utf-8',
      '<h1>rankings</h1>',
    ]);
    expect([feed.status, feed.headers.get('content-type')]).toEqual([200, 'application/feed+json']);
    expect(missing.status).toBe(404);
  });

  it('hands /api/ requests to the subscription handler as Function URL events (a forged token changes nothing)', async () => {
    // Act
    const forged = await fetch(`${url}/api/unsubscribe?token=eyJlIjoiYSJ9.forged`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const unknown = await fetch(`${url}/api/nothing`);

    // Assess
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('Link not valid');
    expect(unknown.status).toBe(404);
  });

  it('stops on its signal and removes serve.json', async () => {
    // Act
    stop();
    await served;

    // Assess
    expect(existsSync(serveStateFile(home))).toBe(false);
  });
});

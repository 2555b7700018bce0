import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS } from '../../functions/domain/subscriber';
import { signToken } from '../../functions/subscription/token';
import { runDemo } from '../../local/demo-run';
import { ENDPOINT_ENV } from '../../local/emulators';
import { openLocal } from '../../local/runtime';
import { startSubscriptionServer } from '../../local/subscription-server';
import { uniqueName, useEmulators } from '../support/emulators';
import { openPipeline, type Pipeline } from './pipeline';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'reliability-suite-secret';

const emulators = useEmulators();

describe('signed subscription links over HTTP', () => {
  let pipeline: Pipeline;
  let server: { url: string; stop(): Promise<void> };
  const reader = `reader+${uniqueName('token')}@example.org`;
  const other = `other+${uniqueName('token')}@example.org`;

  beforeAll(async () => {
    pipeline = await openPipeline({
      endpoints: emulators.endpoints,
      tableName: emulators.tableName,
      bucket: emulators.bucket,
      workDir: emulators.workDir,
      tag: uniqueName('sec'),
    });
    for (const email of [reader, other]) {
      await pipeline.deps.subscribers.putSubscriber({
        email,
        status: 'confirmed',
        filters: DEFAULT_FILTERS,
        createdAt: '2026-01-01T00:00:00.000Z',
        confirmedAt: '2026-01-01T00:00:00.000Z',
      });
    }
    server = await startSubscriptionServer(pipeline.deps);
  });

  afterAll(async () => {
    await server?.stop();
    pipeline?.destroy();
  });

  // RFC 8058 one-click: a POST; a GET only shows the button (a link scanner must not unsubscribe).
  const unsubscribe = async (token: string) =>
    (
      await fetch(`${server.url}/unsubscribe?token=${encodeURIComponent(token)}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).status;

  it("refuses a forged, an expired and another address's unsubscribe token, and honours a genuine one", async () => {
    // Prepare
    const forged = signToken('not-the-secret', { email: reader, action: 'unsubscribe' });
    const expired = signToken(SECRET, { email: reader, action: 'unsubscribe', expiresAt: Date.now() - 60_000 });
    const [, readerSignature] = signToken(SECRET, { email: reader, action: 'unsubscribe' }).split('.');
    const [otherPayload] = signToken(SECRET, { email: other, action: 'unsubscribe' }).split('.');
    const swapped = `${otherPayload}.${readerSignature}`;
    const confirmToken = signToken(SECRET, { email: reader, action: 'confirm' });

    // Act
    const refused = [await unsubscribe(forged), await unsubscribe(expired), await unsubscribe(swapped), await unsubscribe(confirmToken)];
    const statusAfterRefusals = [
      (await pipeline.deps.subscribers.getSubscriber(reader))?.status,
      (await pipeline.deps.subscribers.getSubscriber(other))?.status,
    ];
    const genuine = await unsubscribe(signToken(SECRET, { email: reader, action: 'unsubscribe' }));

    // Assess
    for (const status of refused) expect(status).toBeGreaterThanOrEqual(400);
    expect(statusAfterRefusals).toEqual(['confirmed', 'confirmed']);
    expect(genuine).toBe(200);
    expect((await pipeline.deps.subscribers.getSubscriber(reader))?.status).toBe('unsubscribed');
    expect((await pipeline.deps.subscribers.getSubscriber(other))?.status).toBe('confirmed');
  });
});

describe('no secrets in the repository, no addresses or secrets in the logs', () => {
  it('keeps AWS keys, private keys and generated secrets out of every tracked file', async () => {
    // Prepare
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean);
    const patterns = [
      /AKIA[0-9A-Z]{16}/,
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      /^\s*aws_secret_access_key\s*=\s*[A-Za-z0-9/+]{40}/im,
      /"?SecretAccessKey"?\s*[:=]\s*"[A-Za-z0-9/+]{40}"/,
    ];

    // Act
    const hits: string[] = [];
    for (const file of files) {
      if (/\.(xlsx|pdf|png|jpg|gz|zip)$/.test(file) || file.includes('package-lock')) continue;
      const text = await readFile(join(REPO, file), 'utf8').catch(() => '');
      for (const pattern of patterns) if (pattern.test(text)) hits.push(`${file}: ${pattern}`);
    }

    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => /secret\.key$|\.env$/.test(f))).toBe(false);
    expect(hits).toEqual([]);
  });

  it('writes ids, not email addresses or the token secret, to the local log during the demo', async () => {
    // Prepare: the CLI's own runtime, pointed at this suite's emulators through the standard variables.
    const saved = Object.fromEntries(Object.values(ENDPOINT_ENV).map((name) => [name, process.env[name]]));
    for (const [service, name] of Object.entries(ENDPOINT_ENV))
      process.env[name] = emulators.endpoints[service as keyof typeof emulators.endpoints];
    const home = join(emulators.workDir, 'local');
    let output = '';

    // Act
    try {
      const local = await openLocal({ home });
      try {
        await runDemo(local, (text) => (output += `${text}\n`));
      } finally {
        await local.stop();
      }
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const log = await readFile(join(home, 'logs', 'detainer-watch.log'), 'utf8');
    const secret = (await readFile(join(home, 'secret.key'), 'utf8')).trim();

    // Assess
    expect(output).toContain('Release 3 of 3');
    expect(log.split('\n').filter(Boolean).length).toBeGreaterThan(5);
    expect(log).toContain('"change":"demo#');
    expect(log).not.toContain('@');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(log).not.toContain(secret);
  }, 180_000);
});

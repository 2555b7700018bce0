import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../functions/commons/all-clients';
import { startEmulators } from '../../local/emulators';
import { ensureBucket, ensureTable } from '../../local/provision';

let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'dw-emulators-test-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

/** Polls until `url` stops answering, up to `attempts` × 250 ms. */
async function gone(url: string, attempts = 120): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (!(await answers(url))) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe('startEmulators', () => {
  it('keeps DynamoDB and S3 state under the home directory across restarts, and stops listening on stop()', async () => {
    // Prepare
    const first = await startEmulators({ home });
    const clients = await createClients({ endpoints: first.endpoints });
    await ensureTable(clients.dynamodb, 'dw-state');
    await ensureBucket(clients.s3, 'dw-raw');
    await clients.dynamodb.send(new PutCommand({ TableName: 'dw-state', Item: { pk: 'SOURCE#ddp', sk: 'STATE', etag: '"v1"' } }));
    await clients.s3.send(new PutObjectCommand({ Bucket: 'dw-raw', Key: 'raw/ddp/x.xlsx', Body: Buffer.from('bytes') }));
    const endpointsBefore = Object.values(first.endpoints);
    const listening = await Promise.all(endpointsBefore.map(answers));
    await first.stop();
    const stopped = await Promise.all(endpointsBefore.map((url) => gone(url, 4)));

    // Act
    const second = await startEmulators({ home });
    const again = await createClients({ endpoints: second.endpoints });
    try {
      const tableAgain = await ensureTable(again.dynamodb, 'dw-state');
      const state = await again.dynamodb.send(new GetCommand({ TableName: 'dw-state', Key: { pk: 'SOURCE#ddp', sk: 'STATE' } }));
      const object = await again.s3.send(new GetObjectCommand({ Bucket: 'dw-raw', Key: 'raw/ddp/x.xlsx' }));

      // Assess
      expect(listening).toEqual([true, true, true]);
      expect(stopped).toEqual([true, true, true]);
      expect(Object.values(second.endpoints).every((url) => url.startsWith('http://127.0.0.1:'))).toBe(true);
      expect(tableAgain).toBe('existed');
      expect(state.Item?.etag).toBe('"v1"');
      expect(await object.Body?.transformToString()).toBe('bytes');
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('does not start a service whose AWS_ENDPOINT_URL_* variable is set, and returns that endpoint', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL_SES = 'http://127.0.0.1:9/external-ses';

    // Act
    const emulators = await startEmulators({ home: join(home, 'external'), services: ['s3', 'ses'] }).finally(
      () => delete process.env.AWS_ENDPOINT_URL_SES,
    );

    // Assess
    try {
      expect(emulators.endpoints.ses).toBe('http://127.0.0.1:9/external-ses');
      expect(emulators.startupMs.ses).toBeUndefined();
      expect(emulators.startupMs.s3).toBeGreaterThan(0);
    } finally {
      await emulators.stop();
    }
  });

  it('says in one line how to get Java when it is missing', async () => {
    // Prepare
    const path = process.env.PATH;
    process.env.PATH = join(home, 'no-java-here');

    // Act
    const attempt = startEmulators({ home: join(home, 'no-java'), services: ['dynamodb'] }).finally(() => (process.env.PATH = path));

    // Assess
    await expect(attempt).rejects.toThrow(/^Java is required for DynamoDB Local: apt-get install openjdk-17-jre-headless$/);
  });

  it('takes every emulator down with a parent that is killed outright', async () => {
    // Prepare
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./emulators-parent.ts', import.meta.url)), join(home, 'orphans')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once('line', resolve);
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    const endpoints = Object.values(JSON.parse(line) as Record<string, string>);
    const upBefore = await Promise.all(endpoints.map(answers));

    // Act
    parent.kill('SIGKILL');

    // Assess
    expect(upBefore).toEqual([true, true, true]);
    expect(await Promise.all(endpoints.map((url) => gone(url)))).toEqual([true, true, true]);
  }, 180_000);
});

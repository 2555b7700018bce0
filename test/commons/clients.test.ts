import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients, DEFAULT_MAX_ATTEMPTS } from '../../functions/commons/all-clients';

const servers: Server[] = [];

async function stallingServer(): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((request) => {
    count++;
    request.resume();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('createClients', () => {
  it('gives loopback endpoints the emulator credentials even when real ones are in the environment', async () => {
    // Prepare
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEREAL';
    process.env.AWS_SECRET_ACCESS_KEY = 'real-secret';
    try {
      // Act
      const local = await createClients({ endpoints: { s3: 'http://127.0.0.1:9' } });
      const keys = [(await local.s3.config.credentials()).accessKeyId, (await local.dynamodb.config.credentials()).accessKeyId];

      // Assess
      expect(keys).toEqual(['S3RVER', 'AKIAEXAMPLEREAL']);
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('fails a stalled request with TimeoutError instead of hanging, after its bounded retries', async () => {
    // Prepare
    const stalled = await stallingServer();
    const { dynamodb } = await createClients({
      endpoints: { dynamodb: stalled.url },
      maxAttempts: 2,
      timeouts: { dynamodb: { requestMs: 300 } },
    });

    // Act
    const error = await dynamodb.send(new ListTablesCommand({})).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(stalled.requests()).toBe(2);
  });

  it('sets retries, region, path-style S3 and checksums deliberately', async () => {
    // Prepare
    const clients = await createClients({
      endpoints: { s3: 'http://127.0.0.1:9', dynamodb: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' },
      region: 'us-west-2',
    });

    // Act
    const s3 = clients.s3.config;
    const settings = {
      maxAttempts: await s3.maxAttempts(),
      retryMode: ((await s3.retryStrategy()) as { mode?: string }).mode,
      region: await s3.region(),
      forcePathStyle: s3.forcePathStyle,
      requestChecksumCalculation: await s3.requestChecksumCalculation(),
      responseChecksumValidation: await s3.responseChecksumValidation(),
      credentials: (await clients.ses.config.credentials()).accessKeyId,
    };

    // Assess
    expect(settings).toEqual({
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      retryMode: 'standard',
      region: 'us-west-2',
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: 'S3RVER',
    });
  });

  it('leaves the endpoint to the standard AWS_ENDPOINT_URL_* variables when none is given', async () => {
    // Prepare
    const stalled = await stallingServer();
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = stalled.url;
    try {
      const { dynamodb } = await createClients({
        maxAttempts: 1,
        timeouts: { dynamodb: { requestMs: 200 } },
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      });

      // Act
      await dynamodb.send(new ListTablesCommand({})).catch(() => undefined);

      // Assess
      expect(stalled.requests()).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
    }
  });
});

import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, describe, expect, it } from 'vitest';
import { S3Archive } from '../../functions/archive/s3-archive';
import { type Clients, createClients, LOCAL_CREDENTIALS } from '../../functions/commons/all-clients';
import { uniqueName, useEmulators } from '../support/emulators';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';

/**
 * Facts about the AWS SDK v3 defaults, measured against the emulators through the fault proxy.
 * The production clients (`createClients`) must override each of them deliberately.
 */
describe('SDK defaults the clients override', () => {
  const emulators = useEmulators();
  const proxies: FaultProxy[] = [];
  const clientsMade: Clients[] = [];

  async function proxy(service: 'dynamodb' | 's3' | 'ses'): Promise<FaultProxy> {
    const started = await startFaultProxy({ target: emulators.endpoints[service], service, stallMs: 3_000 });
    proxies.push(started);
    return started;
  }

  async function clients(endpoints: { dynamodb?: string; s3?: string; ses?: string }, maxAttempts = 4, requestMs = 500): Promise<Clients> {
    const made = await createClients({
      endpoints,
      maxAttempts,
      timeouts: { dynamodb: { requestMs }, s3: { requestMs }, ses: { requestMs } },
    });
    clientsMade.push(made);
    return made;
  }

  afterAll(async () => {
    for (const made of clientsMade) {
      made.dynamodb.destroy();
      made.s3.destroy();
      made.ses.destroy();
    }
    await Promise.all(proxies.map((p) => p.stop()));
  });

  it('fails a stalled response with TimeoutError/ETIMEDOUT instead of waiting for it', async () => {
    // Prepare
    const ddb = await proxy('dynamodb');
    ddb.addRule({ name: 'stall', match: () => true, action: 'stall' });
    const { dynamodb } = await clients({ dynamodb: ddb.url }, 1);

    // Act
    const error = await dynamodb
      .send(new GetCommand({ TableName: emulators.tableName, Key: { pk: 'a', sk: 'b' } }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(ddb.decisions.map((d) => d.fault)).toEqual(['stall']);
  });

  it('with requestTimeout alone (no throwOnRequestTimeout) the SDK only warns and waits for the connection to drop', async () => {
    // Prepare
    const ddb = await proxy('dynamodb');
    ddb.addRule({ name: 'stall', match: () => true, action: 'stall' });
    const bare = new DynamoDBClient({
      endpoint: ddb.url,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ requestTimeout: 200 }),
    });

    // Act
    const error = await bare.send(new GetCommand({ TableName: emulators.tableName, Key: { pk: 'a', sk: 'b' } })).catch((e: unknown) => e);
    bare.destroy();

    // Assess: no ETIMEDOUT at 200 ms; the call ended only when the proxy dropped the stalled socket.
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ECONNRESET' });
  });

  it('tells a reset from a timeout only by code: both are TimeoutError', async () => {
    // Prepare
    const ddb = await proxy('dynamodb');
    ddb.addRule({ name: 'reset', match: () => true, nth: 1, action: 'reset' });
    ddb.addRule({ name: 'stall', match: () => true, nth: 2, action: 'stall' });
    const { dynamodb } = await clients({ dynamodb: ddb.url }, 1);
    const get = () =>
      dynamodb.send(new GetCommand({ TableName: emulators.tableName, Key: { pk: 'a', sk: 'b' } })).then(
        () => ({ name: 'none', code: 'none' }),
        (e: unknown) => e as { name: string; code: string },
      );

    // Act
    const reset = await get();
    const timeout = await get();

    // Assess
    expect(reset.name).toBe('TimeoutError');
    expect(timeout.name).toBe('TimeoutError');
    expect([reset.code, timeout.code]).toEqual(['ECONNRESET', 'ETIMEDOUT']);
  });

  it('retries an S3 PutObject with a Buffer body, but not one with a stream body', async () => {
    // Prepare
    const s3 = await proxy('s3');
    s3.addRule({
      name: 'first buffer put',
      match: (r) => r.operation === 'PUT object' && r.path.includes('buffer-body'),
      nth: 1,
      action: 'http503',
    });
    s3.addRule({
      name: 'first stream put',
      match: (r) => r.operation === 'PUT object' && r.path.includes('stream-body'),
      nth: 1,
      action: 'http503',
    });
    const { s3: client } = await clients({ s3: s3.url }, 4, 5_000);

    // Act
    await client.send(new PutObjectCommand({ Bucket: emulators.bucket, Key: 'buffer-body', Body: Buffer.from('bytes') }));
    const streamError = await client
      .send(
        new PutObjectCommand({
          Bucket: emulators.bucket,
          Key: 'stream-body',
          Body: Readable.from([Buffer.from('bytes')]),
          ContentLength: 5,
        }),
      )
      .catch((e: unknown) => e);
    const stored = await client.send(new GetObjectCommand({ Bucket: emulators.bucket, Key: 'buffer-body' }));

    // Assess
    expect(await stored.Body?.transformToString()).toBe('bytes');
    expect(s3.decisions.filter((d) => d.path.includes('buffer-body') && d.method === 'PUT').map((d) => d.fault)).toEqual([
      'http503',
      'pass',
    ]);
    expect(streamError).toMatchObject({ $metadata: { httpStatusCode: 503 } });
    expect(s3.decisions.filter((d) => d.path.includes('stream-body')).map((d) => d.fault)).toEqual(['http503']);
  });

  it('the archive uploads a release so that the SDK can retry it (a 503 and a lost acknowledgement on the PUT)', async () => {
    // Prepare
    const s3 = await proxy('s3');
    s3.addRule({ name: 'slow down', match: (r) => r.operation === 'PUT object', nth: 1, action: 'throttle' });
    s3.addRule({ name: 'lost upload ack', match: (r) => r.operation === 'PUT object', nth: 2, action: 'lost-ack' });
    const { s3: client } = await clients({ s3: s3.url }, 4, 5_000);
    const bytes = Buffer.from('release bytes');
    const file = join(emulators.workDir, 'release.xlsx');
    await writeFile(file, bytes);
    const key = `raw/retry/${createHash('sha256').update(bytes).digest('hex')}.xlsx`;

    // Act
    const result = await new S3Archive(client, emulators.bucket).putFile(key, file, {
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const stored = await client.send(new GetObjectCommand({ Bucket: emulators.bucket, Key: key }));

    // Assess
    expect(result).toEqual({ existed: false });
    expect(s3.decisions.filter((d) => d.operation === 'PUT object').map((d) => d.fault)).toEqual(['throttle', 'lost-ack', 'pass']);
    expect(await stored.Body?.transformToString()).toBe('release bytes');
  });

  it('runs out of retry tokens after a streak of faults, after which the step retries alone carry on', async () => {
    // Prepare
    const ddb = await proxy('dynamodb');
    const { dynamodb } = await clients({ dynamodb: ddb.url }, 4);
    const key = { pk: uniqueName('budget'), sk: 'ITEM' };
    ddb.setRate(1, ['http500']);
    const attemptsPerCall: number[] = [];

    // Act: a dependency failing every request, until a call is no longer retried by the SDK.
    for (let call = 0; call < 200 && attemptsPerCall.at(-1) !== 1; call++) {
      const before = ddb.decisions.length;
      const error = await dynamodb.send(new GetCommand({ TableName: emulators.tableName, Key: key })).catch((e: unknown) => e);
      expect(error).toMatchObject({ $metadata: { httpStatusCode: 500 } });
      attemptsPerCall.push(ddb.decisions.length - before);
    }
    // The event source's redelivery: repeat the step (bounded) while a third of requests still fail.
    ddb.setRate(0.3, ['http500']);
    let stepAttempts = 0;
    let done = false;
    while (!done && stepAttempts < 50) {
      stepAttempts++;
      done = await dynamodb.send(new PutCommand({ TableName: emulators.tableName, Item: { ...key, value: 'written' } })).then(
        () => true,
        () => false,
      );
    }
    ddb.setRate(0);
    const { Item } = await dynamodb.send(new GetCommand({ TableName: emulators.tableName, Key: key }));

    // Assess
    const retries = attemptsPerCall.reduce((sum, n) => sum + n - 1, 0);
    expect(attemptsPerCall[0]).toBe(4);
    expect(attemptsPerCall.at(-1)).toBe(1);
    // Measured with this SDK: 14 tokens per retried 5xx (not the 5 of older releases), 500 to start.
    expect(retries * 14).toBeLessThanOrEqual(500);
    expect(retries * 14).toBeGreaterThan(500 - 3 * 14);
    expect(done).toBe(true);
    expect(Item).toMatchObject({ value: 'written' });
  });

  it('reads AWS_ENDPOINT_URL_SES in the SES v1 client', async () => {
    // Prepare
    const ses = await proxy('ses');
    ses.addRule({ name: 'answer without the emulator', match: () => true, action: 'http500' });
    const saved = process.env.AWS_ENDPOINT_URL_SES;
    process.env.AWS_ENDPOINT_URL_SES = ses.url;
    const client = new SESClient({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });

    // Act
    try {
      await client.send(new VerifyEmailIdentityCommand({ EmailAddress: 'sender@example.org' })).catch(() => undefined);
    } finally {
      client.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SES;
      else process.env.AWS_ENDPOINT_URL_SES = saved;
    }

    // Assess
    expect(ses.decisions.map((d) => d.operation)).toEqual(['VerifyEmailIdentity']);
  });
});

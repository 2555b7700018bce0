import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { localContext } from '../../local/lambda-context';
import { StreamReader } from '../../local/stream-reader';
import { createStreamsClient } from '../../local/streams-client';
import { useEmulators } from '../support/emulators';

const env = useEmulators({ bucket: false });

describe('StreamReader: where a home’s mappings begin', () => {
  const clients: ReturnType<typeof createStreamsClient>[] = [];
  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  const put = (pk: string) =>
    env.clients.dynamodb.send(new PutItemCommand({ TableName: env.tableName, Item: { pk: { S: pk }, sk: { S: 'S' } } }));

  /** A reader with one consumer that keeps the keys it is handed; its checkpoints in `dir` when given. */
  function reader(dir?: string) {
    const seen: string[] = [];
    const streams = createStreamsClient({ endpoints: { dynamodbstreams: env.endpoints.dynamodb } });
    clients.push(streams);
    const stream = new StreamReader(
      {
        dynamodb: env.clients.dynamodb,
        streams,
        tableName: env.tableName,
        ...(dir ? { dir } : {}),
        context: () => localContext('notify', 120),
      },
      [
        {
          name: 'keys',
          handler: async (event) => void seen.push(...event.Records.map((r: DynamoDBRecord) => r.dynamodb?.Keys?.pk?.S ?? '?')),
        },
      ],
    );
    return { stream, seen };
  }

  it('starts a new home at the stream’s end, as the stack’s LATEST mappings do, then goes on from its position', async () => {
    await put('before-1');
    await put('before-2');
    const home = join(env.workDir, 'home-a');
    const first = reader(home);
    await first.stream.begin();
    expect(existsSync(join(home, 'stream-keys.json'))).toBe(true);
    await put('after-1');
    expect(await first.stream.pump()).toBe(1);
    expect(first.seen).toEqual(['after-1']);

    // A later process on the same home goes on from the kept position: a record written while no
    // process ran is delivered, and begin() moves nothing.
    await put('between');
    const second = reader(home);
    await second.stream.begin();
    expect(await second.stream.pump()).toBe(1);
    expect(second.seen).toEqual(['between']);
  });

  it('reads from the stream’s start without begin() or without a folder', async () => {
    const unbegun = reader(join(env.workDir, 'home-b'));
    await unbegun.stream.pump();
    expect(unbegun.seen).toEqual(['before-1', 'before-2', 'after-1', 'between']);
    const inMemory = reader();
    await inMemory.stream.begin();
    await inMemory.stream.pump();
    expect(inMemory.seen).toEqual(['before-1', 'before-2', 'after-1', 'between']);
  });
});

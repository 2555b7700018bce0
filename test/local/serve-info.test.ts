import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLiveServe } from '../../local/serve-info';

describe('readLiveServe', () => {
  let home: string;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'dw-serve-info-'));
    server = createServer((_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(home, { recursive: true, force: true });
  });
  const write = (value: unknown) => writeFile(join(home, 'serve.json'), typeof value === 'string' ? value : JSON.stringify(value));

  it('is undefined when no serve has written its file', async () => {
    expect(await readLiveServe(home)).toBeUndefined();
  });

  it('returns the endpoints of a live serve whose DynamoDB answers', async () => {
    const info = { pid: process.pid, url: 'http://127.0.0.1:8787', endpoints: { dynamodb: url, s3: url, ses: url } };
    await write(info);
    expect(await readLiveServe(home)).toEqual(info);
  });

  it('ignores a file left by a serve whose process is gone', async () => {
    await write({ pid: 2 ** 22 + 12345, url: 'http://127.0.0.1:8787', endpoints: { dynamodb: url, s3: url, ses: url } });
    expect(await readLiveServe(home)).toBeUndefined();
  });

  it('ignores a live process whose DynamoDB does not answer', async () => {
    await write({ pid: process.pid, url: 'http://127.0.0.1:8787', endpoints: { dynamodb: 'http://127.0.0.1:1', s3: url, ses: url } });
    expect(await readLiveServe(home)).toBeUndefined();
  });

  it('ignores a file that is not the serve format', async () => {
    await write('{"pid": "one"');
    expect(await readLiveServe(home)).toBeUndefined();
    await write({ pid: process.pid, endpoints: { dynamodb: url } });
    expect(await readLiveServe(home)).toBeUndefined();
  });
});

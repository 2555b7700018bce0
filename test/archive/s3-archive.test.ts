import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Archive, SINGLE_PUT_MAX_BYTES } from '../../functions/archive/s3-archive';
import { useEmulators } from '../support/emulators';

const env = useEmulators({ table: false });

async function fileOf(name: string, bytes: Buffer): Promise<{ path: string; sha256: string }> {
  const path = join(env.workDir, name);
  await writeFile(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

describe('S3Archive', () => {
  it('stores a file once: the second put of the same key finds it and uploads nothing', async () => {
    // Prepare
    const archive = new S3Archive(env.clients.s3, env.bucket);
    const { path, sha256 } = await fileOf('release.xlsx', randomBytes(200_000));
    const key = `raw/ddp/${sha256}.xlsx`;
    const absent = await archive.exists(key);

    // Act
    const first = await archive.putFile(key, path, {
      sha256,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      sourceUrl: 'https://example.org/ICE Detainers.xlsx',
    });
    const second = await archive.putFile(key, path, { sha256 });

    // Assess
    expect([absent, first.existed, second.existed, await archive.exists(key)]).toEqual([false, false, true, true]);
    const head = await env.clients.s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    expect(head.Metadata).toMatchObject({ sha256, 'source-url': 'https://example.org/ICE%20Detainers.xlsx' });
    expect(head.ContentLength).toBe(200_000);
  });

  it('gives back exactly the stored bytes', async () => {
    // Prepare
    const archive = new S3Archive(env.clients.s3, env.bucket);
    const bytes = randomBytes(1_500_000);
    const { path, sha256 } = await fileOf('round-trip.bin', bytes);
    await archive.putFile(`raw/ddp/${sha256}.bin`, path, { sha256 });
    const copy = join(env.workDir, 'copy.bin');

    // Act
    await archive.getToFile(`raw/ddp/${sha256}.bin`, copy);

    // Assess
    expect(
      createHash('sha256')
        .update(await readFile(copy))
        .digest('hex'),
    ).toBe(sha256);
  });

  it('uploads a file above the single-put size in parts, intact', async () => {
    // Prepare
    const archive = new S3Archive(env.clients.s3, env.bucket);
    const bytes = randomBytes(SINGLE_PUT_MAX_BYTES + 5_000_000);
    const { path, sha256 } = await fileOf('large.xlsx', bytes);
    const key = `raw/ddp/${sha256}.xlsx`;
    const copy = join(env.workDir, 'large-copy.xlsx');

    // Act
    const put = await archive.putFile(key, path, { sha256 });
    await archive.getToFile(key, copy);

    // Assess
    expect(put.existed).toBe(false);
    expect(
      createHash('sha256')
        .update(await readFile(copy))
        .digest('hex'),
    ).toBe(sha256);
  }, 180_000);

  it('fails on a missing key without leaving a partial file', async () => {
    // Prepare
    const archive = new S3Archive(env.clients.s3, env.bucket);
    const target = join(env.workDir, 'missing.xlsx');

    // Act
    const attempt = archive.getToFile(`raw/ddp/${'0'.repeat(64)}.xlsx`, target);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(readFile(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('locates objects as s3:// in AWS and as an HTTP URL locally', () => {
    // Prepare
    const inAws = new S3Archive(env.clients.s3, 'dw-raw');
    const local = new S3Archive(env.clients.s3, 'dw-raw', { publicBaseUrl: 'http://127.0.0.1:4568/dw-raw/' });

    // Act
    const located = [inAws.locate('raw/ddp/abc.xlsx'), local.locate('raw/ddp/abc.xlsx')];

    // Assess
    expect(located).toEqual(['s3://dw-raw/raw/ddp/abc.xlsx', 'http://127.0.0.1:4568/dw-raw/raw/ddp/abc.xlsx']);
  });
});

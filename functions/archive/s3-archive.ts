import { createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { Archive } from '../ports/archive';
import { archiveLocation } from './archive-location';

/**
 * Upload bodies are Buffers, never streams: the SDK retries a Buffer body but not a stream one.
 * Files up to this size go in one PutObject; larger ones (a real DDP release is ~100 MB) in
 * multipart parts of PART_BYTES, each read from disk into a Buffer, so each part is retried on its
 * own and memory holds one part at a time.
 */
export const SINGLE_PUT_MAX_BYTES = 32 * 1024 * 1024;
const PART_BYTES = 16 * 1024 * 1024;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

export interface S3ArchiveOptions {
  /** Local mode: where a person downloads an object (`http://127.0.0.1:PORT/bucket`). */
  publicBaseUrl?: string;
}

/** Fill `body` from `offset`: a read may return fewer bytes than asked. */
async function readFully(handle: Awaited<ReturnType<typeof open>>, body: Buffer, offset: number): Promise<void> {
  for (let at = 0; at < body.length; ) {
    const { bytesRead } = await handle.read(body, at, body.length - at, offset + at);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${offset + at} while it was being archived`);
    at += bytesRead;
  }
}

/** The raw-release archive in S3. Keys are content-addressed, so an existing key holds these bytes. */
export class S3Archive implements Archive {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly options: S3ArchiveOptions = {},
  ) {}

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async putFile(
    key: string,
    file: string,
    meta: { sha256: string; contentType?: string; sourceUrl?: string },
  ): Promise<{ existed: boolean }> {
    if (await this.exists(key)) return { existed: true };
    const object = {
      Bucket: this.bucket,
      Key: key,
      ContentType: meta.contentType ?? 'application/octet-stream',
      Metadata: { sha256: meta.sha256, ...(meta.sourceUrl ? { 'source-url': encodeURI(meta.sourceUrl) } : {}) },
    };
    const { size } = await stat(file);
    const handle = await open(file, 'r');
    try {
      if (size <= SINGLE_PUT_MAX_BYTES) {
        await this.client.send(new PutObjectCommand({ ...object, Body: await handle.readFile() }));
      } else {
        await this.putMultipart(object, handle, size);
      }
    } finally {
      await handle.close();
    }
    return { existed: false };
  }

  private async putMultipart(
    object: { Bucket: string; Key: string; ContentType: string; Metadata: Record<string, string> },
    handle: Awaited<ReturnType<typeof open>>,
    size: number,
  ): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand(object));
    const target = { Bucket: object.Bucket, Key: object.Key, UploadId };
    try {
      const parts: { ETag?: string; PartNumber: number }[] = [];
      // One buffer for every part: a part's request is over (retries included) before the next
      // part is read, and a new 16 MB buffer per part left several of them waiting for a collection.
      const buffer = Buffer.allocUnsafe(Math.min(PART_BYTES, size));
      for (let offset = 0, partNumber = 1; offset < size; offset += PART_BYTES, partNumber++) {
        const body = buffer.subarray(0, Math.min(PART_BYTES, size - offset));
        await readFully(handle, body, offset);
        const { ETag } = await this.client.send(new UploadPartCommand({ ...target, PartNumber: partNumber, Body: body }));
        parts.push({ ETag, PartNumber: partNumber });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ ...target, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand(target)).catch(() => undefined);
      throw error;
    }
  }

  /** Streams to a temporary file beside `file` and renames it, so `file` is never half written. */
  async getToFile(key: string, file: string): Promise<void> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!Body) throw new Error(`s3://${this.bucket}/${key}: empty response`);
    const partial = `${file}.${process.pid}.partial`;
    try {
      await pipeline(Body as Readable, createWriteStream(partial));
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  locate(key: string): string {
    return archiveLocation(this.bucket, key, this.options.publicBaseUrl);
  }
}

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { LocalQueue } from './local-queue';

export interface S3NotificationsOptions {
  s3: S3Client;
  bucket: string;
  /** The stack's notification filter on the bucket (`raw/`). */
  prefix: string;
  queue: LocalQueue;
  /** Keys already announced, so a restart announces only what is new. */
  file?: string;
  clock?: () => Date;
}

/** The `s3:ObjectCreated:Put` record S3 writes to the queue for a new object. */
export function objectCreatedRecord(bucket: string, object: { key: string; size: number; eTag: string }, at: Date): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: at.toISOString(),
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'local' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'release-queue',
      bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
      // S3 URL-encodes keys in notifications (spaces as +); the ingest handler decodes them.
      object: {
        key: encodeURIComponent(object.key).replace(/%2F/g, '/').replace(/%20/g, '+'),
        size: object.size,
        eTag: object.eTag,
        sequencer: Date.now().toString(16).toUpperCase(),
      },
    },
  };
}

/**
 * s3rver does not send bucket notifications, so local mode announces new objects itself: it lists
 * the prefix and puts, for each object not seen before, the notification S3 would have put on
 * the release queue (an `S3Event`, one record, as the message body).
 */
export class S3Notifications {
  private seen = new Set<string>();

  constructor(private readonly options: S3NotificationsOptions) {
    if (options.file) {
      try {
        this.seen = new Set(JSON.parse(readFileSync(options.file, 'utf8')) as string[]);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /** Announces the new objects; returns how many. */
  async scan(): Promise<number> {
    let announced = 0;
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.options.prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const id = `${object.Key}#${object.ETag}`;
        if (!object.Key || this.seen.has(id)) continue;
        const event: S3Event = {
          Records: [
            objectCreatedRecord(
              this.options.bucket,
              { key: object.Key, size: object.Size ?? 0, eTag: (object.ETag ?? '').replace(/"/g, '') },
              (this.options.clock ?? (() => new Date()))(),
            ),
          ],
        };
        this.options.queue.send(JSON.stringify(event));
        this.seen.add(id);
        announced++;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (announced) this.save();
    return announced;
  }

  private save(): void {
    if (!this.options.file) return;
    mkdirSync(dirname(this.options.file), { recursive: true });
    writeFileSync(`${this.options.file}.tmp`, JSON.stringify([...this.seen]));
    renameSync(`${this.options.file}.tmp`, this.options.file);
  }
}

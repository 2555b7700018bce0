import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SiteObject, SitePublisher, StoredSiteObject } from '../ports/site-publisher';

/** The bucket s3rver holds the site in, locally (in AWS the stack names the bucket). */
export const LOCAL_SITE_BUCKET = 'detainer-watch-site';

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** The site bucket through the S3 SDK: the private bucket behind CloudFront, or s3rver locally. */
export class S3SitePublisher implements SitePublisher {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async list(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) found.set(object.Key, (object.ETag ?? '').replaceAll('"', ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async put(object: SiteObject): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: object.key,
        Body: typeof object.body === 'string' ? Buffer.from(object.body, 'utf8') : object.body,
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
      }),
    );
  }

  /** One request per key: only the pages of a retracted county ever go, a handful at most. */
  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async get(key: string): Promise<StoredSiteObject | undefined> {
    try {
      const answer = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      return {
        body,
        ...(answer.ContentType ? { contentType: answer.ContentType } : {}),
        ...(answer.CacheControl ? { cacheControl: answer.CacheControl } : {}),
        ...(answer.ETag ? { etag: answer.ETag } : {}),
        ...(answer.LastModified ? { lastModified: answer.LastModified } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

import type { ArchiveOptions } from '../composition/compose-deps';
import type { Archive } from '../ports/archive';
import { createS3Client } from './s3-client';

/** The S3 archive, its SDK loaded on the first upload or download rather than at cold start. */
export function s3ArchiveLoader(options: ArchiveOptions): () => Promise<Archive> {
  return async () => {
    const [{ S3Archive }, s3] = await Promise.all([import('./s3-archive'), options.clients?.s3 ?? createS3Client(options.clientOptions)]);
    return new S3Archive(s3, options.bucket, options.archiveBaseUrl ? { publicBaseUrl: options.archiveBaseUrl } : {});
  };
}

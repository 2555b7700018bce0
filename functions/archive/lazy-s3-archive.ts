import type { ClientOptions } from '../commons/client-settings';
import type { Clients } from '../commons/clients';
import { lazyPort } from '../commons/lazy-port';
import type { Archive } from '../ports/archive';
import { archiveLocation } from './archive-location';

export interface ArchiveWiring {
  clients?: Pick<Clients, 's3'>;
  clientOptions?: ClientOptions;
  bucket: string;
  archiveBaseUrl?: string;
}

/** The S3 archive, with the S3 SDK loaded on the first upload or download, not at cold start. */
export function lazyS3Archive(wiring: ArchiveWiring): Archive {
  return lazyPort<Archive>(
    async () => {
      const [{ S3Archive }, s3] = await Promise.all([import('./s3-archive'), wiring.clients?.s3 ?? import('../commons/s3-client').then((m) => m.createS3Client(wiring.clientOptions))]);
      return new S3Archive(s3, wiring.bucket, wiring.archiveBaseUrl ? { publicBaseUrl: wiring.archiveBaseUrl } : {});
    },
    { locate: (key: string) => archiveLocation(wiring.bucket, key, wiring.archiveBaseUrl) },
  );
}

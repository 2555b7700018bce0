import type { S3Client } from '@aws-sdk/client-s3';
import { type ClientOptions, clientSettings, hasCustomEndpoint } from '../commons/client-settings';

export async function createS3Client(options: ClientOptions = {}): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  return new S3Client({
    ...clientSettings('s3', options),
    forcePathStyle: hasCustomEndpoint('s3', options),
    // s3rver stores stream uploads with the aws-chunked framing otherwise; AWS needs no checksum for PutObject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

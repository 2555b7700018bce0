import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESClient } from '@aws-sdk/client-ses';
import type { ClientOptions } from './client-settings';
import { createDynamoDbClient } from './dynamodb-client';
import { createS3Client } from './s3-client';
import { createSesClient } from './ses-client';

export { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUTS, LOCAL_CREDENTIALS, RETRY_MODE } from './client-settings';
export type { ClientOptions, ClientTimeouts } from './client-settings';

export interface Clients {
  dynamodb: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESClient;
}

/**
 * All three clients at once, for local mode, tests and the bench. A Lambda builds each client
 * only when its step first needs it (`wireDeps` with `clientOptions`), so that loading the S3 or
 * SES SDK is not paid by functions that never call them.
 */
export function createClients(options: ClientOptions = {}): Clients {
  return { dynamodb: createDynamoDbClient(options), s3: createS3Client(options), ses: createSesClient(options) };
}

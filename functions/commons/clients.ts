import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClientOptions, clientSettings } from './client-settings';

export type { ClientOptions } from './client-settings';
export { DEFAULT_MAX_ATTEMPTS, LOCAL_CREDENTIALS } from './client-settings';

/**
 * The clients every Lambda may use, from `clientSettings` (timeouts, bounded retries, endpoints):
 * DynamoDB (imported statically, every step uses it) and SES (on first send). S3, SQS, SSM,
 * Secrets Manager and DynamoDB Streams clients are built where they are used (the archive
 * loader, notify, subscription, the Lambda root, local mode) from the same `clientSettings`:
 * esbuild puts every `import()` of a module it bundles into the bundle, so a factory here would
 * ship those SDKs in every Lambda. `all-clients.ts` builds the three at once for local mode.
 */
export function createDynamoDbClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  // The document client drops undefined attributes.
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientSettings('dynamodb', options)), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** SES v1: `SendRawEmail` keeps our own headers (List-Unsubscribe). */
export async function createSesClient(options: ClientOptions = {}): Promise<SESClient> {
  const { SESClient } = await import('@aws-sdk/client-ses');
  return new SESClient(clientSettings('ses', options));
}

export interface Clients {
  dynamodb: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESClient;
}

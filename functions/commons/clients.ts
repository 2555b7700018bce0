import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESClient } from '@aws-sdk/client-ses';
import { clientSettings, hasCustomEndpoint, type ClientOptions } from './client-settings';

export { DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUTS, LOCAL_CREDENTIALS, RETRY_MODE } from './client-settings';
export type { ClientOptions, ClientTimeouts } from './client-settings';

/**
 * Every AWS SDK client of the project is built here, from `clientSettings` (timeouts, bounded
 * retries, endpoints). DynamoDB is imported statically (every step uses it); the others are
 * imported when first built, so a Lambda loads only the SDKs its step calls.
 */
export function createDynamoDbClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  // The document client drops undefined attributes.
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientSettings('dynamodb', options)), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

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

/** SES v1: `SendRawEmail` keeps our own headers (List-Unsubscribe). */
export async function createSesClient(options: ClientOptions = {}): Promise<SESClient> {
  const { SESClient } = await import('@aws-sdk/client-ses');
  return new SESClient(clientSettings('ses', options));
}

export async function createSqsClient(options: ClientOptions = {}) {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  return new SQSClient(clientSettings('sqs', options));
}

export async function createSsmClient(options: ClientOptions = {}) {
  const { SSMClient } = await import('@aws-sdk/client-ssm');
  return new SSMClient(clientSettings('ssm', options));
}

export async function createSecretsClient(options: ClientOptions = {}) {
  const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  return new SecretsManagerClient(clientSettings('secretsmanager', options));
}

export async function createStreamsClient(options: ClientOptions = {}) {
  const { DynamoDBStreamsClient } = await import('@aws-sdk/client-dynamodb-streams');
  return new DynamoDBStreamsClient(clientSettings('dynamodbstreams', options));
}

export interface Clients {
  dynamodb: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESClient;
}

/** DynamoDB, S3 and SES at once, for local mode, tests and the bench. */
export async function createClients(options: ClientOptions = {}): Promise<Clients> {
  const [s3, ses] = await Promise.all([createS3Client(options), createSesClient(options)]);
  return { dynamodb: createDynamoDbClient(options), s3, ses };
}

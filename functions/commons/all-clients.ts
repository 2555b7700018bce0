import { createS3Client } from '../archive/s3-client';
import type { ClientOptions } from './client-settings';
import { type Clients, createDynamoDbClient, createSesClient } from './clients';

export * from './clients';

/** DynamoDB, S3 and SES at once, for local mode, tests and the bench (no Lambda bundle imports this). */
export async function createClients(options: ClientOptions = {}): Promise<Clients> {
  const [s3, ses] = await Promise.all([createS3Client(options), createSesClient(options)]);
  return { dynamodb: createDynamoDbClient(options), s3, ses };
}

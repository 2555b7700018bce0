// The table and buckets local mode uses, made on the emulators when missing. Apart from
// emulators.ts, which starts processes only, so a command can start DynamoDB Local before it
// loads the SDK; the S3 client loads only when a bucket is made (a read of the rankings needs none).
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput, TABLE_KEYS } from '../functions/store/table-schema';

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}

/** Create the table (and its TTL) unless it exists; resolves once it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient | DynamoDBDocumentClient, name: string): Promise<'created' | 'existed'> {
  const ddb = client as DynamoDBClient;
  const describe = async () => (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
  let status: string | undefined;
  let created = false;
  try {
    status = await describe();
  } catch (error) {
    if (errorName(error) !== 'ResourceNotFoundException') throw error;
    try {
      await ddb.send(new CreateTableCommand(createTableInput(name)));
      created = true;
    } catch (createError) {
      if (errorName(createError) !== 'ResourceInUseException') throw createError;
    }
    status = await describe();
  }
  for (let i = 0; status !== 'ACTIVE' && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = await describe();
  }
  if (created) {
    await ddb.send(
      new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true } }),
    );
  }
  return created ? 'created' : 'existed';
}

/** Create the bucket unless it exists. */
export async function ensureBucket(client: S3Client, name: string): Promise<'created' | 'existed'> {
  const { CreateBucketCommand, HeadBucketCommand } = await import('@aws-sdk/client-s3');
  try {
    await client.send(new HeadBucketCommand({ Bucket: name }));
    return 'existed';
  } catch (error) {
    const name_ = errorName(error);
    if (name_ !== 'NotFound' && name_ !== 'NoSuchBucket') throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: name }));
    return 'created';
  } catch (error) {
    if (errorName(error) === 'BucketAlreadyOwnedByYou') return 'existed';
    throw error;
  }
}

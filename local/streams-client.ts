import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type ClientOptions, clientSettings } from '../functions/commons/client-settings';

/** DynamoDB Streams, read by local mode's event source (Lambda reads the stream itself in AWS). */
export function createStreamsClient(options: ClientOptions = {}): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(clientSettings('dynamodbstreams', options));
}

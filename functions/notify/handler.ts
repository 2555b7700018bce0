import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { awsDeps } from '../commons/aws-deps';
import { ENVIRONMENT } from '../commons/environment';
import { count, instrumented, logger } from '../commons/powertools';
import { CHANGE_ITEM } from '../store/table-schema';
import { planDeliveries } from './notify';

const deps = { ...awsDeps(), count };
const queueUrl = process.env[ENVIRONMENT.deliveryQueueUrl] ?? '';
const batchSize = Number(process.env[ENVIRONMENT.deliveryBatchSize] ?? 50);
const sqs = new SQSClient({ maxAttempts: 4, requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000, throwOnRequestTimeout: true }) });

/** One subscriber batch of one change: the body of a delivery queue message. */
export interface DeliveryMessage {
  changeId: string;
  emails: string[];
}

/**
 * A change record was inserted (the event source filters on it): plan its delivery as batches on
 * the delivery queue. A retried plan enqueues batches again; deliver's send log skips what was sent.
 */
export const handler = instrumented(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const changeId = changeIdOf(record.dynamodb?.NewImage?.pk?.S);
    try {
      if (!changeId) continue;
      logger.appendKeys({ change: changeId });
      const batches = await planDeliveries(deps, changeId, batchSize);
      await enqueue(batches.map((emails) => ({ changeId, emails })));
      // Handed over: from here the delivery queue (and its DLQ) owns every batch, so the change
      // leaves the pending list; a failed hand-over leaves it pending and the stream retries.
      await deps.rankings.markChangeNotified(changeId);
    } catch (error) {
      logger.error('planning deliveries failed', { change: changeId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break; // stream order: later records are retried after this one
    }
  }
  return { batchItemFailures };
});

export function changeIdOf(pk: string | undefined): string | undefined {
  return pk?.startsWith(CHANGE_ITEM.pkPrefix) ? pk.slice(CHANGE_ITEM.pkPrefix.length) : undefined;
}

async function enqueue(messages: DeliveryMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const entries = messages.slice(start, start + 10).map((message, index) => ({ Id: String(start + index), MessageBody: JSON.stringify(message) }));
    const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (result.Failed?.length) throw new Error(`delivery queue refused ${result.Failed.length} of ${entries.length} batches: ${result.Failed[0].Code}`);
  }
}

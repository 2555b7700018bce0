import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Deps } from '../commons/deps';
import { ENVIRONMENT } from '../commons/environment';
import { logged } from '../commons/record-failures';
import { once } from '../composition/compose-deps';
import { lambdaEntry } from '../composition/lambda-root';
import type { DeliveryQueue } from '../ports/delivery-queue';
import { CHANGE_ITEM } from '../store/table-schema';
import { planDeliveries } from './notify';

/**
 * A change record was inserted (the event source filters on it): plan its delivery as batches on
 * the delivery queue. A retried plan enqueues batches again; deliver's send log skips what was
 * sent. A failed record is reported (Powertools partial batch response); the event source retries
 * from it, bisecting the batch, then parks it in the stream's on-failure queue.
 */
export function createNotifyHandler(deps: Deps) {
  const planRecord = async (record: DynamoDBRecord): Promise<void> => {
    const changeId = changeIdOf(record.dynamodb?.NewImage?.pk?.S);
    if (!changeId) return;
    const batches = await planDeliveries(deps, changeId, deps.config.deliveryBatchSize);
    await deps.deliveryQueue.enqueue(batches.map((emails) => ({ changeId, emails })));
    // Handed over: from here the delivery queue (and its DLQ) owns every batch, so the change
    // leaves the pending list; a failed hand-over leaves it pending and the stream retries.
    await deps.rankings.markChangeNotified(changeId);
  };
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, logged(deps, 'planning deliveries failed', planRecord), new BatchProcessor(EventType.DynamoDBStreams), {
      context,
      throwOnFullBatchFailure: false,
    });
}

export function changeIdOf(pk: string | undefined): string | undefined {
  return pk?.startsWith(CHANGE_ITEM.pkPrefix) ? pk.slice(CHANGE_ITEM.pkPrefix.length) : undefined;
}

/** SQS, its SDK loaded on the first hand-over. */
function sqsDeliveryQueue(): DeliveryQueue {
  const queue = once(async () => {
    const { SqsDeliveryQueue } = await import('./sqs-delivery-queue');
    return SqsDeliveryQueue.create(process.env[ENVIRONMENT.deliveryQueueUrl] ?? '');
  });
  return { enqueue: async (messages) => (await queue()).enqueue(messages) };
}

export const handler = lambdaEntry(createNotifyHandler, { deliveryQueue: sqsDeliveryQueue() });

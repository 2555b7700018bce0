import type { DynamoDBRecord } from 'aws-lambda';
import { type DeliveryTimings, deliveryTimings } from '../commons/config';
import { CHANGE_ITEM } from '../store/table-schema';

/**
 * How each event reaches its handler: the stack's event source mappings and queues are built from
 * these numbers, and local mode's queues and stream reader honour the same ones.
 */
export const INGEST_TIMEOUT_SECONDS = 600;

/** S3 object created → release queue → ingest. */
export const RELEASE_QUEUE = {
  /** The bucket notification's key filter: only raw releases announce themselves. */
  prefix: 'raw/',
  batchSize: 1,
  /** Six times the ingest timeout: AWS's advice for an SQS event source. */
  visibilityTimeoutSeconds: INGEST_TIMEOUT_SECONDS * 6,
  maxReceiveCount: 3,
} as const;

/** Table stream → notify (and every other stream consumer the composition registers). */
export const CHANGE_STREAM = {
  batchSize: 10,
  bisectBatchOnError: true,
  retryAttempts: 5,
  maxRecordAgeSeconds: 86_400,
} as const;

/** notify → delivery queue → deliver. */
export function deliveryQueueSettings(deliverTimeoutSeconds: number): DeliveryTimings & { batchSize: 1; maxReceiveCount: number } {
  return { ...deliveryTimings(deliverTimeoutSeconds), batchSize: 1, maxReceiveCount: 5 };
}

/** The stack's filter on the notify mapping: a change record was inserted. Local mode applies the same. */
export function isChangeInsert(record: DynamoDBRecord): boolean {
  return record.eventName === 'INSERT' && record.dynamodb?.NewImage?.sk?.S === CHANGE_ITEM.sk;
}

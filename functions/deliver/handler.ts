import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Deps } from '../commons/deps';
import { logged } from '../commons/record-failures';
import { lambdaEntry } from '../composition/lambda-root';
import { tokenSecretReader } from '../composition/token-secret';
import type { DeliveryMessage } from '../ports/delivery-queue';
import { deliveryChannels } from './channels';
import { batchComplete, DeliveryIncompleteError, deliverBatch } from './deliver-batch';

/**
 * One batch of one change's subscribers per message. The message is acknowledged only when the
 * batch is complete (`batchComplete`); otherwise its record is reported failed and the queue
 * shows it again after the visibility timeout, when every claim it found has expired.
 */
export function createDeliverHandler(deps: Deps) {
  const deliverRecord = async (record: SQSRecord): Promise<void> => {
    const report = await deliverBatch(deps, JSON.parse(record.body) as DeliveryMessage);
    deps.report?.({ step: 'deliver', report });
    if (!batchComplete(report)) throw new DeliveryIncompleteError(report);
  };
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, logged(deps, 'deliver failed', deliverRecord), new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
}

export const handler = lambdaEntry(createDeliverHandler, { channels: deliveryChannels, tokenSecret: tokenSecretReader() });

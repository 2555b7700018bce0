import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { awsDeps } from '../commons/aws-deps';
import { lazySesMailer } from '../notify/lazy-ses-mailer';
import { count, instrumented, logger } from '../commons/powertools';
import { notifyChange } from '../notify/notify';
import type { DeliveryMessage } from '../notify/handler';

const deps = { ...awsDeps({ mailer: lazySesMailer }), count };

/**
 * One batch of one change's subscribers per message. Sends that failed before SES accepted them
 * put the message back for a retry; the send log makes the retry skip those already sent.
 */
export const handler = instrumented(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { changeId, emails } = JSON.parse(record.body) as DeliveryMessage;
      logger.appendKeys({ change: changeId });
      const report = await notifyChange(deps, changeId, emails);
      if (report.failed > 0) throw new Error(`${report.failed} of ${emails.length} sends failed`);
    } catch (error) {
      logger.error('delivery failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});

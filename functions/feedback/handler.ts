import type { Context, SNSEvent } from 'aws-lambda';
import type { Deps } from '../commons/deps';
import { lambdaEntry } from '../composition/lambda-root';
import { handleSesEvent } from './feedback';

/** SES bounce/complaint notifications through SNS. A failure throws: Lambda retries, then the dead-letter queue. */
export function createFeedbackHandler(deps: Deps) {
  return async (event: SNSEvent, _context: Context): Promise<void> => {
    for (const record of event.Records) await handleSesEvent(deps, JSON.parse(record.Sns.Message) as unknown);
  };
}

export const handler = lambdaEntry(createFeedbackHandler);

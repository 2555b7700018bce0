import type { SNSEvent } from 'aws-lambda';
import { awsDeps } from '../commons/aws-deps';
import { count, instrumented } from '../commons/powertools';
import { handleSesEvent } from './feedback';

const deps = { ...awsDeps(), count };

/** SES bounce/complaint notifications through SNS. A failure throws: Lambda retries, then the dead-letter queue. */
export const handler = instrumented(async (event: SNSEvent): Promise<void> => {
  for (const record of event.Records) {
    await handleSesEvent(deps, JSON.parse(record.Sns.Message) as unknown);
  }
});

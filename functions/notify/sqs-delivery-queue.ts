import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientSettings } from '../commons/client-settings';
import type { DeliveryMessage, DeliveryQueue } from '../ports/delivery-queue';

/** The delivery queue in AWS: SQS, ten messages per request (the API's limit). */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** The queue on a client with the project's settings (timeouts, bounded retries). */
  static create(queueUrl: string): SqsDeliveryQueue {
    return new SqsDeliveryQueue(new SQSClient(clientSettings('sqs')), queueUrl);
  }

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const entries = messages
        .slice(start, start + 10)
        .map((message, index) => ({ Id: String(start + index), MessageBody: JSON.stringify(message) }));
      const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
      if (result.Failed?.length)
        throw new Error(`delivery queue refused ${result.Failed.length} of ${entries.length} batches: ${result.Failed[0].Code}`);
    }
  }
}

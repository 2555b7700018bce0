import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_FILTERS, type Subscriber, type SubscriberStatus } from '../domain/subscriber';
import type { SubscriberStore } from '../ports/store';
import { isConditionalCheckFailed } from './conflict-error';
import { withoutTableAttributes } from './dynamo-release-store';
import { queryAll } from './query-all';
import { keys, TABLE_KEYS } from './table-schema';

const STATUSES: SubscriberStatus[] = ['pending', 'confirmed', 'unsubscribed', 'suppressed'];

function statusIndex(status: SubscriberStatus, email: string) {
  return { gsi1pk: `SUBSCRIBERS#${status}`, gsi1sk: email.toLowerCase() };
}

/** Subscribers keyed by lower-cased address; the index lists one status without a scan. */
export class DynamoSubscriberStore implements SubscriberStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getSubscriber(email: string): Promise<Subscriber | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.subscriber(email), ConsistentRead: true }));
    return Item ? withoutTableAttributes<Subscriber>(Item) : undefined;
  }

  async putSubscriber(subscriber: Subscriber): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.subscriber(subscriber.email), type: 'subscriber', ...statusIndex(subscriber.status, subscriber.email), ...subscriber },
      }),
    );
  }

  /**
   * Moves an existing subscriber to `status` (`confirmedAt` is set on confirmation). A bounce or
   * complaint for an address that never subscribed is still recorded as suppressed (or
   * unsubscribed), so a later subscription of it is refused; any other status needs a subscriber.
   */
  async setSubscriberStatus(email: string, status: Subscriber['status'], reason?: string): Promise<void> {
    const now = new Date().toISOString();
    const index = statusIndex(status, email);
    const sets = ['#status = :status', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk'];
    const values: Record<string, unknown> = { ':status': status, ':gsi1pk': index.gsi1pk, ':gsi1sk': index.gsi1sk };
    if (reason !== undefined) {
      sets.push('#reason = :reason');
      values[':reason'] = reason;
    }
    if (status === 'confirmed') {
      sets.push('confirmedAt = if_not_exists(confirmedAt, :now)');
      values[':now'] = now;
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.subscriber(email),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: `SET ${sets.join(', ')}${reason === undefined ? ' REMOVE #reason' : ''}`,
          ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      if (status !== 'suppressed' && status !== 'unsubscribed') throw new Error(`no subscriber ${email} to mark ${status}`);
      await this.client
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.subscriber(email),
              type: 'subscriber',
              ...index,
              email,
              status,
              filters: DEFAULT_FILTERS,
              createdAt: now,
              ...(reason === undefined ? {} : { reason }),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch(async (putError: unknown) => {
          // Created between our two writes: apply the status to it instead.
          if (isConditionalCheckFailed(putError)) return this.setSubscriberStatus(email, status, reason);
          throw putError;
        });
    }
  }

  /** Every subscriber with `status` (all statuses when omitted), by address, across every page. */
  async listSubscribers(status?: SubscriberStatus): Promise<Subscriber[]> {
    const lists = await Promise.all(
      (status ? [status] : STATUSES).map((s) =>
        queryAll(this.client, {
          TableName: this.tableName,
          IndexName: TABLE_KEYS.gsi1.indexName,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `SUBSCRIBERS#${s}` },
        }),
      ),
    );
    return lists
      .flat()
      .map((item) => withoutTableAttributes<Subscriber>(item))
      .sort((a, b) => a.email.toLowerCase().localeCompare(b.email.toLowerCase()));
  }
}

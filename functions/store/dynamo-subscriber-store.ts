import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

/**
 * Subscribers keyed by lower-cased address; the index lists one status without a scan. A subscriber
 * with a link id also has a pointer item from that id to the address (signed links name the id).
 */
export class DynamoSubscriberStore implements SubscriberStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getSubscriber(email: string): Promise<Subscriber | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.subscriber(email), ConsistentRead: true }),
    );
    return Item ? withoutTableAttributes<Subscriber>(Item) : undefined;
  }

  async putSubscriber(subscriber: Subscriber): Promise<void> {
    const item = {
      ...keys.subscriber(subscriber.email),
      type: 'subscriber',
      ...statusIndex(subscriber.status, subscriber.email),
      ...subscriber,
    };
    if (!subscriber.id) {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
      return;
    }
    const pointer = { ...keys.subscriberId(subscriber.id), type: 'subscriber-id', email: subscriber.email.toLowerCase() };
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: this.tableName, Item: item } }, { Put: { TableName: this.tableName, Item: pointer } }],
      }),
    );
  }

  async getSubscriberById(id: string): Promise<Subscriber | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.subscriberId(id), ConsistentRead: true }),
    );
    return typeof Item?.email === 'string' ? this.getSubscriber(Item.email) : undefined;
  }

  async linkSubscriberId(email: string, id: string): Promise<void> {
    const pointer = { ...keys.subscriberId(id), type: 'subscriber-id', email: email.toLowerCase() };
    await this.client
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.subscriber(email),
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(id)',
                UpdateExpression: 'SET id = :id',
                ExpressionAttributeValues: { ':id': id },
              },
            },
            { Put: { TableName: this.tableName, Item: pointer } },
          ],
        }),
      )
      .catch((error: unknown) => {
        // Already linked (or gone): nothing to add.
        if ((error as { name?: string }).name !== 'TransactionCanceledException') throw error;
      });
  }

  /** One counter item per key and window, removed by TTL after the window ends. */
  async countAttempt(key: string, windowSeconds: number, now: Date): Promise<number> {
    const windowStart = Math.floor(now.getTime() / 1000 / windowSeconds) * windowSeconds;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateWindow(key, windowStart),
        UpdateExpression: 'ADD attempts :one SET #type = :type, expiresAt = :expires',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'rate-window', ':expires': windowStart + 2 * windowSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.attempts ?? 1);
  }

  async recordWebhookFailure(email: string, url: string, error: string): Promise<number | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.subscriber(email),
          ConditionExpression: 'webhook.#url = :url',
          UpdateExpression: 'ADD webhook.consecutiveFailures :one SET webhook.lastError = :error',
          ExpressionAttributeNames: { '#url': 'url' },
          ExpressionAttributeValues: { ':url': url, ':one': 1, ':error': error.slice(0, 500) },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number((Attributes?.webhook as { consecutiveFailures?: number } | undefined)?.consecutiveFailures ?? 0);
    } catch (failure) {
      if (isConditionalCheckFailed(failure)) return undefined; // the owner replaced or removed the URL meanwhile
      throw failure;
    }
  }

  async recordWebhookSuccess(email: string, url: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.subscriber(email),
          ConditionExpression: 'webhook.#url = :url AND webhook.consecutiveFailures > :zero',
          UpdateExpression: 'SET webhook.consecutiveFailures = :zero REMOVE webhook.lastError',
          ExpressionAttributeNames: { '#url': 'url' },
          ExpressionAttributeValues: { ':url': url, ':zero': 0 },
        }),
      )
      .catch((failure: unknown) => {
        if (!isConditionalCheckFailed(failure)) throw failure;
      });
  }

  async disableWebhook(email: string, url: string, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.subscriber(email),
          ConditionExpression: 'webhook.#url = :url AND attribute_not_exists(webhook.disabledAt)',
          UpdateExpression: 'SET webhook.disabledAt = :now',
          ExpressionAttributeNames: { '#url': 'url' },
          ExpressionAttributeValues: { ':url': url, ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (failure) {
      if (isConditionalCheckFailed(failure)) return false;
      throw failure;
    }
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

import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChannelKind } from '../ports/channel';
import type { SendClaim, SendLog } from '../ports/store';
import { ConflictError, isConditionalCheckFailed } from './conflict-error';
import { queryAll } from './query-all';
import { keys, SEND_LOG_RETENTION_DAYS, TABLE_KEYS } from './table-schema';

type SendStatus = 'in-flight' | 'sent' | 'ambiguous' | 'released';
const STATUSES: SendStatus[] = ['in-flight', 'sent', 'ambiguous', 'released'];

export interface SendRecord {
  changeId: string;
  email: string;
  status: SendStatus;
  attempts: number;
  messageId?: string;
  /** Sent, but an earlier SDK attempt of the same call lost its acknowledgement: possibly twice. */
  retriedAfterAmbiguous?: boolean;
}

/**
 * What a claim may take over besides a new or released send.
 * - `onAmbiguous`: 'retry' re-sends a send whose outcome is unknown on the next run (at most one
 *   duplicate, never a loss); 'hold' leaves it to the operator.
 * - `leaseMs`: an in-flight claim older than this belongs to a run that died (a Lambda lives at
 *   most 15 minutes), so another run may take it and send.
 */
export interface SendLogPolicy {
  onAmbiguous: 'retry' | 'hold';
  leaseMs: number;
}

/** Used when no lease is given; the stacks derive theirs from the deliver timeout (`deliveryTimings`). */
export const DEFAULT_SEND_LEASE_MS = 4 * 60_000;

/**
 * The exactly-once ledger of notify, one item per (change, subscriber). Each write is conditional
 * on the attempt's token, so a write retried after a lost acknowledgement finds its own token and
 * counts as done; an item held by another token is never taken over.
 */
export class DynamoSendLog implements SendLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
    private readonly policy: SendLogPolicy = { onAmbiguous: 'hold', leaseMs: DEFAULT_SEND_LEASE_MS },
    private readonly channel: ChannelKind = 'email',
  ) {}

  /** The same ledger for another channel: a webhook send is claimed apart from the email to the same subscriber. */
  forChannel(channel: ChannelKind): SendLog {
    return channel === this.channel ? this : new DynamoSendLog(this.client, this.tableName, this.now, this.policy, channel);
  }

  /** Email keeps the plain address as its key (the log predates channels); other channels add their kind. */
  private key(changeId: string, email: string) {
    return keys.send(changeId, this.channel === 'email' ? email : `${email}#${this.channel}`);
  }

  private async read(changeId: string, email: string): Promise<Record<string, unknown> | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(changeId, email), ConsistentRead: true })))
      .Item;
  }

  /**
   * 'claimed': this token may send now. 'sent': already delivered. 'in-flight': another attempt
   * holds it, or its outcome is ambiguous and waits for the operator; do not send.
   */
  async claim(changeId: string, email: string, token: string): Promise<SendClaim> {
    const now = this.now();
    const expiresAt = Math.floor(now.getTime() / 1000) + SEND_LOG_RETENTION_DAYS * 86_400;
    try {
      const answer = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(changeId, email),
          ReturnValues: 'ALL_OLD',
          ConditionExpression:
            'attribute_not_exists(pk) OR #status = :released OR (#status = :inFlight AND claimedAt < :leaseCutoff)' +
            (this.policy.onAmbiguous === 'retry' ? ' OR #status = :ambiguous' : ''),
          UpdateExpression:
            'SET #type = :type, changeId = :changeId, email = :email, #status = :inFlight, #token = :token, attempts = if_not_exists(attempts, :zero) + :one, claimedAt = :now, #ttl = :ttl, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk',
          ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#token': 'token', '#ttl': TABLE_KEYS.ttlAttribute },
          ExpressionAttributeValues: {
            ':type': 'send',
            ':changeId': changeId,
            ':email': email,
            ':inFlight': 'in-flight',
            ':released': 'released',
            ':leaseCutoff': new Date(now.getTime() - this.policy.leaseMs).toISOString(),
            ...(this.policy.onAmbiguous === 'retry' ? { ':ambiguous': 'ambiguous' } : {}),
            ':token': token,
            ':zero': 0,
            ':one': 1,
            ':now': now.toISOString(),
            ':ttl': expiresAt,
            ':gsi1pk': 'SENDS#in-flight',
            ':gsi1sk': `${changeId}#${email.toLowerCase()}`,
          },
        }),
      );
      // The previous attempt's outcome is unknown (its answer was lost, or it died holding the
      // claim, perhaps after the send): this send may be the receiver's second copy.
      const before = answer.Attributes?.status;
      return before === 'ambiguous' || before === 'in-flight' ? 'claimed-after-ambiguous' : 'claimed';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const item = await this.read(changeId, email);
      if (item?.status === 'sent') return 'sent';
      if (item?.token === token && item.status === 'in-flight') return 'claimed';
      return 'in-flight';
    }
  }

  async markSent(
    changeId: string,
    email: string,
    token: string,
    messageId: string,
    details: { retriedAfterAmbiguous?: boolean } = {},
  ): Promise<void> {
    await this.transition(changeId, email, token, 'sent', {
      messageId,
      sentAt: this.now().toISOString(),
      ...(details.retriedAfterAmbiguous ? { retriedAfterAmbiguous: true } : {}),
    });
  }

  async release(changeId: string, email: string, token: string, error: string): Promise<void> {
    await this.transition(changeId, email, token, 'released', { lastError: error }, 'in-flight');
  }

  async markAmbiguous(changeId: string, email: string, token: string, error: string): Promise<void> {
    await this.transition(changeId, email, token, 'ambiguous', { lastError: error, ambiguousAt: this.now().toISOString() }, 'in-flight');
  }

  private async transition(
    changeId: string,
    email: string,
    token: string,
    status: SendStatus,
    fields: Record<string, unknown>,
    from?: SendStatus,
  ): Promise<void> {
    const names: Record<string, string> = { '#status': 'status', '#token': 'token' };
    const values: Record<string, unknown> = { ':status': status, ':token': token, ':gsi1pk': `SENDS#${status}` };
    const sets = ['#status = :status', 'gsi1pk = :gsi1pk'];
    Object.entries(fields).forEach(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    });
    if (from) values[':from'] = from;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(changeId, email),
          ConditionExpression: from ? '#token = :token AND #status IN (:from, :status)' : '#token = :token',
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const item = await this.read(changeId, email);
      throw new ConflictError(
        `send ${changeId} → ${email}: cannot mark ${status}, ` +
          (item ? `it is ${String(item.status)} under another attempt's claim` : 'it was never claimed'),
      );
    }
  }

  async listSends(changeId?: string): Promise<SendRecord[]> {
    const items = changeId
      ? await queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.send(changeId, '').pk },
          ConsistentRead: true,
        })
      : (
          await Promise.all(
            STATUSES.map((status) =>
              queryAll(this.client, {
                TableName: this.tableName,
                IndexName: TABLE_KEYS.gsi1.indexName,
                KeyConditionExpression: 'gsi1pk = :pk',
                ExpressionAttributeValues: { ':pk': `SENDS#${status}` },
              }),
            ),
          )
        ).flat();
    return items
      .map((item) => ({
        changeId: item.changeId as string,
        email: item.email as string,
        status: item.status as SendStatus,
        attempts: item.attempts as number,
        ...(item.messageId ? { messageId: item.messageId as string } : {}),
        ...(item.retriedAfterAmbiguous ? { retriedAfterAmbiguous: true } : {}),
      }))
      .sort((a, b) => a.changeId.localeCompare(b.changeId) || a.email.localeCompare(b.email));
  }
}

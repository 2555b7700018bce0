import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

interface StoredMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Epoch ms before which the message is hidden (received, not yet deleted). */
  invisibleUntil: number;
  receiptHandle?: string;
}

export interface LocalQueueOptions {
  name: string;
  /** Where the messages are kept, so they survive the process (`run` ends; a crash). */
  file?: string;
  visibilityTimeoutSeconds: number;
  /** Redrive: a message received this many times goes to `deadLetters` on its next receive. */
  maxReceiveCount?: number;
  deadLetters?: LocalQueue;
  clock?: () => Date;
}

export interface QueueStats {
  visible: number;
  /** Received and not yet deleted: hidden until the visibility timeout. */
  hidden: number;
  /** When the earliest hidden message shows again (epoch ms). */
  nextVisibleAt?: number;
}

/**
 * A queue with the semantics Lambda's SQS event source gives a handler: a received message is
 * hidden for the visibility timeout and deleted only when the handler acknowledges it (no entry
 * in `batchItemFailures`); its receive count grows on each receive, and past `maxReceiveCount`
 * it moves to the dead-letter queue instead of being received again.
 */
export class LocalQueue {
  readonly arn: string;
  private messages: StoredMessage[] = [];
  private readonly now: () => number;

  constructor(private readonly options: LocalQueueOptions) {
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${options.name}`;
    this.now = () => (options.clock ?? (() => new Date()))().getTime();
    if (options.file) {
      try {
        this.messages = JSON.parse(readFileSync(options.file, 'utf8')) as StoredMessage[];
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
          throw new Error(`${options.file}: not a queue file (${(error as Error).message})`);
      }
    }
  }

  get name(): string {
    return this.options.name;
  }

  send(body: string): string {
    const messageId = randomUUID();
    this.messages.push({ messageId, body, sentAt: this.now(), receiveCount: 0, invisibleUntil: 0 });
    this.save();
    return messageId;
  }

  /** Up to `max` visible messages as the event source's records; each is hidden for the visibility timeout. */
  receive(max: number): SQSRecord[] {
    const now = this.now();
    const records: SQSRecord[] = [];
    for (const message of [...this.messages]) {
      if (records.length >= max) break;
      if (message.invisibleUntil > now) continue;
      if (this.options.maxReceiveCount !== undefined && message.receiveCount >= this.options.maxReceiveCount) {
        this.messages = this.messages.filter((m) => m !== message);
        this.options.deadLetters?.send(message.body);
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.invisibleUntil = now + this.options.visibilityTimeoutSeconds * 1000;
      message.receiptHandle = randomUUID();
      records.push(this.record(message));
    }
    this.save();
    return records;
  }

  delete(receiptHandle: string): void {
    this.messages = this.messages.filter((m) => m.receiptHandle !== receiptHandle);
    this.save();
  }

  /** Every message still kept (for tests and the summary). */
  bodies(): string[] {
    return this.messages.map((m) => m.body);
  }

  stats(): QueueStats {
    const now = this.now();
    const hidden = this.messages.filter((m) => m.invisibleUntil > now);
    const nextVisibleAt = hidden.length ? Math.min(...hidden.map((m) => m.invisibleUntil)) : undefined;
    return { visible: this.messages.length - hidden.length, hidden: hidden.length, ...(nextVisibleAt ? { nextVisibleAt } : {}) };
  }

  /**
   * One poll of the event source: receive a batch, invoke the handler, delete what it did not
   * report failed. A handler that throws fails the whole batch. Returns how many records it handed over.
   */
  async deliverTo(
    handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>,
    context: Context,
    batchSize: number,
  ): Promise<number> {
    const records = this.receive(batchSize);
    if (!records.length) return 0;
    let failed: Set<string>;
    try {
      const response = await handler({ Records: records }, context);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(records.map((r) => r.messageId));
    }
    for (const record of records) if (!failed.has(record.messageId)) this.delete(record.receiptHandle);
    return records.length;
  }

  private record(message: StoredMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle!,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: 'us-east-1',
    };
  }

  private save(): void {
    if (!this.options.file) return;
    mkdirSync(dirname(this.options.file), { recursive: true });
    const temporary = `${this.options.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.messages));
    renameSync(temporary, this.options.file);
  }
}

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { CHANGE_STREAM } from '../functions/composition/event-sources';

/** One event source mapping on the table's stream: its handler, its filter, its own position. */
export interface StreamConsumer {
  name: string;
  handler: (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;
  /** The mapping's filter criteria; records it rejects are skipped (and count as processed). */
  filter?: (record: DynamoDBRecord) => boolean;
}

interface Checkpoints {
  /** Last sequence number processed per shard; `closed` once a closed shard was read to its end. */
  shards: Record<string, string>;
  /** Records that kept failing, sent to the on-failure destination (the stack's SQS DLQ). */
  deadLetters: { sequenceNumber: string; eventID?: string; consumer: string; at: string }[];
}

export interface StreamReaderOptions {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  /** Folder for each consumer's checkpoint file. */
  dir?: string;
  context: () => Context;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/** A record of the Streams API in the shape Lambda hands a handler (the creation time in epoch seconds). */
function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(rest as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(new Date(ApproximateCreationDateTime).getTime() / 1000) }
        : {}),
    },
  } as DynamoDBRecord;
}

/**
 * Reads DynamoDB Local's stream of the table and hands each consumer its records the way Lambda's
 * event source mapping does: batches of `CHANGE_STREAM.batchSize`, in order per shard; a batch
 * that fails is retried from the first failed record (partial batch responses), bisected, and a
 * record still failing after `retryAttempts` goes to the on-failure list; the position advances.
 */
export class StreamReader {
  private streamArn?: string;

  constructor(
    private readonly options: StreamReaderOptions,
    private readonly consumers: StreamConsumer[],
  ) {}

  /**
   * Begin the mappings of a home that has none yet, as the stack's begin (StartingPosition LATEST)
   * before any write: each consumer without a checkpoint file starts at the stream's current end,
   * so it gets the records written from now on, not what the stream held before (a table that an
   * earlier home, a `serve` elsewhere or a bench round wrote to). Consumers with a position go on
   * from it. Without it (a reader without a folder, a table made for a test) a consumer reads from
   * the stream's start.
   */
  async begin(): Promise<void> {
    const fresh = this.consumers
      .map((c) => c.name)
      .filter((name) => {
        const file = this.file(name);
        return file !== undefined && !existsSync(file);
      });
    if (!fresh.length) return;
    const { streamArn, shards } = await this.shards();
    const ends: Record<string, string> = {};
    for (const shard of shards) {
      const end = shard.ShardId ? await this.lastSequenceNumber(streamArn, shard.ShardId) : undefined;
      if (end) ends[shard.ShardId!] = end;
    }
    for (const name of fresh) {
      const checkpoints = this.load(name);
      Object.assign(checkpoints.shards, ends);
      this.save(name, checkpoints);
    }
  }

  /** The sequence number of a shard's last record, read through without handing anything on; undefined when it is empty. */
  private async lastSequenceNumber(streamArn: string, shardId: string): Promise<string | undefined> {
    let iterator = (
      await this.options.streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    let last: string | undefined;
    while (iterator) {
      const page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      if (!records.length) break;
      last = records.at(-1)?.dynamodb?.SequenceNumber ?? last;
      iterator = page.NextShardIterator;
    }
    return last;
  }

  /** One pass over every shard for every consumer; returns how many records were handed to handlers. */
  async pump(): Promise<number> {
    const { streamArn, shards } = await this.shards();
    let delivered = 0;
    for (const consumer of this.consumers) {
      const checkpoints = this.load(consumer.name);
      for (const shard of shards) {
        if (!shard.ShardId || checkpoints.shards[shard.ShardId] === 'closed') continue;
        delivered += await this.readShard(consumer, checkpoints, streamArn, shard.ShardId);
      }
    }
    return delivered;
  }

  private async readShard(consumer: StreamConsumer, checkpoints: Checkpoints, streamArn: string, shardId: string): Promise<number> {
    const after = checkpoints.shards[shardId];
    let iterator = (
      await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
    let delivered = 0;
    while (iterator) {
      const page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = (page.Records ?? []).map((r) => toLambdaRecord(r, streamArn));
      for (let start = 0; start < records.length; start += CHANGE_STREAM.batchSize) {
        const batch = records.slice(start, start + CHANGE_STREAM.batchSize);
        const wanted = batch.filter((r) => !consumer.filter || consumer.filter(r));
        if (wanted.length) {
          await this.deliver(consumer, wanted, checkpoints);
          delivered += wanted.length;
        }
        checkpoints.shards[shardId] = batch.at(-1)!.dynamodb!.SequenceNumber!;
        this.save(consumer.name, checkpoints);
      }
      if (!page.NextShardIterator) {
        checkpoints.shards[shardId] = 'closed';
        this.save(consumer.name, checkpoints);
      }
      // An open shard answers an empty page at its tip: read again on the next pump.
      iterator = records.length ? page.NextShardIterator : undefined;
    }
    return delivered;
  }

  /**
   * Invoke until the batch is through: after a failure, retry from the first failed record (the
   * records before it are done), in a batch halved each time (bisect); a record that failed
   * `retryAttempts` retries is parked and the batch goes on without it.
   */
  private async deliver(consumer: StreamConsumer, batch: DynamoDBRecord[], checkpoints: Checkpoints): Promise<void> {
    let pending = batch;
    let size = pending.length;
    let retries = 0;
    while (pending.length) {
      const attempt = pending.slice(0, size);
      const failedAt = await this.invoke(consumer, attempt);
      if (failedAt < 0) {
        pending = pending.slice(attempt.length);
        continue;
      }
      pending = pending.slice(failedAt);
      if (++retries > CHANGE_STREAM.retryAttempts) {
        const [dead, ...rest] = pending;
        checkpoints.deadLetters.push({
          sequenceNumber: dead.dynamodb?.SequenceNumber ?? '',
          eventID: dead.eventID,
          consumer: consumer.name,
          at: new Date().toISOString(),
        });
        this.options.log?.('stream record parked after its retries', {
          consumer: consumer.name,
          sequenceNumber: dead.dynamodb?.SequenceNumber,
        });
        [pending, size, retries] = [rest, rest.length, 0];
      } else if (CHANGE_STREAM.bisectBatchOnError) {
        size = Math.max(1, Math.ceil(Math.min(size, pending.length) / 2));
      }
    }
  }

  /** Index of the first record to retry, or -1 when the whole batch succeeded. */
  private async invoke(consumer: StreamConsumer, records: DynamoDBRecord[]): Promise<number> {
    try {
      const response = await consumer.handler({ Records: records }, this.options.context());
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (!failed.size) return -1;
      const index = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      return Math.max(index, 0);
    } catch (error) {
      this.options.log?.('stream batch failed', { consumer: consumer.name, error: String(error) });
      return 0;
    }
  }

  /** The table's stream and its shards as they are now. */
  private async shards() {
    const streamArn = (this.streamArn ??= await this.latestStreamArn());
    const shards = (await this.options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
    return { streamArn, shards };
  }

  private async latestStreamArn(): Promise<string> {
    const table = await this.options.dynamodb.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const arn = table.Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${this.options.tableName} has no stream`);
    return arn;
  }

  private file(consumer: string): string | undefined {
    return this.options.dir ? `${this.options.dir}/stream-${consumer}.json` : undefined;
  }

  private memory = new Map<string, Checkpoints>();

  private load(consumer: string): Checkpoints {
    const cached = this.memory.get(consumer);
    if (cached) return cached;
    let checkpoints: Checkpoints = { shards: {}, deadLetters: [] };
    const file = this.file(consumer);
    if (file) {
      try {
        checkpoints = JSON.parse(readFileSync(file, 'utf8')) as Checkpoints;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    this.memory.set(consumer, checkpoints);
    return checkpoints;
  }

  /** Records parked by a consumer after their retries (the stack's stream dead-letter queue). */
  deadLetters(consumer: string): Checkpoints['deadLetters'] {
    return this.load(consumer).deadLetters;
  }

  private save(consumer: string, checkpoints: Checkpoints): void {
    const file = this.file(consumer);
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(checkpoints));
    renameSync(`${file}.tmp`, file);
  }
}

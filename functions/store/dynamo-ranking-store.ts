import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RankingChange, ReleaseChange } from '../domain/change';
import { compareQuarters, type QuarterId } from '../domain/quarter';
import type { FacilityTally, Ranking, RankingRow } from '../domain/ranking';
import type { Release } from '../domain/release';
import type { QuarterWrite, RankingStore, StoredQuarter } from '../ports/store';
import { pack, unpack } from './compressed-json';
import { ConflictError, isConditionalCheckFailed } from './conflict-error';
import { releaseItem } from './dynamo-release-store';
import { queryAll } from './query-all';
import { CHANGE_ITEM, keys, TABLE_KEYS } from './table-schema';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Bytes of compressed change body per item; the rest spills into part items (400 KB item limit). */
const CHANGE_PART_BYTES = 300_000;
/** DynamoDB's limit of items per transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** A change's quarter as stored: the `after` rows are the quarter version's rows, kept once. */
type StoredRankingChange = RankingChange & { afterRowsFromVersion?: number };

function versionOf(write: QuarterWrite): number {
  return (write.expectedVersion ?? 0) + 1;
}

/** A facility as stored: `[name, type, received or null, declined]`, a third of the object's bytes. */
type StoredFacility = [name: string, type: FacilityTally['type'], received: number | null, declined: number];
type StoredRow = Omit<RankingRow, 'facilities'> & { facilities?: StoredFacility[] };

/**
 * Rows as one gzip'd JSON attribute. A quarter version must fit one 400 KB item, and record-level
 * sources add every facility of every ranked county: stored as tuples, a 3,000-county quarter with
 * five facilities each packs to well under the limit (see the store test).
 */
export function packRows(rows: RankingRow[]): Uint8Array {
  const stored: StoredRow[] = rows.map(({ facilities, ...row }) =>
    facilities ? { ...row, facilities: facilities.map((f): StoredFacility => [f.name, f.type, f.received ?? null, f.declined]) } : row,
  );
  return pack(stored);
}

function unpackRows(bytes: Uint8Array): RankingRow[] {
  return unpack<StoredRow[]>(bytes).map(({ facilities, ...row }) =>
    facilities
      ? {
          ...row,
          facilities: facilities.map(([name, type, received, declined]) => ({
            name,
            type,
            ...(received === null ? {} : { received }),
            declined,
          })),
        }
      : row,
  );
}

function toStoredQuarter(item: Item): StoredQuarter {
  const { pk: _pk, sk: _sk, type: _type, token: _token, rows, ...meta } = item;
  return { ...(meta as Omit<StoredQuarter, 'rows'>), rows: unpackRows(rows as Uint8Array) };
}

function sameRows(a: Ranking, b: Ranking): boolean {
  return a.quarter === b.quarter && a.source === b.source && JSON.stringify(a.rows) === JSON.stringify(b.rows);
}

/**
 * Quarters, their versions and change records in the single table (see `table-schema.ts`).
 * `commitRelease` is one TransactWriteItems, so readers see all of a release or none of it.
 */
export class DynamoRankingStore implements RankingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getQuarter(source: string, quarter: QuarterId): Promise<StoredQuarter | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.quarterHead(source, quarter).pk, ':prefix': 'V#' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items?.[0] ? toStoredQuarter(Items[0]) : undefined;
  }

  /** Heads through the index, then their versions in batches: two kinds of request, not one per quarter. */
  async listQuarters(source?: string): Promise<StoredQuarter[]> {
    const heads = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: TABLE_KEYS.gsi1.indexName,
      KeyConditionExpression: source ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'QUARTERS', ...(source ? { ':prefix': `${source}#` } : {}) },
    });
    const wanted = heads.map((head) => keys.quarterVersion(head.source as string, head.quarter as string, head.version as number));
    const items: Item[] = [];
    for (let i = 0; i < wanted.length; i += 100) {
      let request: Record<string, { Keys: Item[]; ConsistentRead?: boolean }> | undefined = {
        [this.tableName]: { Keys: wanted.slice(i, i + 100), ConsistentRead: true },
      };
      for (let round = 0; request && Object.keys(request).length > 0; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** round)));
        const page = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        items.push(...(page.Responses?.[this.tableName] ?? []));
        request = page.UnprocessedKeys as typeof request;
      }
    }
    return items.map(toStoredQuarter).sort((a, b) => a.source.localeCompare(b.source) || compareQuarters(a.quarter, b.quarter));
  }

  async quarterHistory(source: string, quarter: QuarterId): Promise<StoredQuarter[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.quarterHead(source, quarter).pk, ':prefix': 'V#' },
      ConsistentRead: true,
    });
    return items.map(toStoredQuarter);
  }

  async commitRelease(input: {
    release: Release;
    quarters: QuarterWrite[];
    change: ReleaseChange | null;
    token: string;
  }): Promise<'committed' | 'already-committed'> {
    const { release, quarters, change, token } = input;
    const storedAt = new Date().toISOString();
    const transactItems: TransactItem[] = quarters.flatMap((write) => this.quarterItems(write, storedAt, token));
    if (change) transactItems.push(...this.changeItems(change, quarters, token));
    // Only one attempt may commit a release: a second ingest that planned after the first committed
    // (and so found nothing to change) must not report it 'unchanged' and overwrite its record.
    transactItems.push({
      Put: {
        TableName: this.tableName,
        Item: releaseItem({ ...release, status: 'ingested', reason: undefined }, { commitToken: token }),
        ConditionExpression: 'attribute_not_exists(commitToken) OR commitToken = :token',
        ExpressionAttributeValues: { ':token': token },
      },
    });
    if (transactItems.length > MAX_TRANSACTION_ITEMS) {
      throw new Error(
        `release ${release.sha256} changes ${quarters.length} quarters: more than one transaction can hold (${MAX_TRANSACTION_ITEMS} items)`,
      );
    }

    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: transactItems }));
      return 'committed';
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if (
        (error as { name?: string }).name !== 'TransactionCanceledException' ||
        !reasons?.some((r) => r.Code === 'ConditionalCheckFailed')
      )
        throw error;
      // A lost acknowledgement: the SDK retried a transaction that had taken effect, and the retry
      // failed against our own items. Our token in them tells it apart from another writer.
      if (await this.committedBy(token, release, quarters, change)) return 'already-committed';
      throw new ConflictError(await this.describeConflict(release, quarters, change));
    }
  }

  /**
   * A quarter's new version, and its head moved to that version: only from the version the ingest
   * planned against (none for a new quarter), so a concurrent writer's version is never overwritten.
   */
  private quarterItems(write: QuarterWrite, storedAt: string, token: string): TransactItem[] {
    const { rows, ...meta } = write.ranking;
    const version = versionOf(write);
    const versionItem: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.quarterVersion(meta.source, meta.quarter, version),
          type: 'quarter-version',
          ...meta,
          version,
          hash: write.hash,
          storedAt,
          rows: packRows(rows),
          token,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const headItem: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.quarterHead(meta.source, meta.quarter),
          type: 'quarter-head',
          gsi1pk: 'QUARTERS',
          gsi1sk: `${meta.source}#${meta.quarter}`,
          source: meta.source,
          quarter: meta.quarter,
          version,
          hash: write.hash,
          updatedAt: storedAt,
          token,
        },
        ...(write.expectedVersion === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': write.expectedVersion },
            }),
      },
    };
    return [versionItem, headItem];
  }

  private changeItems(change: ReleaseChange, quarters: QuarterWrite[], token: string): TransactItem[] {
    const stored: StoredRankingChange[] = change.quarters.map((quarterChange) => {
      const write = quarters.find((w) => sameRows(w.ranking, quarterChange.after));
      return write
        ? { ...quarterChange, after: { ...quarterChange.after, rows: [] }, afterRowsFromVersion: versionOf(write) }
        : quarterChange;
    });
    const body = Buffer.from(pack({ ...change, quarters: stored }));
    const parts: Buffer[] = [];
    for (let offset = 0; offset < body.length; offset += CHANGE_PART_BYTES) parts.push(body.subarray(offset, offset + CHANGE_PART_BYTES));
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.change(change.id),
            type: CHANGE_ITEM.type,
            gsi1pk: 'CHANGES#PENDING',
            gsi1sk: `${change.createdAt}#${change.id}`,
            id: change.id,
            source: change.source,
            release: change.release,
            createdAt: change.createdAt,
            quarters: change.quarters.map((q) => q.quarter),
            status: 'pending',
            body: parts[0],
            parts: parts.length,
            token,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...parts.slice(1).map((part, i) => ({
        Put: { TableName: this.tableName, Item: { ...keys.changePart(change.id, i + 1), type: 'change-part', body: part, token } },
      })),
    ];
  }

  private async getItem(key: { pk: string; sk: string }): Promise<Item | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  private async committedBy(token: string, release: Release, quarters: QuarterWrite[], change: ReleaseChange | null): Promise<boolean> {
    // With nothing else written, only the release record can say whose commit it was.
    if (quarters.length === 0 && !change) return (await this.getItem(keys.release(release.source, release.sha256)))?.commitToken === token;
    for (const write of quarters) {
      const item = await this.getItem(keys.quarterVersion(write.ranking.source, write.ranking.quarter, versionOf(write)));
      if (item?.token !== token) return false;
    }
    if (change && (await this.getItem(keys.change(change.id)))?.token !== token) return false;
    return true;
  }

  private async describeConflict(release: Release, quarters: QuarterWrite[], change: ReleaseChange | null): Promise<string> {
    const problems: string[] = [];
    for (const write of quarters) {
      const head = await this.getItem(keys.quarterHead(write.ranking.source, write.ranking.quarter));
      const found = (head?.version as number | undefined) ?? null;
      if (found !== write.expectedVersion) {
        problems.push(
          `${write.ranking.source} ${write.ranking.quarter} is at version ${found ?? 'none'}, expected ${write.expectedVersion ?? 'none'}`,
        );
      }
    }
    if (change && (await this.getItem(keys.change(change.id))))
      problems.push(`change ${change.id} was already recorded by another attempt`);
    if ((await this.getItem(keys.release(release.source, release.sha256)))?.commitToken !== undefined)
      problems.push(`release ${release.sha256} was already committed by another attempt`);
    return `commit refused, another writer got there first: ${problems.join('; ') || 'a condition failed'}`;
  }

  async getChange(id: string): Promise<ReleaseChange | undefined> {
    const item = await this.getItem(keys.change(id));
    if (!item) return undefined;
    const chunks = [Buffer.from(item.body as Uint8Array)];
    if ((item.parts as number) > 1) {
      const parts = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.change(id).pk, ':prefix': 'PART#' },
        ConsistentRead: true,
      });
      chunks.push(...parts.map((part) => Buffer.from(part.body as Uint8Array)));
    }
    const stored = unpack<Omit<ReleaseChange, 'quarters'> & { quarters: StoredRankingChange[] }>(Buffer.concat(chunks));
    const quarters = await Promise.all(
      stored.quarters.map(async ({ afterRowsFromVersion, ...quarterChange }) => {
        if (afterRowsFromVersion === undefined) return quarterChange;
        const version = await this.getItem(keys.quarterVersion(quarterChange.source, quarterChange.quarter, afterRowsFromVersion));
        if (!version) throw new Error(`change ${id}: quarter version ${quarterChange.quarter} v${afterRowsFromVersion} is missing`);
        return { ...quarterChange, after: { ...quarterChange.after, rows: unpackRows(version.rows as Uint8Array) } };
      }),
    );
    return { ...stored, quarters };
  }

  /** Oldest first, from the sparse pending index. */
  async listPendingChanges(): Promise<ReleaseChange[]> {
    const pending = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: TABLE_KEYS.gsi1.indexName,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CHANGES#PENDING' },
      ProjectionExpression: 'id',
    });
    const changes: ReleaseChange[] = [];
    for (const { id } of pending) {
      const item = await this.getItem(keys.change(id as string));
      if (item?.status !== 'pending') continue; // the index lags the table by a moment
      const change = await this.getChange(id as string);
      if (change) changes.push(change);
    }
    return changes;
  }

  async markChangeNotified(id: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.change(id),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET #status = :notified, notifiedAt = if_not_exists(notifiedAt, :now) REMOVE gsi1pk, gsi1sk',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':notified': 'notified', ':now': new Date().toISOString() },
        }),
      )
      .catch((error: unknown) => {
        if (isConditionalCheckFailed(error)) throw new Error(`no change ${id} to mark notified`);
        throw error;
      });
  }
}

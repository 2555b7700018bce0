import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/store/conflict-error';
import { DynamoRankingStore } from '../../functions/store/dynamo-ranking-store';
import { DynamoReleaseStore } from '../../functions/store/dynamo-release-store';
import { DynamoSendLog } from '../../functions/store/dynamo-send-log';
import { DynamoSubscriberStore } from '../../functions/store/dynamo-subscriber-store';
import { county, ranking, release, releaseChange } from './store-fixtures';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
);
const ddb = mockClient(documentClient);

afterEach(() => {
  ddb.reset();
});

const meta = { $metadata: {} };
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', ...meta, CancellationReasons: codes.map((Code) => ({ Code })) });

function commitInput(token: string) {
  const rel = release('ddp', 'f'.repeat(64));
  const q1 = ranking('ddp', 'FY2017Q1', [[county('06111', 'Ventura County', 'CA'), 4]], rel.sha256);
  return { release: rel, quarters: [{ ranking: q1, hash: 'h', expectedVersion: 2 }], change: releaseChange(rel, [q1]), token };
}

describe('DynamoRankingStore.commitRelease error paths', () => {
  it("turns a cancelled retry of its own transaction into 'already-committed'", async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'ConditionalCheckFailed', 'ConditionalCheckFailed', 'None']));
    ddb.on(GetCommand).resolves({ Item: { token: 'mine' } });
    const store = new DynamoRankingStore(documentClient, 't');

    // Act
    const outcome = await store.commitRelease(commitInput('mine'));

    // Assess
    expect(outcome).toBe('already-committed');
    const versionRead = ddb.commandCalls(GetCommand)[0].args[0].input.Key;
    expect(versionRead).toEqual({ pk: 'QUARTER#ddp#FY2017Q1', sk: 'V#0000000003' });
  });

  it('names the moved quarter when another writer committed first', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed', 'None', 'None']));
    ddb.on(GetCommand).resolves({ Item: { token: 'theirs', version: 3 } });
    const store = new DynamoRankingStore(documentClient, 't');

    // Act
    const attempt = store.commitRelease(commitInput('mine'));

    // Assess
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow('ddp FY2017Q1 is at version 3, expected 2');
  });

  it('passes on a cancellation that no condition caused (a transaction conflict) for the step to retry', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'TransactionConflict', 'None', 'None']));
    const store = new DynamoRankingStore(documentClient, 't');

    // Act
    const attempt = store.commitRelease(commitInput('mine'));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('passes on throttling once the SDK has given up', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }));
    const store = new DynamoRankingStore(documentClient, 't');

    // Act
    const attempt = store.commitRelease(commitInput('mine'));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('refuses a release touching more quarters than one transaction holds, writing nothing', async () => {
    // Prepare
    const store = new DynamoRankingStore(documentClient, 't');
    const input = commitInput('mine');
    const quarters = Array.from({ length: 50 }, (_, i) => ({
      ...input.quarters[0],
      ranking: { ...input.quarters[0].ranking, quarter: `FY${2000 + i}Q1` as const },
    }));

    // Act
    const attempt = store.commitRelease({ ...input, quarters, change: null });

    // Assess
    await expect(attempt).rejects.toThrow(/more than one transaction can hold/);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('conditional failures of single writes', () => {
  it("answers 'exists' when the stored release came from another sighting", async () => {
    // Prepare
    const rel = release('ddp', 'e'.repeat(64), '2026-01-01T00:00:00.000Z');
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', ...meta }));
    ddb.on(GetCommand).resolves({ Item: { ...rel, firstSeen: '2025-12-01T00:00:00.000Z' } });

    // Act
    const outcome = await new DynamoReleaseStore(documentClient, 't').recordRelease(rel);

    // Assess
    expect(outcome).toBe('exists');
  });

  it("reads a failed claim back: another token in flight is 'in-flight', its own token is 'claimed'", async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', ...meta }));
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { status: 'in-flight', token: 'other' } })
      .resolvesOnce({ Item: { status: 'in-flight', token: 'mine' } });
    const log = new DynamoSendLog(documentClient, 't');

    // Act
    const verdicts = [await log.claim('c', 'a@example.org', 'mine'), await log.claim('c', 'a@example.org', 'mine')];

    // Assess
    expect(verdicts).toEqual(['in-flight', 'claimed']);
  });

  it('passes on throttling of a claim instead of guessing its outcome', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }));

    // Act
    const attempt = new DynamoSendLog(documentClient, 't').claim('c', 'a@example.org', 'mine');

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('follows every page of a subscriber listing', async () => {
    // Prepare
    const subscriber = (email: string) => ({
      pk: `SUBSCRIBER#${email}`,
      sk: 'SUBSCRIBER',
      email,
      status: 'confirmed',
      filters: {},
      createdAt: '2026-01-01',
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [subscriber('b@example.org')], LastEvaluatedKey: { pk: 'x1' } })
      .resolvesOnce({ Items: [subscriber('c@example.org')], LastEvaluatedKey: { pk: 'x2' } })
      .resolvesOnce({ Items: [subscriber('a@example.org')] });

    // Act
    const listed = await new DynamoSubscriberStore(documentClient, 't').listSubscribers('confirmed');

    // Assess
    expect(listed.map((s) => s.email)).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
    expect(ddb.commandCalls(QueryCommand).map((call) => call.args[0].input.ExclusiveStartKey)).toEqual([
      undefined,
      { pk: 'x1' },
      { pk: 'x2' },
    ]);
  });
});

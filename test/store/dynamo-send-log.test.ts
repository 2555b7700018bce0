import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../functions/store/conflict-error';
import { DEFAULT_SEND_LEASE_MS, DynamoSendLog } from '../../functions/store/dynamo-send-log';
import { keys, SEND_LOG_RETENTION_DAYS, TABLE_KEYS } from '../../functions/store/table-schema';
import { uniqueName, useEmulators } from '../support/emulators';

const env = useEmulators({ bucket: false });
const now = new Date('2026-06-01T12:00:00.000Z');
const log = () => new DynamoSendLog(env.clients.dynamodb, env.tableName, () => now);

describe('DynamoSendLog', () => {
  it("claims once: a second claim is 'in-flight', and after markSent every claim is 'sent'", async () => {
    // Prepare
    const sends = log();
    const change = uniqueName('change');

    // Act
    const first = await sends.claim(change, 'a@example.org', 'run-1');
    const concurrent = await sends.claim(change, 'a@example.org', 'run-2');
    await sends.markSent(change, 'a@example.org', 'run-1', 'msg-1');
    const afterSent = await sends.claim(change, 'a@example.org', 'run-3');

    // Assess
    expect([first, concurrent, afterSent]).toEqual(['claimed', 'in-flight', 'sent']);
    expect(await sends.listSends(change)).toEqual([
      { changeId: change, email: 'a@example.org', status: 'sent', attempts: 1, messageId: 'msg-1' },
    ]);
  });

  it('recognises its own claim and its own markSent when they are retried', async () => {
    // Prepare
    const sends = log();
    const change = uniqueName('change');
    await sends.claim(change, 'b@example.org', 'run-1');

    // Act
    const retriedClaim = await sends.claim(change, 'b@example.org', 'run-1');
    await sends.markSent(change, 'b@example.org', 'run-1', 'msg-b');
    await sends.markSent(change, 'b@example.org', 'run-1', 'msg-b');

    // Assess
    expect(retriedClaim).toBe('claimed');
    expect((await sends.listSends(change))[0]).toMatchObject({ status: 'sent', messageId: 'msg-b', attempts: 1 });
  });

  it('lets a released claim be taken again, counting attempts', async () => {
    // Prepare
    const sends = log();
    const change = uniqueName('change');
    await sends.claim(change, 'c@example.org', 'run-1');

    // Act
    await sends.release(change, 'c@example.org', 'run-1', 'Throttling: Maximum sending rate exceeded');
    const reclaimed = await sends.claim(change, 'c@example.org', 'run-2');

    // Assess
    expect(reclaimed).toBe('claimed');
    expect((await sends.listSends(change))[0]).toMatchObject({ status: 'in-flight', attempts: 2 });
  });

  it('holds an ambiguous send for the operator: nobody may claim it again', async () => {
    // Prepare
    const sends = log();
    const change = uniqueName('change');
    await sends.claim(change, 'd@example.org', 'run-1');

    // Act
    await sends.markAmbiguous(change, 'd@example.org', 'run-1', 'TimeoutError ECONNRESET');
    const retry = await sends.claim(change, 'd@example.org', 'run-2');

    // Assess
    expect(retry).toBe('in-flight');
    expect((await sends.listSends()).filter((s) => s.changeId === change)).toEqual([
      { changeId: change, email: 'd@example.org', status: 'ambiguous', attempts: 1 },
    ]);
  });

  it("refuses to mark a send held by another attempt's claim", async () => {
    // Prepare
    const sends = log();
    const change = uniqueName('change');
    await sends.claim(change, 'e@example.org', 'run-1');

    // Act
    const stolen = await sends.markSent(change, 'e@example.org', 'run-2', 'msg-x').catch((error: unknown) => error);
    const unclaimed = await sends.release(change, 'nobody@example.org', 'run-2', 'x').catch((error: unknown) => error);

    // Assess
    expect(stolen).toBeInstanceOf(ConflictError);
    expect(unclaimed).toBeInstanceOf(ConflictError);
    expect(String(unclaimed)).toMatch(/never claimed/);
    expect((await sends.listSends(change))[0].status).toBe('in-flight');
  });

  it('puts an expiry on send-log items for DynamoDB TTL', async () => {
    // Prepare
    const sends = log();
    const change = uniqueName('change');

    // Act
    await sends.claim(change, 'f@example.org', 'run-1');

    // Assess
    const { Item } = await env.clients.dynamodb.send(new GetCommand({ TableName: env.tableName, Key: keys.send(change, 'f@example.org') }));
    expect(Item?.[TABLE_KEYS.ttlAttribute]).toBe(Math.floor(now.getTime() / 1000) + SEND_LOG_RETENTION_DAYS * 86_400);
  });
});

describe('DynamoSendLog policies', () => {
  it('lets another run take over a claim left in flight past the lease by a run that died', async () => {
    // Prepare
    const change = uniqueName('change');
    const claimedAt = new Date('2026-06-01T12:00:00.000Z');
    await new DynamoSendLog(env.clients.dynamodb, env.tableName, () => claimedAt).claim(change, 'g@example.org', 'dead-run');
    const at = (minutes: number) =>
      new DynamoSendLog(env.clients.dynamodb, env.tableName, () => new Date(claimedAt.getTime() + minutes * 60_000), {
        onAmbiguous: 'hold',
        leaseMs: DEFAULT_SEND_LEASE_MS,
      });

    // Act
    const lease = DEFAULT_SEND_LEASE_MS / 60_000;
    const withinLease = await at(lease - 1).claim(change, 'g@example.org', 'early-run');
    const pastLease = await at(lease + 1).claim(change, 'g@example.org', 'late-run');

    // Assess: the dead run may have sent before dying, so the takeover is a possible duplicate.
    expect([withinLease, pastLease]).toEqual(['in-flight', 'claimed-after-ambiguous']);
    expect((await at(lease + 1).listSends(change))[0]).toMatchObject({ status: 'in-flight', attempts: 2 });
  });

  it("re-sends an ambiguous send once under the 'retry' policy, recording a possible duplicate", async () => {
    // Prepare
    const change = uniqueName('change');
    const retrying = new DynamoSendLog(env.clients.dynamodb, env.tableName, () => now, {
      onAmbiguous: 'retry',
      leaseMs: DEFAULT_SEND_LEASE_MS,
    });
    await retrying.claim(change, 'h@example.org', 'run-1');
    await retrying.markAmbiguous(change, 'h@example.org', 'run-1', 'TimeoutError ETIMEDOUT');

    // Act
    const again = await retrying.claim(change, 'h@example.org', 'run-2');
    await retrying.markSent(change, 'h@example.org', 'run-2', 'msg-h', { retriedAfterAmbiguous: true });
    const afterSent = await retrying.claim(change, 'h@example.org', 'run-3');

    // Assess
    expect([again, afterSent]).toEqual(['claimed-after-ambiguous', 'sent']);
    expect(await retrying.listSends(change)).toEqual([
      { changeId: change, email: 'h@example.org', status: 'sent', attempts: 2, messageId: 'msg-h', retriedAfterAmbiguous: true },
    ]);
  });
});

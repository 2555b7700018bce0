import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, type Subscriber } from '../../functions/domain/subscriber';
import { DynamoSubscriberStore } from '../../functions/store/dynamo-subscriber-store';
import { keys } from '../../functions/store/table-schema';
import { useEmulators } from '../support/emulators';

const env = useEmulators({ bucket: false });
const store = () => new DynamoSubscriberStore(env.clients.dynamodb, env.tableName);

function subscriber(email: string, status: Subscriber['status'] = 'pending'): Subscriber {
  return { email, status, filters: { ...DEFAULT_FILTERS, states: ['CO'] }, createdAt: '2026-01-01T00:00:00.000Z' };
}

describe('DynamoSubscriberStore', () => {
  it('lists every one of 10,000 confirmed subscribers across pages, and only them', async () => {
    // Prepare
    const subscribers = store();
    const confirmed = Array.from({ length: 10_000 }, (_, i) => subscriber(`reader${String(i).padStart(5, '0')}@example.org`, 'confirmed'));
    const items = confirmed.map((s) => ({
      ...keys.subscriber(s.email),
      type: 'subscriber',
      gsi1pk: 'SUBSCRIBERS#confirmed',
      gsi1sk: s.email,
      ...s,
    }));
    const batches = Array.from({ length: items.length / 25 }, (_, i) => items.slice(i * 25, i * 25 + 25));
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
          let request = batch.map((Item) => ({ PutRequest: { Item } }));
          while (request.length > 0) {
            const { UnprocessedItems } = await env.clients.dynamodb.send(
              new BatchWriteCommand({ RequestItems: { [env.tableName]: request } }),
            );
            request = (UnprocessedItems?.[env.tableName] ?? []) as typeof request;
          }
        }
      }),
    );
    await subscribers.putSubscriber(subscriber('waiting@example.org', 'pending'));

    // Act
    const listed = await subscribers.listSubscribers('confirmed');

    // Assess
    expect(listed).toHaveLength(10_000);
    expect(new Set(listed.map((s) => s.email)).size).toBe(10_000);
    expect(listed[9_999]).toEqual(confirmed[9_999]);
    expect(listed.some((s) => s.email === 'waiting@example.org')).toBe(false);
  }, 240_000);

  it('moves a subscriber between statuses, setting confirmedAt once', async () => {
    // Prepare
    const subscribers = store();
    await subscribers.putSubscriber(subscriber('Journalist@Example.org'));

    // Act
    await subscribers.setSubscriberStatus('journalist@example.org', 'confirmed');
    const confirmed = await subscribers.getSubscriber('JOURNALIST@example.org');
    await subscribers.setSubscriberStatus('journalist@example.org', 'unsubscribed', 'one-click unsubscribe');

    // Assess
    expect(confirmed?.status).toBe('confirmed');
    expect(confirmed?.confirmedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const after = await subscribers.getSubscriber('journalist@example.org');
    expect(after).toMatchObject({
      email: 'Journalist@Example.org',
      status: 'unsubscribed',
      reason: 'one-click unsubscribe',
      confirmedAt: confirmed?.confirmedAt,
    });
    expect((await subscribers.listSubscribers('unsubscribed')).map((s) => s.email)).toContain('Journalist@Example.org');
    expect((await subscribers.listSubscribers('confirmed')).map((s) => s.email)).not.toContain('Journalist@Example.org');
  });

  it('records a bounce for an address that never subscribed, and refuses to confirm one', async () => {
    // Prepare
    const subscribers = store();

    // Act
    await subscribers.setSubscriberStatus('bounced@example.org', 'suppressed', 'Permanent bounce');
    const confirmUnknown = await subscribers.setSubscriberStatus('stranger@example.org', 'confirmed').catch((error: unknown) => error);

    // Assess
    expect(await subscribers.getSubscriber('bounced@example.org')).toMatchObject({
      status: 'suppressed',
      reason: 'Permanent bounce',
      filters: DEFAULT_FILTERS,
    });
    expect(String(confirmUnknown)).toMatch(/no subscriber stranger@example.org/);
    expect(await subscribers.getSubscriber('stranger@example.org')).toBeUndefined();
  });
});

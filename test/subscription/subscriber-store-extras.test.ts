import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../functions/store/dynamo-subscriber-store';
import { keys } from '../../functions/store/table-schema';
import { uniqueName, useEmulators } from '../support/emulators';

const filters = { states: [], jurisdictions: [], topN: 10, minMove: 0, minDelta: 0 };

/** The link-id pointer, rate-limit windows and webhook health, on DynamoDB Local. */
describe('DynamoSubscriberStore: links, rate windows, webhook health', () => {
  const env = useEmulators({ bucket: false });
  const tag = uniqueName('store');
  let store: DynamoSubscriberStore;

  beforeAll(() => {
    store = new DynamoSubscriberStore(env.clients.dynamodb, env.tableName);
  });

  it('finds a subscriber by its link id, and nobody by an unknown one', async () => {
    // Prepare
    const email = `${tag}-linked@example.org`;
    await store.putSubscriber({ email, id: `${tag}-id`, status: 'pending', filters, createdAt: '2026-12-01T00:00:00Z' });

    // Act + Assess
    expect((await store.getSubscriberById(`${tag}-id`))?.email).toBe(email);
    expect(await store.getSubscriberById(`${tag}-nobody`)).toBeUndefined();
    expect((await store.listSubscribers('pending')).map((s) => s.email)).toEqual([email]);
  });

  it('links a subscriber stored before link ids once, and never invents one for an unknown address', async () => {
    // Prepare
    const email = `${tag}-legacy@example.org`;
    await store.putSubscriber({ email, status: 'confirmed', filters, createdAt: '2025-01-01T00:00:00Z' });

    // Act
    await store.linkSubscriberId(email, `${tag}-legacy-id`);
    await store.linkSubscriberId(email, `${tag}-second-id`);
    await store.linkSubscriberId(`${tag}-ghost@example.org`, `${tag}-ghost-id`);

    // Assess
    expect(await store.getSubscriber(email)).toMatchObject({ id: `${tag}-legacy-id`, status: 'confirmed' });
    expect((await store.getSubscriberById(`${tag}-legacy-id`))?.email).toBe(email);
    expect(await store.getSubscriberById(`${tag}-second-id`)).toBeUndefined();
    expect(await store.getSubscriberById(`${tag}-ghost-id`)).toBeUndefined();
    expect(await store.getSubscriber(`${tag}-ghost@example.org`)).toBeUndefined();
  });

  it('counts attempts per key and window, with a TTL after the window', async () => {
    // Prepare
    const now = new Date('2026-12-04T10:15:00Z');

    // Act
    const counts = [
      await store.countAttempt(`${tag}-k`, 3600, now),
      await store.countAttempt(`${tag}-k`, 3600, now),
      await store.countAttempt(`${tag}-other`, 3600, now),
    ];
    const nextHour = await store.countAttempt(`${tag}-k`, 3600, new Date('2026-12-04T11:00:01Z'));

    // Assess
    expect(counts).toEqual([1, 2, 1]);
    expect(nextHour).toBe(1);
    const windowStart = Date.UTC(2026, 11, 4, 10) / 1000;
    const { Item } = await env.clients.dynamodb.send(
      new GetCommand({ TableName: env.tableName, Key: keys.rateWindow(`${tag}-k`, windowStart) }),
    );
    expect(Item?.expiresAt).toBe(windowStart + 7200);
  });

  it('counts webhook failures for the URL they happened on only, resets on success, disables once', async () => {
    // Prepare
    const email = `${tag}-hook@example.org`;
    const webhook = { url: 'https://hooks.example.org/a', secret: 's', createdAt: '2026-12-01T00:00:00Z', consecutiveFailures: 0 };
    await store.putSubscriber({ email, status: 'confirmed', filters, createdAt: '2026-12-01T00:00:00Z', webhook });

    // Act
    const first = await store.recordWebhookFailure(email, webhook.url, 'HTTP 500');
    const second = await store.recordWebhookFailure(email, webhook.url, 'HTTP 502');
    const otherUrl = await store.recordWebhookFailure(email, 'https://hooks.example.org/old', 'HTTP 500');
    await store.recordWebhookSuccess(email, webhook.url);
    const afterSuccess = (await store.getSubscriber(email))?.webhook;
    const disabled = [
      await store.disableWebhook(email, webhook.url, new Date()),
      await store.disableWebhook(email, webhook.url, new Date()),
    ];

    // Assess
    expect([first, second, otherUrl]).toEqual([1, 2, undefined]);
    expect(afterSuccess).toEqual({ ...webhook, consecutiveFailures: 0 });
    expect(disabled).toEqual([true, false]);
    expect((await store.getSubscriber(email))?.webhook?.disabledAt).toEqual(expect.any(String));
  });
});

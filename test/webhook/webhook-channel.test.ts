import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../../functions/commons/deps';
import { filterForSubscriber } from '../../functions/domain/filter';
import { AmbiguousDeliveryError, type Delivery } from '../../functions/ports/channel';
import { registerWebhook } from '../../functions/webhook/register-webhook';
import {
  WEBHOOK_METRIC,
  type WebhookChannel,
  type WebhookChannelOptions,
  WebhookDeliveryError,
} from '../../functions/webhook/webhook-channel';
import { verifyWebhookSignature } from '../../functions/webhook/webhook-signature';
import { webhookChannel } from '../../functions/webhook/webhook-wiring';
import { newQuarterChange } from '../fixtures/fy2017-change-sets';
import { composeTestDeps } from '../support/compose-test-deps';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { startReceiver } from './receiver';

/** Webhook deliveries against a real local receiver, with subscribers in DynamoDB Local and mail in the SES emulator. */
describe('WebhookChannel', () => {
  const env = useEmulators({ bucket: false });
  const tag = uniqueName('hooks');
  const counted: string[] = [];
  let deps: Deps;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let proxy: FaultProxy | undefined;
  const sleeps: number[] = [];

  beforeAll(async () => {
    await mkdir(join(env.workDir, 'tmp'), { recursive: true });
    deps = composeTestDeps(env, {
      secret: 'hooks-secret',
      config: { operatorEmail: `${tag}-ops@example.org`, subscriptionUrl: 'http://127.0.0.1:8787/api' },
    });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await proxy?.stop();
    await receiver?.stop();
  });

  beforeEach(() => {
    counted.length = 0;
    sleeps.length = 0;
  });

  function channel(overrides: Partial<WebhookChannelOptions> = {}): WebhookChannel {
    return webhookChannel(deps, {
      allowLoopback: true,
      backoffMs: 50,
      timeoutMs: 2_000,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      count: (metric) => counted.push(metric),
      ...overrides,
    });
  }

  async function subscriberWithHook(name: string, url: string): Promise<{ delivery: Delivery; secret: string }> {
    const email = `${tag}-${name}@example.org`;
    await deps.subscribers.putSubscriber({
      email,
      status: 'confirmed',
      filters: { states: [], jurisdictions: [], topN: 3, minMove: 0, minDelta: 0 },
      createdAt: new Date().toISOString(),
    });
    const { secret } = await registerWebhook(deps, email, url, { allowLoopback: true });
    const subscriber = (await deps.subscribers.getSubscriber(email))!;
    const change = newQuarterChange();
    return {
      delivery: { digest: filterForSubscriber(change, subscriber.filters)!, subscriber, idempotencyKey: `${change.id}#${email}#webhook` },
      secret,
    };
  }

  it('POSTs the digest as JSON, signed over timestamp and body, with the idempotency key', async () => {
    // Prepare
    const { delivery, secret } = await subscriberWithHook('signed', receiver.url);
    const before = receiver.received.length;

    // Act
    const result = await channel().send(delivery);

    // Assess
    const [hook] = receiver.received.slice(before);
    const document = JSON.parse(hook.body);
    expect(result.messageId).toBe(delivery.idempotencyKey);
    expect(hook.headers['idempotency-key']).toBe(delivery.idempotencyKey);
    expect(hook.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(secret, String(hook.headers['x-detainer-watch-signature']), hook.body, new Date())).toBe(true);
    expect(
      verifyWebhookSignature(secret, String(hook.headers['x-detainer-watch-signature']), hook.body.replace('FY2017', 'FY2018'), new Date()),
    ).toBe(false);
    expect(
      verifyWebhookSignature(secret, String(hook.headers['x-detainer-watch-signature']), hook.body, new Date(Date.now() + 600_000)),
    ).toBe(false);
    expect(document).toMatchObject({ type: 'rankings.changed', id: delivery.idempotencyKey, change: { id: delivery.digest.id } });
    expect(document.quarters[0].rows.length).toBeGreaterThanOrEqual(3);
    expect(document.quarters[0].rows[0]).toEqual({
      rank: 1,
      fips: expect.any(String),
      name: expect.any(String),
      state: expect.any(String),
      declined: expect.any(Number),
    });
    expect(counted).toEqual([WEBHOOK_METRIC.delivered]);
  });

  it('retries a 503 and a 429 with growing waits, then delivers once', async () => {
    // Prepare
    const { delivery } = await subscriberWithHook('flaky', receiver.url);
    receiver.script([503, 429]);
    const before = receiver.received.length;

    // Act
    await channel().send(delivery);

    // Assess
    expect(receiver.received.length - before).toBe(3);
    expect(sleeps).toEqual([50, 100]);
    expect((await deps.subscribers.getSubscriber(delivery.subscriber.email))?.webhook?.consecutiveFailures).toBe(0);
  });

  it('does not retry a 4xx refusal, and counts the failure against the webhook', async () => {
    // Prepare
    const { delivery } = await subscriberWithHook('gone', receiver.url);
    receiver.script([410]);
    const before = receiver.received.length;

    // Act
    const sending = channel().send(delivery);

    // Assess
    await expect(sending).rejects.toThrow(WebhookDeliveryError);
    await expect(sending).rejects.toThrow(/HTTP 410/);
    expect(receiver.received.length - before).toBe(1);
    expect((await deps.subscribers.getSubscriber(delivery.subscriber.email))?.webhook).toMatchObject({
      consecutiveFailures: 1,
      lastError: 'HTTP 410',
    });
  });

  it('reports a lost acknowledgement as ambiguous; the re-send carries the same key and the receiver processes it once', async () => {
    // Prepare
    proxy = await startFaultProxy({ target: new URL(receiver.url).origin, service: 'http' });
    proxy.addRule({ name: 'lose the first answer', match: (r) => r.method === 'POST', nth: 1, action: 'lost-ack' });
    const { delivery } = await subscriberWithHook('lost-ack', `${proxy.url}/hooks/detainer-watch`);
    const before = receiver.received.length;

    // Act
    const first = channel().send(delivery);
    await expect(first).rejects.toThrow(AmbiguousDeliveryError);
    const again = await channel().send(delivery);

    // Assess
    const arrived = receiver.received.slice(before);
    expect(arrived).toHaveLength(2);
    expect(arrived.map((hook) => hook.headers['idempotency-key'])).toEqual([delivery.idempotencyKey, delivery.idempotencyKey]);
    expect([...receiver.processedKeys].filter((key) => key === delivery.idempotencyKey)).toHaveLength(1);
    expect(again.messageId).toBe(delivery.idempotencyKey);
    expect(proxy.decisions.map((d) => d.fault)).toEqual(['lost-ack', 'pass']);
  });

  it('retries a refused connection (nothing sent) and then fails without ambiguity', async () => {
    // Prepare
    const closed = await startReceiver();
    const url = closed.url;
    await closed.stop();
    const { delivery } = await subscriberWithHook('closed', url);

    // Act + Assess
    await expect(channel().send(delivery)).rejects.toThrow(WebhookDeliveryError);
    expect(sleeps).toHaveLength(2);
  });

  it('disables the webhook after five failed deliveries in a row and tells its owner once', async () => {
    // Prepare
    const { delivery } = await subscriberWithHook('broken', receiver.url);
    const hooks = channel({ attempts: 1 });

    // Act
    for (let i = 0; i < 6; i++) {
      receiver.script([500]);
      const subscriber = (await deps.subscribers.getSubscriber(delivery.subscriber.email))!;
      if (!hooks.reaches(subscriber)) break;
      await expect(hooks.send({ ...delivery, subscriber })).rejects.toThrow(/HTTP 500/);
    }

    // Assess
    const after = (await deps.subscribers.getSubscriber(delivery.subscriber.email))!;
    expect(after.webhook).toMatchObject({ consecutiveFailures: 5, disabledAt: expect.any(String) });
    expect(hooks.reaches(after)).toBe(false);
    expect(counted.filter((m) => m === WEBHOOK_METRIC.disabled)).toHaveLength(1);
    const mails = await sesMessages(env.endpoints.ses, delivery.subscriber.email);
    expect(mails.map((m) => m.subject)).toEqual(['Your detainer-watch webhook was disabled']);
    expect(mails[0].body.text).toContain(receiver.url);
    expect(mails[0].body.text).toMatch(/http:\/\/127\.0\.0\.1:8787\/api\/preferences\?token=[\w.%-]+/);
  });

  it('refuses to POST when the host now resolves to a private address (DNS rebinding), and counts a failure', async () => {
    // Prepare
    const { delivery } = await subscriberWithHook('rebound', receiver.url.replace('127.0.0.1', 'localhost'));
    const before = receiver.received.length;
    const rebound = channel({ allowLoopback: false, resolve: async () => [{ address: '169.254.169.254', family: 4 }], attempts: 1 });

    // Act + Assess
    await expect(rebound.send(delivery)).rejects.toThrow(/169\.254\.169\.254 is a link-local address/);
    expect(receiver.received.length).toBe(before);
    expect((await deps.subscribers.getSubscriber(delivery.subscriber.email))?.webhook?.consecutiveFailures).toBe(1);
  });
});

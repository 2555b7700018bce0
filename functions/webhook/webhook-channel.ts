import { composeWebhookDisabled } from '../domain/email/webhook-disabled';
import { hasActiveWebhook, type Subscriber } from '../domain/subscriber';
import { buildMime } from '../mail/mime';
import { AmbiguousDeliveryError, type Channel, type Delivery } from '../ports/channel';
import type { Mailer } from '../ports/mailer';
import type { WebhookHealth } from './webhook-health';
import { webhookBody } from './webhook-payload';
import { type PostOutcome, postWebhook } from './webhook-post';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';
import type { Resolve } from './webhook-url';

/** Metric names the channel counts (the stack's alarm watches `WebhooksDisabled`). */
export const WEBHOOK_METRIC = { delivered: 'WebhooksDelivered', failed: 'WebhookDeliveriesFailed', disabled: 'WebhooksDisabled' } as const;

export interface WebhookChannelOptions {
  health: WebhookHealth;
  /** Tells the owner when their webhook is disabled. */
  mailer: Mailer;
  sender: string;
  /** Where the owner can register the URL again (their preferences page), when known. */
  preferencesUrl?: (subscriber: Subscriber) => Promise<string | undefined>;
  clock?: () => Date;
  count?: (metric: string, value?: number) => void;
  log?: { warn(message: string, fields?: Record<string, unknown>): void };
  resolve?: Resolve;
  allowLoopback?: boolean;
  /** Tries per delivery for answers worth retrying (5xx, 429, connect errors); default 3. */
  attempts?: number;
  /** Wait before the second try, doubled after each; default 1 s. */
  backoffMs?: number;
  timeoutMs?: number;
  /** Failed deliveries in a row (each after its retries) that disable the webhook; default 5. */
  disableAfter?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
}

const RETRY_AFTER_CAP_SECONDS = 30;

/**
 * Alerts as signed JSON POSTs (Slack's format for a Slack incoming webhook). Retries inside one send
 * only what certainly did not arrive; a request that went out and lost its answer throws
 * `AmbiguousDeliveryError`, so the send log decides about a re-send and the receiver deduplicates
 * on `Idempotency-Key`. After `disableAfter` failed deliveries in a row the webhook is disabled and
 * its owner gets an email.
 */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook' as const;
  private readonly clock: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: WebhookChannelOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  reaches(subscriber: Subscriber): boolean {
    return hasActiveWebhook(subscriber);
  }

  async send(delivery: Delivery): Promise<{ messageId: string }> {
    const webhook = delivery.subscriber.webhook;
    if (!webhook || webhook.disabledAt) throw new WebhookDeliveryError('the subscriber has no active webhook');
    const url = new URL(webhook.url);
    const body = webhookBody(delivery, url);
    const attempts = this.options.attempts ?? 3;
    let last: PostOutcome | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'detainer-watch-webhook/1',
        'idempotency-key': delivery.idempotencyKey,
        [SIGNATURE_HEADER]: signWebhook(webhook.secret, body, this.clock()),
      };
      last = await postWebhook(url, headers, body, {
        timeoutMs: this.options.timeoutMs ?? 10_000,
        resolve: this.options.resolve,
        allowLoopback: this.options.allowLoopback,
      });
      if (last.kind === 'answered' && last.status >= 200 && last.status < 300) {
        await this.options.health.recordWebhookSuccess(delivery.subscriber.email, webhook.url);
        this.options.count?.(WEBHOOK_METRIC.delivered);
        return { messageId: delivery.idempotencyKey };
      }
      if (last.kind === 'failed' && last.sent) throw new AmbiguousDeliveryError(`webhook POST sent, answer lost: ${last.error}`);
      if (!retryable(last) || attempt === attempts) break;
      await this.sleep(this.backoff(attempt, last));
    }
    const reason = describe(last);
    await this.recordFailure(delivery.subscriber.email, webhook.url, reason, delivery.subscriber);
    throw new WebhookDeliveryError(`webhook delivery failed: ${reason}`);
  }

  private backoff(attempt: number, outcome: PostOutcome): number {
    const base = (this.options.backoffMs ?? 1_000) * 2 ** (attempt - 1);
    const retryAfter =
      outcome.kind === 'answered' && outcome.retryAfterSeconds !== undefined
        ? Math.min(outcome.retryAfterSeconds, RETRY_AFTER_CAP_SECONDS) * 1000
        : 0;
    return Math.max(base, retryAfter);
  }

  private async recordFailure(email: string, url: string, reason: string, subscriber: Subscriber): Promise<void> {
    const { health, disableAfter = 5 } = this.options;
    this.options.count?.(WEBHOOK_METRIC.failed);
    const failures = await health.recordWebhookFailure(email, url, reason);
    this.options.log?.warn('webhook delivery failed', { failures, reason });
    if (failures === undefined || failures < disableAfter) return;
    if (!(await health.disableWebhook(email, url, this.clock()))) return;
    this.options.count?.(WEBHOOK_METRIC.disabled);
    const message = composeWebhookDisabled({
      url,
      failures,
      lastError: reason,
      preferencesUrl: await this.options.preferencesUrl?.(subscriber),
    });
    const raw = await buildMime(message, { from: this.options.sender, to: email });
    await this.options.mailer.sendRaw({ from: this.options.sender, to: email, raw, html: message.html, subject: message.subject });
  }
}

/** Worth another try now: the receiver is overloaded or failing (5xx, 429), or no connection was made. */
function retryable(outcome: PostOutcome): boolean {
  if (outcome.kind === 'answered') return outcome.status >= 500 || outcome.status === 429;
  return outcome.kind === 'failed' && !outcome.sent;
}

function describe(outcome: PostOutcome | undefined): string {
  if (!outcome) return 'not attempted';
  if (outcome.kind === 'answered') return `HTTP ${outcome.status}`;
  if (outcome.kind === 'refused') return `refused: ${outcome.error}`;
  return outcome.error;
}

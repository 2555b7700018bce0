import type { ReleaseChange } from '../domain/change';
import type { Subscriber } from '../domain/subscriber';

/**
 * One way an alert reaches a subscriber (email through SES; a webhook POST). The deliver step
 * claims each (change, subscriber, channel) in the send log before `send` and records the result
 * after, so every channel gets the same exactly-once rules.
 */
export interface Delivery {
  /** The change as this subscriber's filters see it (`filterForSubscriber`). */
  digest: ReleaseChange;
  subscriber: Subscriber;
  /** Stable across retries of this (change, subscriber, channel): receivers deduplicate on it. */
  idempotencyKey: string;
}

export type ChannelKind = 'email' | 'webhook';

export interface Channel {
  readonly kind: ChannelKind;
  /** Whether this subscriber is reached through this channel at all. */
  reaches(subscriber: Subscriber): boolean;
  /**
   * Deliver; resolves with the receiver's id for it. Throws `AmbiguousDeliveryError` when the
   * request may have taken effect although no answer came (a lost acknowledgement); any other
   * error means nothing was delivered.
   */
  send(delivery: Delivery): Promise<{ messageId: string; retriedAfterAmbiguous?: boolean }>;
}

/** The request went out and its answer was lost: the receiver may have it. */
export class AmbiguousDeliveryError extends Error {
  override readonly name = 'AmbiguousDeliveryError';
  readonly ambiguous = true;
}

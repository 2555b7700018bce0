export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'suppressed';

export interface SubscriberFilters {
  /** USPS codes; empty = every state. */
  states: string[];
  /** FIPS codes or names ("Denver County", "Miami-Dade"); empty = every jurisdiction. */
  jurisdictions: string[];
  /** How many ranks to show and watch; default 10. */
  topN: number;
  /** Smallest rank move worth an email; 0 = any. */
  minMove: number;
  /** Smallest count change worth an email; 0 = any. */
  minDelta: number;
}

/** A second channel beside email: each alert is POSTed to `url`, signed with `secret`. */
interface SubscriberWebhook {
  /** HTTPS URL (a Slack incoming webhook gets Slack's payload). */
  url: string;
  /** HMAC key of the signature header; shown once to the owner when registered. */
  secret: string;
  createdAt: string;
  /** Deliveries in a row that failed after their retries; reset by a success. */
  consecutiveFailures: number;
  /** Set when too many deliveries failed in a row: nothing is POSTed until the owner registers it again. */
  disabledAt?: string;
  lastError?: string;
}

export interface Subscriber {
  email: string;
  /** Opaque id named by signed links (`subscriberId` in subscriber-links.ts), never the address. */
  id?: string;
  status: SubscriberStatus;
  filters: SubscriberFilters;
  createdAt: string;
  confirmedAt?: string;
  /** Why the address is suppressed (bounce / complaint) or unsubscribed. */
  reason?: string;
  webhook?: SubscriberWebhook;
}

export const DEFAULT_FILTERS: SubscriberFilters = { states: [], jurisdictions: [], topN: 10, minMove: 0, minDelta: 0 };

/** Whether alerts go to this subscriber's webhook: confirmed, with a URL, not disabled after failures. */
export function hasActiveWebhook(subscriber: Subscriber): boolean {
  return subscriber.status === 'confirmed' && Boolean(subscriber.webhook?.url) && !subscriber.webhook?.disabledAt;
}

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

export interface Subscriber {
  email: string;
  status: SubscriberStatus;
  filters: SubscriberFilters;
  createdAt: string;
  confirmedAt?: string;
  /** Why the address is suppressed (bounce / complaint) or unsubscribed. */
  reason?: string;
}

export const DEFAULT_FILTERS: SubscriberFilters = { states: [], jurisdictions: [], topN: 10, minMove: 0, minDelta: 0 };

import type { ReleaseChange } from '../domain/change';
import type { QuarterId } from '../domain/quarter';
import type { Ranking } from '../domain/ranking';
import type { Release } from '../domain/release';
import type { Subscriber, SubscriberStatus } from '../domain/subscriber';
import type { WebhookHealth } from '../webhook/webhook-health';
import type { ChannelKind } from './channel';

/** What poll remembers about a source between runs. */
export interface SourceState {
  source: string;
  /** Validators of the index page for the conditional GET. */
  etag?: string;
  lastModified?: string;
  /** Validators and digest of each release file seen, by URL. */
  files: Record<string, { etag?: string; lastModified?: string; sha256?: string }>;
  lastPolledAt?: string;
  lastSuccessAt?: string;
  consecutiveFailures: number;
}

export interface ReleaseStore {
  getSourceState(source: string): Promise<SourceState | undefined>;
  saveSourceState(state: SourceState): Promise<void>;
  getRelease(source: string, sha256: string): Promise<Release | undefined>;
  /** Conditional create: 'exists' when the same bytes were recorded before. */
  recordRelease(release: Release): Promise<'created' | 'exists'>;
  setReleaseStatus(source: string, sha256: string, status: Release['status'], reason?: string): Promise<void>;
  listReleases(source?: string): Promise<Release[]>;
}

/** One stored version of a quarter's ranking. */
export interface StoredQuarter extends Ranking {
  /** 1 for the first version, +1 per change. */
  version: number;
  /** Content hash of the counts (not of the release), used to spot reverts and no-ops. */
  hash: string;
  storedAt: string;
}

export interface QuarterWrite {
  ranking: Ranking;
  hash: string;
  /** Version this write replaces (null: the quarter is new). The commit fails if another writer moved it. */
  expectedVersion: number | null;
}

export interface RankingStore {
  /** Current version of a quarter. */
  getQuarter(source: string, quarter: QuarterId): Promise<StoredQuarter | undefined>;
  /** Current versions of every quarter, optionally of one source. */
  listQuarters(source?: string): Promise<StoredQuarter[]>;
  /** Every stored version of a quarter, oldest first. */
  quarterHistory(source: string, quarter: QuarterId): Promise<StoredQuarter[]>;
  /**
   * Atomically: the new quarter versions, the change record (if any) and the release's status
   * `ingested`. `token` marks this attempt so that a retried commit whose first attempt took
   * effect is recognised as 'already-committed', not as a conflict.
   */
  commitRelease(input: {
    release: Release;
    quarters: QuarterWrite[];
    change: ReleaseChange | null;
    token: string;
  }): Promise<'committed' | 'already-committed'>;
  getChange(id: string): Promise<ReleaseChange | undefined>;
  /** Changes whose notification has not finished, oldest first. */
  listPendingChanges(): Promise<ReleaseChange[]>;
  markChangeNotified(id: string): Promise<void>;
}

/** Subscribers, their link ids, rate-limit windows of the subscription form, and their webhooks' health. */
export interface SubscriberStore extends WebhookHealth {
  getSubscriber(email: string): Promise<Subscriber | undefined>;
  putSubscriber(subscriber: Subscriber): Promise<void>;
  setSubscriberStatus(email: string, status: Subscriber['status'], reason?: string): Promise<void>;
  listSubscribers(status?: SubscriberStatus): Promise<Subscriber[]>;
  /** The subscriber a signed link names (its opaque `id`). */
  getSubscriberById(id: string): Promise<Subscriber | undefined>;
  /** Gives an existing subscriber stored before link ids its id (and the pointer to it); a no-op when it has one. */
  linkSubscriberId(email: string, id: string): Promise<void>;
  /** Adds one attempt to `key`'s count in the current window of `windowSeconds`; the new count (rate limits). */
  countAttempt(key: string, windowSeconds: number, now: Date): Promise<number>;
}

/**
 * Exactly-once delivery per (change, subscriber). A send is claimed (in flight) before SES is
 * called and marked sent after; see the README's reliability section for the ambiguous case.
 */
/** `claimed-after-ambiguous`: claimed, but an earlier attempt's outcome is unknown (ambiguous, or it died holding the claim): possibly a second copy. */
export type SendClaim = 'claimed' | 'claimed-after-ambiguous' | 'sent' | 'in-flight';

export interface SendLog {
  /** The ledger of one channel (email is the default): each (change, subscriber, channel) is claimed apart. */
  forChannel(channel: ChannelKind): SendLog;
  claim(changeId: string, email: string, token: string): Promise<SendClaim>;
  /** `retriedAfterAmbiguous`: an SDK retry followed a lost acknowledgement, so SES may hold two copies. */
  markSent(changeId: string, email: string, token: string, messageId: string, details?: { retriedAfterAmbiguous?: boolean }): Promise<void>;
  /** The SES call failed before being accepted: release the claim so a retry sends. */
  release(changeId: string, email: string, token: string, error: string): Promise<void>;
  /** The SES call's outcome is unknown (lost acknowledgement): recorded for the operator. */
  markAmbiguous(changeId: string, email: string, token: string, error: string): Promise<void>;
  listSends(changeId?: string): Promise<
    {
      changeId: string;
      email: string;
      status: 'in-flight' | 'sent' | 'ambiguous' | 'released';
      attempts: number;
      messageId?: string;
      retriedAfterAmbiguous?: boolean;
    }[]
  >;
}

import type { Resolver } from '../domain/jurisdiction';
import type { Archive } from '../ports/archive';
import type { Channel } from '../ports/channel';
import type { DeliveryQueue } from '../ports/delivery-queue';
import type { Fetcher } from '../ports/fetcher';
import type { Mailer } from '../ports/mailer';
import type { RankingStore, ReleaseStore, SendLog, SubscriberStore } from '../ports/store';
import type { RuntimeConfig } from './config';

/** Structured log lines carry ids (release, change), never email addresses. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Everything a step needs, wired once per process: AWS adapters in Lambda, the same adapters on emulators locally. */
export interface Deps {
  releases: ReleaseStore;
  rankings: RankingStore;
  subscribers: SubscriberStore;
  sendLog: SendLog;
  archive: Archive;
  mailer: Mailer;
  fetcher: Fetcher;
  /** Facility → county; loaded on first use (only ingest places facilities). */
  resolver: () => Promise<Resolver>;
  config: RuntimeConfig;
  /** HMAC secret for confirm/unsubscribe tokens (Secrets Manager in AWS, a generated file locally). */
  tokenSecret: () => Promise<string>;
  /** Scratch folder for downloads and archived copies being parsed (`/tmp` in Lambda). */
  workDir: string;
  clock: () => Date;
  log: Log;
  /** Counters for metrics (Powertools Metrics in AWS). */
  count?: (metric: string, value?: number) => void;
  /** Where notify hands a change's subscriber batches to deliver (SQS in AWS, a local queue locally). */
  deliveryQueue: DeliveryQueue;
  /** The ways an alert reaches a subscriber, in order; deliver claims each (change, subscriber, channel). */
  channels: Channel[];
  /** What each step did, for local mode's summary (AWS has the logs and metrics). */
  report?: (event: StepEvent) => void;
}

/** A step's outcome as the handler saw it; the payload is the use case's own report. */
export type StepEvent = { step: 'poll' | 'ingest' | 'deliver'; report: unknown };

import type { Clients } from './clients';
import type { ClientOptions } from './client-settings';
import type { RuntimeConfig } from './config';
import type { Deps, Log } from './deps';
import { createDynamoDbClient } from './dynamodb-client';
import { lazyPort } from './lazy-port';
import { archiveLocation } from '../archive/archive-location';
import type { ArchiveWiring } from '../archive/lazy-s3-archive';
import type { MailerWiring } from '../notify/lazy-ses-mailer';
import { DynamoRankingStore } from '../store/dynamo-ranking-store';
import { DynamoReleaseStore } from '../store/dynamo-release-store';
import { DEFAULT_SEND_LEASE_MS, DynamoSendLog } from '../store/dynamo-send-log';
import { DynamoSubscriberStore } from '../store/dynamo-subscriber-store';
import { HttpFetcher } from '../poll/fetcher';
import type { Archive } from '../ports/archive';
import type { Mailer } from '../ports/mailer';
import type { Resolver } from '../domain/jurisdiction';

export interface WiringOptions {
  /** Clients already built (local mode, tests); otherwise each is built on first use from `clientOptions`. */
  clients?: Clients;
  clientOptions?: ClientOptions;
  tableName: string;
  bucket: string;
  config: RuntimeConfig;
  tokenSecret: () => Promise<string>;
  workDir: string;
  log: Log;
  /** Where people open archived files locally (s3rver URL); `s3://` in AWS. */
  archiveBaseUrl?: string;
  configurationSet?: string;
  count?: (metric: string, value?: number) => void;
  /** Wraps the SES mailer (local mode keeps a readable copy of every message in the outbox). */
  decorateMailer?: (mailer: Mailer) => Mailer;
  clock?: () => Date;
}

/** How a step reaches the archive and the mailer; a Lambda names only those its step uses. */
export interface StepAdapters {
  archive?: (wiring: ArchiveWiring) => Archive;
  mailer?: (wiring: MailerWiring) => Mailer;
}

/** A port this step was not wired with: using it is a wiring mistake, said plainly. */
function unwired<T extends object>(name: string, eager: Partial<T> = {}): T {
  return lazyPort<T>(async () => {
    throw new Error(`this step is not wired with the ${name}`);
  }, eager);
}

/**
 * The adapters of one step. DynamoDB is wired at once (every step uses it); the archive and the
 * mailer only when the step names them, so a Lambda bundles and starts only the SDK clients it
 * calls (`wireDeps` in `wiring.ts` wires everything, for local mode and tests).
 */
export function wireStep(options: WiringOptions, adapters: StepAdapters): Deps {
  const { tableName, clients, clientOptions } = options;
  const dynamodb = clients?.dynamodb ?? createDynamoDbClient(clientOptions);
  const archive = adapters.archive
    ? adapters.archive({ ...(clients ? { clients } : {}), ...(clientOptions ? { clientOptions } : {}), bucket: options.bucket, ...(options.archiveBaseUrl ? { archiveBaseUrl: options.archiveBaseUrl } : {}) })
    : unwired<Archive>('archive', { locate: (key: string) => archiveLocation(options.bucket, key, options.archiveBaseUrl) });
  const mailer = adapters.mailer
    ? adapters.mailer({ ...(clients ? { clients } : {}), ...(clientOptions ? { clientOptions } : {}), ...(options.configurationSet ? { configurationSet: options.configurationSet } : {}) })
    : unwired<Mailer>('mailer');
  let resolver: Promise<Resolver> | undefined;
  return {
    releases: new DynamoReleaseStore(dynamodb, tableName),
    rankings: new DynamoRankingStore(dynamodb, tableName),
    subscribers: new DynamoSubscriberStore(dynamodb, tableName),
    // The wiring retries a send whose outcome is unknown (at most one duplicate, never a loss),
    // and takes over a claim left in flight by a run that died, after the lease.
    sendLog: new DynamoSendLog(dynamodb, tableName, options.clock, { onAmbiguous: 'retry', leaseMs: DEFAULT_SEND_LEASE_MS }),
    archive,
    mailer: options.decorateMailer ? options.decorateMailer(mailer) : mailer,
    fetcher: new HttpFetcher(),
    resolver: () => (resolver ??= import('../ingest/resolve/resolver').then((m) => m.createResolver())),
    config: options.config,
    tokenSecret: options.tokenSecret,
    workDir: options.workDir,
    clock: options.clock ?? (() => new Date()),
    log: options.log,
    ...(options.count ? { count: options.count } : {}),
  };
}

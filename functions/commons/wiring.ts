import type { Clients } from './clients';
import type { RuntimeConfig } from './config';
import type { Deps, Log } from './deps';
import { DynamoRankingStore } from '../store/dynamo-ranking-store';
import { DynamoReleaseStore } from '../store/dynamo-release-store';
import { DEFAULT_SEND_LEASE_MS, DynamoSendLog } from '../store/dynamo-send-log';
import { DynamoSubscriberStore } from '../store/dynamo-subscriber-store';
import { S3Archive } from '../archive/s3-archive';
import { SesMailer } from '../notify/ses-mailer';
import { HttpFetcher } from '../poll/fetcher';
import { createResolver } from '../ingest/resolve/resolver';
import type { Mailer } from '../ports/mailer';
import type { Resolver } from '../domain/jurisdiction';

export interface WiringOptions {
  clients: Clients;
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

/**
 * The one place adapters are put together, for Lambda (`awsDeps`) and local mode alike:
 * there is no second code path for local runs, only other endpoints.
 */
export function wireDeps(options: WiringOptions): Deps {
  const { clients, tableName } = options;
  const ses = new SesMailer(clients.ses, options.configurationSet ? { configurationSetName: options.configurationSet } : {});
  let resolver: Resolver | undefined;
  return {
    releases: new DynamoReleaseStore(clients.dynamodb, tableName),
    rankings: new DynamoRankingStore(clients.dynamodb, tableName),
    subscribers: new DynamoSubscriberStore(clients.dynamodb, tableName),
    // Ambiguous sends are retried (at most one duplicate, never a loss): the README's reliability section.
    sendLog: new DynamoSendLog(clients.dynamodb, tableName, options.clock, { onAmbiguous: 'retry', leaseMs: DEFAULT_SEND_LEASE_MS }),
    archive: new S3Archive(clients.s3, options.bucket, options.archiveBaseUrl ? { publicBaseUrl: options.archiveBaseUrl } : {}),
    mailer: options.decorateMailer ? options.decorateMailer(ses) : ses,
    fetcher: new HttpFetcher(),
    resolver: () => (resolver ??= createResolver()),
    config: options.config,
    tokenSecret: options.tokenSecret,
    workDir: options.workDir,
    clock: options.clock ?? (() => new Date()),
    log: options.log,
    ...(options.count ? { count: options.count } : {}),
  };
}

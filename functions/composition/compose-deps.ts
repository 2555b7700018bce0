import { archiveLocation } from '../archive/archive-location';
import type { ClientOptions } from '../commons/client-settings';
import { type Clients, createDynamoDbClient, createSesClient } from '../commons/clients';
import type { RuntimeConfig } from '../commons/config';
import type { Deps, Log, StepEvent } from '../commons/deps';
import type { Resolver } from '../domain/jurisdiction';
import { HttpFetcher } from '../poll/fetcher';
import type { Archive } from '../ports/archive';
import type { Channel } from '../ports/channel';
import type { DeliveryQueue } from '../ports/delivery-queue';
import type { Mailer } from '../ports/mailer';
import { DynamoRankingStore } from '../store/dynamo-ranking-store';
import { DynamoReleaseStore } from '../store/dynamo-release-store';
import { DEFAULT_SEND_LEASE_MS, DynamoSendLog } from '../store/dynamo-send-log';
import { DynamoSubscriberStore } from '../store/dynamo-subscriber-store';

export interface ArchiveOptions {
  clients?: Partial<Clients>;
  clientOptions?: ClientOptions;
  bucket: string;
  archiveBaseUrl?: string;
}

export interface CompositionOptions {
  /** Clients already built (local mode, tests); otherwise each is built on first use from `clientOptions`. */
  clients?: Partial<Clients>;
  clientOptions?: ClientOptions;
  tableName: string;
  bucket: string;
  config: RuntimeConfig;
  tokenSecret: () => Promise<string>;
  workDir: string;
  log: Log;
  deliveryQueue: DeliveryQueue;
  /** The send log's lease: a claim older than this belongs to an attempt that died (`deliveryTimings`). */
  sendLeaseMs?: number;
  /** Where people open archived files locally (s3rver URL); `s3://` in AWS. */
  archiveBaseUrl?: string;
  configurationSet?: string;
  count?: (metric: string, value?: number) => void;
  /** Wraps the SES mailer (local mode keeps a readable copy of every message in the outbox). */
  decorateMailer?: (mailer: Mailer) => Mailer;
  /**
   * Loads the S3 archive adapter (`s3ArchiveLoader`), for the steps that read or write the
   * archive (poll, ingest, local mode); without it the archive only locates keys, and a bundle
   * that never touches S3 does not contain its SDK.
   */
  archive?: (options: ArchiveOptions) => () => Promise<Archive>;
  /** The channels deliver sends through, in order (`deliveryChannels` in functions/deliver/channels.ts); none for the other steps. */
  channels?: (deps: Omit<Deps, 'channels'>) => Channel[];
  report?: (event: StepEvent) => void;
  clock?: () => Date;
}

/** Memoises an async load; a failed load is tried again on the next call. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= load().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
}

/** The S3 archive, its SDK loaded on the first upload or download rather than at cold start. */
class LazyArchive implements Archive {
  constructor(
    private readonly load: () => Promise<Archive>,
    private readonly bucket: string,
    private readonly baseUrl?: string,
  ) {}
  async putFile(...args: Parameters<Archive['putFile']>) {
    return (await this.load()).putFile(...args);
  }
  async getToFile(key: string, file: string) {
    return (await this.load()).getToFile(key, file);
  }
  async exists(key: string) {
    return (await this.load()).exists(key);
  }
  locate(key: string): string {
    return archiveLocation(this.bucket, key, this.baseUrl);
  }
}

/** The SES mailer, its SDK loaded on the first send. */
class LazyMailer implements Mailer {
  constructor(private readonly load: () => Promise<Mailer>) {}
  async sendRaw(message: Parameters<Mailer['sendRaw']>[0]) {
    return (await this.load()).sendRaw(message);
  }
}

/**
 * The adapters every runtime hands to the handlers, built once per process: the Lambda root
 * (`lambda-root.ts`) from the environment, the local root (`local/composition.ts`) on the
 * emulators. DynamoDB is built at once (every step uses it); S3 and SES on first use.
 */
export function composeDeps(options: CompositionOptions): Deps {
  const { tableName, clients, clientOptions } = options;
  const dynamodb = clients?.dynamodb ?? createDynamoDbClient(clientOptions);
  const loadArchive = options.archive?.({
    ...(clients ? { clients } : {}),
    ...(clientOptions ? { clientOptions } : {}),
    bucket: options.bucket,
    ...(options.archiveBaseUrl ? { archiveBaseUrl: options.archiveBaseUrl } : {}),
  });
  const archive = new LazyArchive(
    once(async () => {
      if (!loadArchive) throw new Error('this step is not composed with the archive');
      return loadArchive();
    }),
    options.bucket,
    options.archiveBaseUrl,
  );
  const ses = new LazyMailer(
    once(async () => {
      const [{ SesMailer }, client] = await Promise.all([import('../mail/ses-mailer'), clients?.ses ?? createSesClient(clientOptions)]);
      return new SesMailer(client, options.configurationSet ? { configurationSetName: options.configurationSet } : {});
    }),
  );
  const mailer = options.decorateMailer ? options.decorateMailer(ses) : ses;
  const resolver = once<Resolver>(() => import('../ingest/resolve/resolver').then((m) => m.createResolver()));
  const clock = options.clock ?? (() => new Date());
  const deps: Omit<Deps, 'channels'> = {
    releases: new DynamoReleaseStore(dynamodb, tableName),
    rankings: new DynamoRankingStore(dynamodb, tableName),
    subscribers: new DynamoSubscriberStore(dynamodb, tableName),
    // A send whose outcome is unknown is retried (at most one duplicate, never a loss), and a
    // claim left in flight by an attempt that died is taken over after the lease.
    sendLog: new DynamoSendLog(dynamodb, tableName, clock, { onAmbiguous: 'retry', leaseMs: options.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS }),
    archive,
    mailer,
    fetcher: new HttpFetcher(),
    resolver,
    config: options.config,
    tokenSecret: options.tokenSecret,
    workDir: options.workDir,
    clock,
    log: options.log,
    deliveryQueue: options.deliveryQueue,
    ...(options.count ? { count: options.count } : {}),
    ...(options.report ? { report: options.report } : {}),
  };
  return { ...deps, channels: options.channels?.(deps) ?? [] };
}

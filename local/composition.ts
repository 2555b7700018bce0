import { join } from 'node:path';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { s3ArchiveLoader } from '../functions/archive/s3-archive-loader';
import type { Clients } from '../functions/commons/clients';
import type { RuntimeConfig } from '../functions/commons/config';
import type { Deps, Log, StepEvent } from '../functions/commons/deps';
import { type CompositionOptions, composeDeps } from '../functions/composition/compose-deps';
import { deliveryQueueSettings, isChangeInsert, RELEASE_QUEUE } from '../functions/composition/event-sources';
import { localDeliveryChannels } from '../functions/deliver/channels';
import { createDeliverHandler } from '../functions/deliver/handler';
import { createFeedbackHandler } from '../functions/feedback/handler';
import { createIngestHandler } from '../functions/ingest/handler';
import { createNotifyHandler } from '../functions/notify/handler';
import { createPollHandler } from '../functions/poll/handler';
import type { Mailer } from '../functions/ports/mailer';
import { LOCAL_SITE_BUCKET } from '../functions/site/s3-site-publisher';
import { type SiteWiring, wireSite } from '../functions/site/site-wiring';
import { createSubscriptionHandler } from '../functions/subscription/handler';
import { LocalChain } from './chain';
import { localContext } from './lambda-context';
import { LocalQueue } from './local-queue';
import { S3Notifications } from './s3-notifications';
import { type StreamConsumer, StreamReader } from './stream-reader';

export interface LocalCompositionOptions {
  clients: Clients;
  /**
   * What AWS runs outside the functions (reading the table's stream, S3's bucket notifications):
   * the streams client, and other DynamoDB and S3 clients when the functions' go through a fault proxy.
   */
  eventSources: { streams: DynamoDBStreamsClient; dynamodb?: Clients['dynamodb']; s3?: Clients['s3'] };
  tableName: string;
  bucket: string;
  config: RuntimeConfig;
  tokenSecret: () => Promise<string>;
  workDir: string;
  log: Log;
  /** Folder for the queues, stream positions and announced objects, kept between runs; absent: in memory. */
  stateDir?: string;
  archiveBaseUrl?: string;
  decorateMailer?: (mailer: Mailer) => Mailer;
  channels?: CompositionOptions['channels'];
  count?: (metric: string, value?: number) => void;
  clock?: () => Date;
  /** Where the site is served (`serve`'s URL); absent: the subscription URL's origin. Only feeds' absolute links use it. */
  siteUrl?: string;
  /** The stream's consumers (default: notify on change inserts, as the stack maps it); the bench narrows the filter to one change. */
  streamConsumers?: (handlers: LocalComposition['handlers']) => StreamConsumer[];
}

export interface LocalComposition {
  deps: Deps;
  handlers: {
    poll: ReturnType<typeof createPollHandler>;
    ingest: ReturnType<typeof createIngestHandler>;
    notify: ReturnType<typeof createNotifyHandler>;
    deliver: ReturnType<typeof createDeliverHandler>;
    subscription: ReturnType<typeof createSubscriptionHandler>;
    feedback: ReturnType<typeof createFeedbackHandler>;
    site: SiteWiring['handler'];
  };
  /** The site's bucket as `serve` answers it (what CloudFront is in AWS). */
  site: SiteWiring;
  chain: LocalChain;
  queues: { releases: LocalQueue; releaseDeadLetters: LocalQueue; deliveries: LocalQueue; deliveryDeadLetters: LocalQueue };
  stream: StreamReader;
  /** What the steps reported since the last `takeEvents()` (local mode's summary). */
  takeEvents(): StepEvent[];
}

/**
 * The local runtime's composition root: the same adapters and the same handler factories as the
 * Lambda root, with local event sources in place of the AWS ones (queues with SQS's semantics,
 * the table's stream read from DynamoDB Local, S3 notifications announced from a bucket listing).
 */
export function composeLocal(options: LocalCompositionOptions): LocalComposition {
  const clock = options.clock;
  const delivery = deliveryQueueSettings(options.config.deliverTimeoutSeconds);
  const queues = localQueues(options, delivery);
  const events: StepEvent[] = [];
  const deps = localDeps(options, queues.deliveries, delivery.leaseSeconds, events);
  const site = wireSite(deps, options.clients.s3, LOCAL_SITE_BUCKET, options.siteUrl ?? new URL(options.config.subscriptionUrl).origin);
  const handlers = {
    site: site.handler,
    poll: createPollHandler(deps),
    ingest: createIngestHandler(deps),
    notify: createNotifyHandler(deps),
    deliver: createDeliverHandler(deps),
    subscription: createSubscriptionHandler(deps),
    feedback: createFeedbackHandler(deps),
  };
  const stream = tableStream(options, handlers);
  const announced = stateFile(options, 'announced-objects.json');
  const notifications = new S3Notifications({
    s3: options.eventSources.s3 ?? options.clients.s3,
    bucket: options.bucket,
    prefix: RELEASE_QUEUE.prefix,
    queue: queues.releases,
    ...(announced ? { file: announced } : {}),
    ...(clock ? { clock } : {}),
  });
  const chain = new LocalChain({
    poll: handlers.poll,
    ingest: handlers.ingest,
    deliver: handlers.deliver,
    releases: queues.releases,
    deliveries: queues.deliveries,
    notifications,
    stream,
    deliveryConcurrency: options.config.deliveryConcurrency,
    deliverTimeoutSeconds: delivery.functionTimeoutSeconds,
  });
  return { deps, handlers, site, chain, queues, stream, takeEvents: () => events.splice(0) };
}

/** A file in the state folder, when local mode keeps its state (queues, stream positions) on disk. */
function stateFile(options: LocalCompositionOptions, name: string): string | undefined {
  return options.stateDir ? join(options.stateDir, name) : undefined;
}

/** The stack's two queues and their dead-letter queues, with the stack's timeouts and receive counts. */
function localQueues(options: LocalCompositionOptions, delivery: ReturnType<typeof deliveryQueueSettings>): LocalComposition['queues'] {
  const clock = options.clock ? { clock: options.clock } : {};
  const releaseDeadLetters = new LocalQueue({
    name: 'release-dead-letters',
    file: stateFile(options, 'release-dead-letters.json'),
    visibilityTimeoutSeconds: 30,
    ...clock,
  });
  const releases = new LocalQueue({
    name: 'releases',
    file: stateFile(options, 'releases.json'),
    visibilityTimeoutSeconds: RELEASE_QUEUE.visibilityTimeoutSeconds,
    maxReceiveCount: RELEASE_QUEUE.maxReceiveCount,
    deadLetters: releaseDeadLetters,
    ...clock,
  });
  const deliveryDeadLetters = new LocalQueue({
    name: 'delivery-dead-letters',
    file: stateFile(options, 'delivery-dead-letters.json'),
    visibilityTimeoutSeconds: 30,
    ...clock,
  });
  const deliveries = new LocalQueue({
    name: 'deliveries',
    file: stateFile(options, 'deliveries.json'),
    visibilityTimeoutSeconds: delivery.visibilityTimeoutSeconds,
    maxReceiveCount: delivery.maxReceiveCount,
    deadLetters: deliveryDeadLetters,
    ...clock,
  });
  return { releases, releaseDeadLetters, deliveries, deliveryDeadLetters };
}

/** The Lambda root's deps on local clients: deliveries go to the local queue, step events to `events`. */
function localDeps(options: LocalCompositionOptions, deliveries: LocalQueue, leaseSeconds: number, events: StepEvent[]) {
  return composeDeps({
    clients: options.clients,
    tableName: options.tableName,
    bucket: options.bucket,
    config: options.config,
    tokenSecret: options.tokenSecret,
    workDir: options.workDir,
    log: options.log,
    deliveryQueue: { enqueue: async (messages) => void messages.forEach((message) => deliveries.send(JSON.stringify(message))) },
    sendLeaseMs: leaseSeconds * 1000,
    report: (event) => void events.push(event),
    ...(options.archiveBaseUrl ? { archiveBaseUrl: options.archiveBaseUrl } : {}),
    ...(options.decorateMailer ? { decorateMailer: options.decorateMailer } : {}),
    channels: options.channels ?? localDeliveryChannels,
    archive: s3ArchiveLoader,
    ...(options.count ? { count: options.count } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** The table's stream read from DynamoDB Local, feeding the stack's event source mappings. */
function tableStream(options: LocalCompositionOptions, handlers: LocalComposition['handlers']): StreamReader {
  // The stack's event source mappings on the table's stream; a new consumer (the site) is one line here and one in the stack.
  const consumers: StreamConsumer[] = options.streamConsumers?.(handlers) ?? [
    { name: 'notify', handler: handlers.notify, filter: isChangeInsert },
    { name: 'site', handler: handlers.site, filter: isChangeInsert },
  ];
  return new StreamReader(
    {
      dynamodb: (options.eventSources.dynamodb ?? options.clients.dynamodb) as never,
      streams: options.eventSources.streams,
      tableName: options.tableName,
      ...(options.stateDir ? { dir: options.stateDir } : {}),
      context: () => localContext('notify', 120),
      log: (message, fields) => options.log.warn(message, fields),
    },
    consumers,
  );
}

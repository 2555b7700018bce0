import { join } from 'node:path';
import { s3ArchiveLoader } from '../../functions/archive/s3-archive-loader';
import type { RuntimeConfig } from '../../functions/commons/config';
import type { Deps } from '../../functions/commons/deps';
import { composeDeps } from '../../functions/composition/compose-deps';
import { deliveryChannels } from '../../functions/deliver/channels';
import type { EmulatorContext } from './emulators';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The production composition on a suite's emulators, for suites that call the use cases and the
 * subscription endpoint: deliver's channels, no delivery queue (nothing is handed over), quiet logs.
 */
export function composeTestDeps(
  env: EmulatorContext,
  options: { secret: string; config: Pick<RuntimeConfig, 'operatorEmail' | 'subscriptionUrl'>; bucket?: string; count?: Deps['count'] },
): Deps {
  return composeDeps({
    deliveryQueue: { enqueue: async () => undefined },
    channels: deliveryChannels,
    archive: s3ArchiveLoader,
    clients: env.clients,
    tableName: env.tableName,
    bucket: options.bucket ?? 'unused',
    config: {
      sources: [],
      sender: 'alerts@detainer-watch.local',
      topN: 10,
      minResolutionRate: 0.5,
      maxTotalDrop: 0.5,
      sendRatePerSecond: 100,
      deliveryBatchSize: 50,
      deliveryConcurrency: 2,
      deliverTimeoutSeconds: 120,
      ...options.config,
    },
    tokenSecret: async () => options.secret,
    workDir: join(env.workDir, 'tmp'),
    log: quiet,
    ...(options.count ? { count: options.count } : {}),
  });
}

/**
 * The emulators every AWS-facing measurement shares: started once per bench run, in a fresh
 * home under the bench cache, and the same adapters the Lambdas use wired against them.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clients, createClients } from '../functions/commons/all-clients';
import { RUNTIME_DEFAULTS, type RuntimeConfig } from '../functions/commons/config';
import type { Deps, Log } from '../functions/commons/deps';
import type { LocalComposition, LocalCompositionOptions } from '../local/composition';
import { type Emulators, startEmulators } from '../local/emulators';
import { ensureBucket, ensureTable } from '../local/provision';
import { createStreamsClient } from '../local/streams-client';
import { AwsCallCounter } from './aws-calls';
import { BENCH_DIR } from './inputs';

/**
 * DynamoDB Local (a JVM) answers in tens of milliseconds where DynamoDB answers in a few, and far
 * slower on a loaded machine: the bench gives it more than the Lambda's 5 s before a call fails.
 */
const BENCH_TIMEOUTS = { dynamodb: { requestMs: 60_000 }, s3: { requestMs: 120_000 }, ses: { requestMs: 60_000 } };

export const BENCH_TABLE = 'detainer-watch-bench';
export const BENCH_BUCKET = 'detainer-watch-bench-raw';

export interface BenchServices {
  endpoints: Emulators['endpoints'];
  clients: Clients;
  counter: AwsCallCounter;
  home: string;
  /** Deps of the project's own local composition root, with config overrides. */
  deps(config?: Partial<RuntimeConfig>): Promise<Deps>;
  /** The local composition root itself: the handlers and the event chain, on these emulators. */
  compose(
    config?: Partial<RuntimeConfig>,
    extra?: Pick<LocalCompositionOptions, 'decorateMailer' | 'streamConsumers'>,
  ): Promise<LocalComposition>;
  stop(): Promise<void>;
}

const quietLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

const BENCH_CONFIG: RuntimeConfig = {
  sources: [],
  sender: 'detainer-watch <alerts@detainer-watch.local>',
  operatorEmail: 'operator@detainer-watch.local',
  subscriptionUrl: 'http://127.0.0.1:8787',
  topN: 10,
  minResolutionRate: 0,
  maxTotalDrop: 1,
  sendRatePerSecond: 1000,
  deliveryBatchSize: RUNTIME_DEFAULTS.deliveryBatchSize,
  // The emulators, not the account, bound the pace here: as many deliveries at once as the stack allows.
  deliveryConcurrency: 8,
  deliverTimeoutSeconds: RUNTIME_DEFAULTS.deliverTimeoutSeconds,
};

export async function startBenchServices(): Promise<BenchServices> {
  const home = join(BENCH_DIR, `home-${process.pid}`);
  await rm(home, { recursive: true, force: true });
  await mkdir(join(home, 'tmp'), { recursive: true });
  const emulators = await startEmulators({ home, quiet: true });
  const clients = await createClients({ endpoints: emulators.endpoints, timeouts: BENCH_TIMEOUTS });
  const streams = createStreamsClient({
    endpoints: { dynamodbstreams: emulators.endpoints.dynamodb },
    timeouts: { dynamodbstreams: BENCH_TIMEOUTS.dynamodb },
  });
  const counter = new AwsCallCounter();
  counter.attach(clients as unknown as Record<string, unknown>, { measureCapacity: true });
  await ensureTable(clients.dynamodb, BENCH_TABLE);
  await ensureBucket(clients.s3, BENCH_BUCKET);
  const compose: BenchServices['compose'] = async (config = {}, extra = {}) => {
    // Imported late: a step another engineer has not finished must not stop the other measurements.
    const { composeLocal } = await import('../local/composition');
    return composeLocal({
      clients,
      eventSources: { streams },
      tableName: BENCH_TABLE,
      bucket: BENCH_BUCKET,
      config: { ...BENCH_CONFIG, ...config },
      tokenSecret: async () => 'bench-secret-bench-secret-bench-secret',
      workDir: join(home, 'tmp'),
      log: quietLog,
      archiveBaseUrl: `${emulators.endpoints.s3}/${BENCH_BUCKET}/`,
      ...extra,
    });
  };
  return {
    endpoints: emulators.endpoints,
    clients,
    counter,
    home,
    async deps(config = {}) {
      return (await compose(config)).deps;
    },
    compose,
    async stop() {
      for (const client of [...Object.values(clients), streams] as Array<{ destroy?: () => void }>) client.destroy?.();
      await emulators.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

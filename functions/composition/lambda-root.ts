import type { Context } from 'aws-lambda';
import { deliveryTimings, parseRuntimeConfig, type RuntimeConfig } from '../commons/config';
import type { Deps, Log } from '../commons/deps';
import { ENVIRONMENT } from '../commons/environment';
import { count, instrumented, logger } from '../commons/powertools';
import type { DeliveryQueue } from '../ports/delivery-queue';
import { type CompositionOptions, composeDeps } from './compose-deps';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function numberFrom(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`environment variable ${name} is not a number: "${value}"`);
  return parsed;
}

function jsonFrom(name: string): unknown {
  try {
    return JSON.parse(process.env[name] || '[]');
  } catch {
    throw new Error(`environment variable ${name} is not JSON`);
  }
}

/** The runtime configuration the stack put in the environment, through the one schema; a wrong value fails at cold start, loudly. */
export function configFromEnvironment(): RuntimeConfig {
  const input = {
    sources: jsonFrom(ENVIRONMENT.sources),
    sender: process.env[ENVIRONMENT.sender] ?? '',
    operatorEmail: process.env[ENVIRONMENT.operatorEmail] ?? '',
    subscriptionUrl: (process.env[ENVIRONMENT.subscriptionUrl] ?? '').replace(/\/+$/, ''),
    topN: numberFrom(ENVIRONMENT.topN),
    minResolutionRate: numberFrom(ENVIRONMENT.minResolutionRate),
    maxTotalDrop: numberFrom(ENVIRONMENT.maxTotalDrop),
    sendRatePerSecond: numberFrom(ENVIRONMENT.sendRatePerSecond),
    deliveryBatchSize: numberFrom(ENVIRONMENT.deliveryBatchSize),
    deliveryConcurrency: numberFrom(ENVIRONMENT.deliveryConcurrency),
    deliverTimeoutSeconds: numberFrom(ENVIRONMENT.deliverTimeoutSeconds),
  };
  return parseRuntimeConfig(JSON.parse(JSON.stringify(input)), 'environment', {});
}

const log: Log = {
  info: (message, fields = {}) => logger.info(message, fields),
  warn: (message, fields = {}) => logger.warn(message, fields),
  error: (message, fields = {}) => logger.error(message, fields),
};

/**
 * What only some steps use, named by their handler module so that the other bundles neither
 * contain nor load it: the SQS client is notify's alone, the S3 archive poll's and ingest's,
 * alert composition deliver's, the token secret (Secrets Manager) deliver's and subscription's.
 */
export interface StepAdapters {
  deliveryQueue?: DeliveryQueue;
  channels?: CompositionOptions['channels'];
  archive?: CompositionOptions['archive'];
  /** The token secret (`tokenSecretReader`): deliver and subscription sign links. */
  tokenSecret?: () => Promise<string>;
}

/** The delivery queue of a step that does not hand over to deliver: using it is a wiring mistake, said plainly. */
const NO_DELIVERY_QUEUE: DeliveryQueue = {
  enqueue: async () => {
    throw new Error('this step has no delivery queue');
  },
};

const lambdaDeps = once1((adapters: StepAdapters = {}): Deps => {
  const config = configFromEnvironment();
  const configurationSet = process.env[ENVIRONMENT.configurationSet];
  return composeDeps({
    tableName: required(ENVIRONMENT.tableName),
    bucket: process.env[ENVIRONMENT.archiveBucket] ?? '',
    config,
    tokenSecret:
      adapters.tokenSecret ??
      (async () => {
        throw new Error('this step is not composed with the token secret');
      }),
    workDir: '/tmp',
    log,
    count,
    deliveryQueue: adapters.deliveryQueue ?? NO_DELIVERY_QUEUE,
    ...(adapters.channels ? { channels: adapters.channels } : {}),
    ...(adapters.archive ? { archive: adapters.archive } : {}),
    sendLeaseMs: deliveryTimings(config.deliverTimeoutSeconds).leaseSeconds * 1000,
    ...(configurationSet ? { configurationSet } : {}),
  });
});

/** One composition per container: the first call's adapters are the step's. */
function once1<A, T>(build: (arg?: A) => T): (arg?: A) => T {
  let value: T | undefined;
  return (arg) => (value ??= build(arg));
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * A handler module's Lambda entry. In Lambda (where `AWS_LAMBDA_FUNCTION_NAME` is set) the
 * composition runs at module init, inside the init phase; imported anywhere else (local mode,
 * tests, which hand the same handler factory their own composition) it composes nothing.
 */
export function lambdaEntry<E, R>(create: (deps: Deps) => Handler<E, R>, adapters: StepAdapters = {}): Handler<E, R> {
  let handler: Handler<E, R> | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME ? create(lambdaDeps(adapters)) : undefined;
  return instrumented((event, context) => (handler ??= create(lambdaDeps(adapters)))(event, context));
}

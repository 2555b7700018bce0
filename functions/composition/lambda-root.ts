import type { Context } from 'aws-lambda';
import { createSecretsClient, createSqsClient, createSsmClient } from '../commons/clients';
import { deliveryTimings, parseRuntimeConfig, type RuntimeConfig } from '../commons/config';
import type { Deps, Log } from '../commons/deps';
import { ENVIRONMENT } from '../commons/environment';
import { count, instrumented, logger } from '../commons/powertools';
import type { DeliveryQueue } from '../ports/delivery-queue';
import { composeDeps, once } from './compose-deps';

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

/** Powertools Parameters, cached for five minutes, on a client with the project's settings; loaded on first read. */
const PARAMETER_MAX_AGE_SECONDS = 300;

export function secretReader(secretId: () => string): () => Promise<string> {
  const provider = once(async () => {
    const [{ SecretsProvider }, client] = await Promise.all([import('@aws-lambda-powertools/parameters/secrets'), createSecretsClient()]);
    return new SecretsProvider({ awsSdkV3Client: client });
  });
  return async () => {
    const secret = await (await provider()).get(secretId(), { maxAge: PARAMETER_MAX_AGE_SECONDS });
    if (typeof secret !== 'string' || !secret) throw new Error('the token secret is empty');
    return secret;
  };
}

export function parameterReader(name: () => string): () => Promise<string> {
  const provider = once(async () => {
    const [{ SSMProvider }, client] = await Promise.all([import('@aws-lambda-powertools/parameters/ssm'), createSsmClient()]);
    return new SSMProvider({ awsSdkV3Client: client });
  });
  return async () => {
    const value = await (await provider()).get(name(), { maxAge: PARAMETER_MAX_AGE_SECONDS });
    if (typeof value !== 'string' || !value) throw new Error(`parameter ${name()} is empty`);
    return value;
  };
}

/** SQS, its SDK loaded on the first hand-over (only notify hands over). */
function sqsDeliveryQueue(): DeliveryQueue {
  const queue = once(async () => {
    const [{ SqsDeliveryQueue }, client] = await Promise.all([import('../notify/sqs-delivery-queue'), createSqsClient()]);
    return new SqsDeliveryQueue(client, required(ENVIRONMENT.deliveryQueueUrl));
  });
  return { enqueue: async (messages) => (await queue()).enqueue(messages) };
}

/**
 * The Lambda runtime's composition root: the configuration from the environment the stack sets,
 * every adapter built once per container. Clients other than DynamoDB are built on first use, so
 * a function loads only the SDKs its step calls.
 */
export const lambdaDeps = once0((): Deps => {
  const config = configFromEnvironment();
  const configurationSet = process.env[ENVIRONMENT.configurationSet];
  return composeDeps({
    tableName: required(ENVIRONMENT.tableName),
    bucket: process.env[ENVIRONMENT.archiveBucket] ?? '',
    config,
    tokenSecret: secretReader(() => required(ENVIRONMENT.tokenSecretArn)),
    workDir: '/tmp',
    log,
    count,
    deliveryQueue: sqsDeliveryQueue(),
    sendLeaseMs: deliveryTimings(config.deliverTimeoutSeconds).leaseSeconds * 1000,
    ...(configurationSet ? { configurationSet } : {}),
  });
});

function once0<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * A handler module's Lambda entry. In Lambda (where `AWS_LAMBDA_FUNCTION_NAME` is set) the
 * composition runs at module init, inside the init phase; imported anywhere else (local mode,
 * tests, which hand the same handler factory their own composition) it composes nothing.
 */
export function lambdaEntry<E, R>(create: (deps: Deps) => Handler<E, R>): Handler<E, R> {
  let handler: Handler<E, R> | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME ? create(lambdaDeps()) : undefined;
  return instrumented((event, context) => (handler ??= create(lambdaDeps()))(event, context));
}

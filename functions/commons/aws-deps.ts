import { array, config as configureZod } from 'zod/mini';
import { en } from 'zod/locales';

import type { RuntimeConfig } from './config';
import type { Deps, Log } from './deps';
import { ENVIRONMENT } from './environment';
import { sourceConfigSchema } from './source-schema';
import { count, logger } from './powertools';
import { wireStep, type StepAdapters } from './step-wiring';

// zod/mini loads no messages: English only, so a wrong SOURCES still says what is wrong.
configureZod(en());

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function number(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`environment variable ${name} is not a number: "${value}"`);
  return parsed;
}

/** The runtime configuration the stack put in the environment; a wrong value fails at cold start, loudly. */
export function configFromEnvironment(): RuntimeConfig {
  const sources = array(sourceConfigSchema).safeParse(JSON.parse(process.env[ENVIRONMENT.sources] || '[]'));
  if (!sources.success) throw new Error(`environment variable ${ENVIRONMENT.sources}: ${sources.error.issues[0].path.join('.')}: ${sources.error.issues[0].message}`);
  return {
    sources: sources.data,
    sender: process.env[ENVIRONMENT.sender] ?? '',
    operatorEmail: process.env[ENVIRONMENT.operatorEmail] ?? '',
    subscriptionUrl: (process.env[ENVIRONMENT.subscriptionUrl] ?? '').replace(/\/+$/, ''),
    topN: number(ENVIRONMENT.topN, 10),
    minResolutionRate: number(ENVIRONMENT.minResolutionRate, 0.9),
    maxTotalDrop: number(ENVIRONMENT.maxTotalDrop, 0.5),
    sendRatePerSecond: number(ENVIRONMENT.sendRatePerSecond, 14),
  };
}

const log: Log = {
  info: (message, fields = {}) => logger.info(message, fields),
  warn: (message, fields = {}) => logger.warn(message, fields),
  error: (message, fields = {}) => logger.error(message, fields),
};

/** The HMAC key is read once per container, on first use, so functions that never sign do not pay for it. */
function secretReader(): () => Promise<string> {
  let secret: Promise<string> | undefined;
  return () =>
    (secret ??= import('@aws-sdk/client-secrets-manager')
      .then(({ GetSecretValueCommand, SecretsManagerClient }) =>
        new SecretsManagerClient({ maxAttempts: 4 }).send(new GetSecretValueCommand({ SecretId: required(ENVIRONMENT.tokenSecretArn) })),
      )
      .then((answer) => {
        if (!answer.SecretString) throw new Error('the token secret is empty');
        return answer.SecretString;
      })
      .catch((error: unknown) => {
        secret = undefined;
        throw error;
      }));
}

/**
 * What a Lambda step needs, built once per container from the environment the stack sets. The
 * handler names the adapters its step uses beyond DynamoDB (`lazyS3Archive`, `lazySesMailer`),
 * so other SDK clients are neither bundled nor loaded.
 */
export function awsDeps(adapters: StepAdapters = {}): Deps {
  const configurationSet = process.env[ENVIRONMENT.configurationSet];
  return wireStep({
    clientOptions: {},
    tableName: required(ENVIRONMENT.tableName),
    bucket: process.env[ENVIRONMENT.archiveBucket] ?? '',
    config: configFromEnvironment(),
    tokenSecret: secretReader(),
    workDir: '/tmp',
    log,
    count,
    ...(configurationSet ? { configurationSet } : {}),
  }, adapters);
}

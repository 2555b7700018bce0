import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'constructs';
import { z } from 'zod';
import { runtimeConfigShape, scheduleShape, sourceConfigSchema } from '../functions/commons/config';

/** Context key holding the defaults (in `cdk.json`); single keys given with `-c key=value` override them. */
export const DEFAULTS_CONTEXT_KEY = 'detainer-watch:defaults';

const EMAIL = z.email();
const DOMAIN = z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'expected a domain name');

/** Context values given with `-c key=value` arrive as text. */
function numberFromText(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

/** The runtime settings of the one config (functions/commons/config.ts), as numbers even when given as text. */
const runtimeSettings = Object.fromEntries(
  Object.entries(runtimeConfigShape)
    .filter(([key]) => !['sender', 'operatorEmail', 'subscriptionUrl'].includes(key))
    .map(([key, schema]) => [key, z.preprocess(numberFromText, schema)]),
) as unknown as {
  [K in Exclude<keyof typeof runtimeConfigShape, 'sender' | 'operatorEmail' | 'subscriptionUrl'>]: (typeof runtimeConfigShape)[K];
};

/** The one source schema; a deployed source is fetched over HTTPS only. */
const sources = z.preprocess(parseJsonText, z.array(sourceConfigSchema).min(1)).superRefine((list, issue) => {
  list.forEach((source, index) => {
    if (!source.url.startsWith('https://'))
      issue.addIssue({ code: 'custom', path: [index, 'url'], message: 'a deployed source is fetched over https only' });
  });
  if (new Set(list.map((source) => source.name)).size !== list.length)
    issue.addIssue({ code: 'custom', message: 'source names must be unique' });
});

/** A stage names the deployment; it prefixes the stack so stages deploy side by side. */
const stage = z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, at most 20');

const deploymentConfigShape = z.object({
  stage,
  /** From address of every email; must belong to the SES identity. */
  sender: EMAIL,
  /** Verified SES identity: its ARN, a domain, or an email address. Defaults to the sender's domain. */
  sesIdentity: z
    .union([z.string().regex(/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/.+$/, 'expected an SES identity ARN'), DOMAIN, EMAIL])
    .optional(),
  operatorEmail: EMAIL,
  ...scheduleShape,
  /** Minutes between two polls; needed for the missed-poll alarm when it cannot be read from the schedule. */
  schedulePeriodMinutes: z.coerce.number().int().min(1).max(1440).optional(),
  sources,
  ...runtimeSettings,
  /** Delivery Lambdas running at once; each gets sendRatePerSecond / deliveryConcurrency, so at least two. */
  deliveryConcurrency: z.preprocess(numberFromText, z.number().int().min(2).max(100)),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), 'not a CloudWatch Logs retention period'),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
});

const deploymentConfigSchema = deploymentConfigShape
  .transform((config) => ({ ...config, sesIdentity: config.sesIdentity ?? config.sender.split('@')[1] }))
  .superRefine((config, issue) => {
    if (config.schedulePeriodMinutes === undefined && schedulePeriodFromExpression(config.schedule) === undefined) {
      issue.addIssue({
        code: 'custom',
        path: ['schedulePeriodMinutes'],
        message: `required: cannot tell the period of ${config.schedule}`,
      });
    }
    if (config.stage === 'prod' && [config.sender, config.operatorEmail].some((address) => address.endsWith('@example.com'))) {
      issue.addIssue({
        code: 'custom',
        path: [config.sender.endsWith('@example.com') ? 'sender' : 'operatorEmail'],
        message: 'still the example.com placeholder',
      });
    }
  });

export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const KEYS = Object.keys(deploymentConfigShape.shape);

/** The config failed validation; the message names the first wrong key. */
export class DeploymentConfigError extends Error {
  override readonly name = 'DeploymentConfigError';
}

/**
 * Reads the deployment config: `cdk.json` defaults, then `config/<stage>.json` if present, then
 * single context keys (`-c sender=alerts@example.org`). Fails with one message naming the key.
 */
export function loadDeploymentConfig(node: Node, configDir = join(process.cwd(), 'config')): DeploymentConfig {
  const defaults = (node.tryGetContext(DEFAULTS_CONTEXT_KEY) ?? {}) as Record<string, unknown>;
  const overrides: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = node.tryGetContext(key);
    if (value !== undefined) overrides[key] = value;
  }
  const stageName = String(overrides.stage ?? defaults.stage ?? 'dev');
  const stageFile = join(configDir, `${stageName}.json`);
  const stageConfig = existsSync(stageFile) ? readStageFile(stageFile) : {};
  return parseDeploymentConfig({ ...defaults, ...stageConfig, ...overrides, stage: stageName });
}

export function parseDeploymentConfig(input: Record<string, unknown>): DeploymentConfig {
  const result = deploymentConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const [first] = result.error.issues;
  const key = first.path.map(String).join('.') || '(config)';
  const missing = first.code === 'invalid_type' && first.input === undefined;
  throw new DeploymentConfigError(
    `config key "${key}": ${missing ? 'missing' : first.message} (set it with -c ${String(first.path[0] ?? 'key')}=... or in config/<stage>.json)`,
  );
}

/** Minutes between two runs of a schedule, when the expression says it plainly. */
export function schedulePeriodFromExpression(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) return Number(rate[1]) * { minute: 1, hour: 60, day: 1440 }[rate[2] as 'minute' | 'hour' | 'day'];
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) return undefined;
  const [, minute, hour, dayOfMonth, month, dayOfWeek] = cron;
  const everyDay = ['*', '?'].includes(dayOfMonth) && month === '*' && ['*', '?'].includes(dayOfWeek);
  if (!everyDay || !/^\d+$/.test(minute)) return undefined;
  if (hour === '*') return 60;
  const step = /^(?:\*|0)\/(\d+)$/.exec(hour);
  if (step && 24 % Number(step[1]) === 0) return Number(step[1]) * 60;
  if (/^\d+$/.test(hour)) return 1440;
  return undefined;
}

function readStageFile(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new DeploymentConfigError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

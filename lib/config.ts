import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'constructs';
import { z } from 'zod';

/** Context key holding the defaults (in `cdk.json`); single keys given with `-c key=value` override them. */
export const DEFAULTS_CONTEXT_KEY = 'detainer-watch:defaults';

const SOURCE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const EMAIL = z.email();
const DOMAIN = z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, 'expected a domain name');

const regularExpression = z.string().refine((text) => {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const source = z.object({
  name: z.string().regex(SOURCE_NAME, 'lower-case letters, digits and dashes'),
  url: z.url({ protocol: /^https$/ }),
  linkPattern: regularExpression,
  linkText: regularExpression.optional(),
  section: z.string().min(1).optional(),
  includeCollapsed: z.boolean().optional(),
  allowedHosts: z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+(:\d+)?$/i, 'a host name, or *.domain for its subdomains')).min(1),
  parser: z.enum(['ddp', 'ddor', 'table']),
  maxBytes: z.coerce.number().int().positive().optional(),
});

const scheduleExpression = z
  .string()
  .regex(/^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, 'expected cron(...) or rate(N unit)');

/** A stage names the deployment; it prefixes the stack so stages deploy side by side. */
const stage = z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, at most 20');

const deploymentConfigShape = z.object({
    stage,
    /** From address of every email; must belong to the SES identity. */
    sender: EMAIL,
    /** Verified SES identity: its ARN, a domain, or an email address. Defaults to the sender's domain. */
    sesIdentity: z.union([z.string().regex(/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/.+$/, 'expected an SES identity ARN'), DOMAIN, EMAIL]).optional(),
    operatorEmail: EMAIL,
    schedule: scheduleExpression,
    /** IANA time zone the cron expression is read in. */
    timeZone: z.string().refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone'),
    /** Minutes between two polls; needed for the missed-poll alarm when it cannot be read from the schedule. */
    schedulePeriodMinutes: z.coerce.number().int().min(1).max(1440).optional(),
    sources: z.preprocess(parseJsonText, z.array(source).min(1)).refine(
      (sources) => new Set(sources.map((s) => s.name)).size === sources.length,
      'source names must be unique',
    ),
    topN: z.coerce.number().int().min(1).max(100),
    minResolutionRate: z.coerce.number().min(0).max(1),
    maxTotalDrop: z.coerce.number().min(0).max(1),
    /** SES account send rate (messages per second) shared by all concurrent deliveries. */
    sendRatePerSecond: z.coerce.number().min(1).max(1000),
    /** Subscribers per delivery message. */
    deliveryBatchSize: z.coerce.number().int().min(1).max(500),
    /** Delivery Lambdas running at once; caps the SES send rate together with sendRatePerSecond. */
    deliveryConcurrency: z.coerce.number().int().min(2).max(100),
    logRetentionDays: z.coerce.number().int().refine((d) => LOG_RETENTION_DAYS.includes(d), 'not a CloudWatch Logs retention period'),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  });

export const deploymentConfigSchema = deploymentConfigShape
  .transform((config) => ({ ...config, sesIdentity: config.sesIdentity ?? config.sender.split('@')[1] }))
  .superRefine((config, issue) => {
    if (config.schedulePeriodMinutes === undefined && schedulePeriodFromExpression(config.schedule) === undefined) {
      issue.addIssue({ code: 'custom', path: ['schedulePeriodMinutes'], message: `required: cannot tell the period of ${config.schedule}` });
    }
    if (config.stage === 'prod' && [config.sender, config.operatorEmail].some((address) => address.endsWith('@example.com'))) {
      issue.addIssue({ code: 'custom', path: [config.sender.endsWith('@example.com') ? 'sender' : 'operatorEmail'], message: 'still the example.com placeholder' });
    }
  });

export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;
export type SourceDeploymentConfig = z.output<typeof source>;

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
  throw new DeploymentConfigError(`config key "${key}": ${missing ? 'missing' : first.message} (set it with -c ${String(first.path[0] ?? "key")}=... or in config/<stage>.json)`);
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

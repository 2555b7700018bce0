// zod/mini with named imports: the classic `z` namespace keeps all of zod (444 KB minified, every locale) in each bundle.

import { en } from 'zod/locales';
import {
  _default,
  array,
  boolean,
  config as configureZod,
  extend,
  int,
  maximum,
  minimum,
  minLength,
  number,
  object,
  enum as oneOf,
  optional,
  type output,
  positive,
  refine,
  regex,
  string,
  url,
} from 'zod/mini';

// zod/mini loads no messages: English only, so a wrong value still says what is wrong.
configureZod(en());

const regularExpression = string().check(
  refine((text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression'),
);

/**
 * A place releases are published: an index page whose links matching `linkPattern` are releases.
 * One schema for the stack (synth), the Lambdas (their `SOURCES` variable) and local `config.json`.
 */
export const sourceConfigSchema = object({
  /** Short name used in keys and rankings: `ddp`, `ddor`, `table`, `demo`. */
  name: string().check(regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, dot, dash, underscore')),
  /** The index page to poll. */
  url: url({ protocol: /^https?$/ }),
  /** Regular expression (source text) a release link's URL must match. */
  linkPattern: regularExpression,
  /** Regular expression a release link's text must match (`xlsx`): for links whose URL names no file, such as Box downloads. */
  linkText: optional(regularExpression),
  /**
   * Only links in this part of the page: an element's id (`detainers`) or a heading's text
   * (`Detainers`, up to the next heading of its level). A page without it fails the poll loudly.
   */
  section: optional(string().check(minLength(1))),
  /** Also links inside collapsed `<details>` ("Show past datasets"); by default only the current releases. */
  includeCollapsed: optional(boolean()),
  /** Hosts the index and every download (and redirect) may go to; `*.example.com` allows any subdomain. */
  allowedHosts: array(string().check(regex(/^(\*\.)?[a-z0-9.-]+(:\d+)?$/i, 'a host name, or *.domain for its subdomains'))).check(
    minLength(1),
  ),
  /** How to read the files found. */
  parser: oneOf(['ddp', 'ddor', 'table']),
  /** Download cap in bytes (default 300 MB). */
  maxBytes: optional(number().check(int(), positive())),
});

/** Local mode may also poll a publisher on this machine (the demo); a Lambda never may. */
const localSourceConfigSchema = extend(sourceConfigSchema, { allowLoopback: optional(boolean()) });

export type SourceConfig = output<typeof sourceConfigSchema> & { allowLoopback?: boolean };

/** The defaults of every runtime (AWS and local alike): one send rate, one batch size, one deliver timeout. */
export const RUNTIME_DEFAULTS = {
  topN: 10,
  minResolutionRate: 0.9,
  maxTotalDrop: 0.5,
  /** SES's rate for a new production account (14/s); local mode sends at the same rate. */
  sendRatePerSecond: 14,
  deliveryBatchSize: 50,
  deliveryConcurrency: 2,
  deliverTimeoutSeconds: 120,
} as const;

const share = () => number().check(minimum(0), maximum(1));

/** Settings every step reads; from Lambda environment variables in AWS, from the home folder locally. */
export const runtimeConfigShape = {
  /** From address of alerts (a verified SES identity in AWS). */
  sender: string(),
  /** Receives quarantine / held-release / failing-source reports; never subscribers. */
  operatorEmail: string(),
  /** Base URL of the subscription endpoint (Function URL in AWS, `serve`'s `/api` locally). */
  subscriptionUrl: string(),
  /** Default top N for rankings and for subscribers who did not choose one. */
  topN: _default(number().check(int(), minimum(1), maximum(100)), RUNTIME_DEFAULTS.topN),
  /** Below this share of declined detainers resolved to counties, the operator is told. */
  minResolutionRate: _default(share(), RUNTIME_DEFAULTS.minResolutionRate),
  /** A release whose total drops by more than this share without a declared revision is held. */
  maxTotalDrop: _default(share(), RUNTIME_DEFAULTS.maxTotalDrop),
  /** Sends per second this process may make (the SES account rate, divided among concurrent deliveries in AWS). */
  sendRatePerSecond: _default(number().check(positive(), maximum(1000)), RUNTIME_DEFAULTS.sendRatePerSecond),
  /** Subscribers per delivery message. */
  deliveryBatchSize: _default(number().check(int(), minimum(1), maximum(500)), RUNTIME_DEFAULTS.deliveryBatchSize),
  /** Deliver invocations at once (the delivery queue's event source maximum concurrency). */
  deliveryConcurrency: _default(number().check(int(), minimum(1), maximum(100)), RUNTIME_DEFAULTS.deliveryConcurrency),
  /** The deliver function's timeout; the send lease and the delivery queue's visibility derive from it (`deliveryTimings`). */
  deliverTimeoutSeconds: _default(number().check(int(), minimum(10), maximum(900)), RUNTIME_DEFAULTS.deliverTimeoutSeconds),
};

/** EventBridge Scheduler's expressions: `cron(...)` (six fields) or `rate(N unit)`. */
const scheduleExpressionSchema = string().check(
  regex(/^(cron\([^)]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, 'expected cron(...) or rate(N unit)'),
);

const timeZoneSchema = string().check(
  refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone'),
);

/** When the poll runs: the stack's schedule, and `serve`'s. */
export const scheduleShape = {
  schedule: scheduleExpressionSchema,
  /** IANA time zone the cron expression is read in. */
  timeZone: timeZoneSchema,
};

const runtimeConfigSchema = object({ sources: array(sourceConfigSchema), ...runtimeConfigShape });
const localRuntimeConfigSchema = object({
  sources: _default(array(localSourceConfigSchema), []),
  ...runtimeConfigShape,
  ...scheduleShape,
});

export type RuntimeConfig = Omit<output<typeof runtimeConfigSchema>, 'sources'> & {
  sources: SourceConfig[];
  schedule?: string;
  timeZone?: string;
};

/** Validates a runtime config; a wrong value fails with one line naming where it came from and the key. */
export function parseRuntimeConfig(input: unknown, where: string, options: { local?: boolean } = {}): RuntimeConfig {
  const result = (options.local ? localRuntimeConfigSchema : runtimeConfigSchema).safeParse(input);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

export const DEFAULT_MAX_BYTES = 300 * 1024 * 1024;

/**
 * How long a delivery may take, and what follows from it. A claim in the send log must outlive
 * the attempt that made it (else a second attempt sends while the first still may), and expire
 * before the queue shows the message again (else the redelivered message finds the dead
 * attempt's claims in flight and can only put the message back, until the dead-letter queue).
 */
export interface DeliveryTimings {
  functionTimeoutSeconds: number;
  leaseSeconds: number;
  visibilityTimeoutSeconds: number;
}

export function deliveryTimings(deliverTimeoutSeconds: number): DeliveryTimings {
  // Six times the function timeout is AWS's advice for an SQS event source's visibility timeout.
  const timings = {
    functionTimeoutSeconds: deliverTimeoutSeconds,
    leaseSeconds: deliverTimeoutSeconds * 2,
    visibilityTimeoutSeconds: deliverTimeoutSeconds * 6,
  };
  checkDeliveryTimings(timings);
  return timings;
}

/** The synth-time check (the stack calls it too): function timeout < lease < visibility timeout. */
function checkDeliveryTimings(timings: DeliveryTimings): void {
  const { functionTimeoutSeconds: run, leaseSeconds: lease, visibilityTimeoutSeconds: visibility } = timings;
  if (lease >= visibility)
    throw new Error(
      `send lease ${lease} s must be shorter than the delivery queue's visibility timeout ${visibility} s: a redelivered message would find its claims still in flight`,
    );
  if (lease <= run)
    throw new Error(`send lease ${lease} s must be longer than the deliver timeout ${run} s: a live attempt's claim would be taken over`);
}

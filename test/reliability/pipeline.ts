import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { type Clients, createClients } from '../../functions/commons/all-clients';
import { RUNTIME_DEFAULTS, type RuntimeConfig, type SourceConfig } from '../../functions/commons/config';
import type { Deps, Log } from '../../functions/commons/deps';
import { RELEASE_QUEUE } from '../../functions/composition/event-sources';
import type { ReleaseChange } from '../../functions/domain/change';
import { DEFAULT_FILTERS, type Subscriber } from '../../functions/domain/subscriber';
import { composeLocal, type LocalComposition } from '../../local/composition';
import { DEMO_SUBSCRIBERS } from '../../local/demo-run';
import { localContext } from '../../local/lambda-context';
import { createStreamsClient } from '../../local/streams-client';
import { sesMessages } from '../support/emulators';

/**
 * The pipeline as the reliability suites drive it: the local composition root (the handlers the
 * Lambdas run, on clients built by `createClients`) and its event chain. A failed event comes back
 * the way the AWS event source gives it back: after its queue's visibility timeout, which the
 * suite's movable clock lets pass.
 */

interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

function memoryLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      void lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A clock the test can move forward (a redelivery after the send lease ran out). */
export function movableClock(): { now: () => Date; advance(ms: number): void } {
  let skew = 0;
  return { now: () => new Date(Date.now() + skew), advance: (ms) => void (skew += ms) };
}

const TEST_CONFIG = (tag: string): RuntimeConfig => ({
  sources: [],
  sender: 'detainer-watch <alerts@detainer-watch.local>',
  operatorEmail: `operator+${tag}@detainer-watch.local`,
  subscriptionUrl: 'http://127.0.0.1:8787',
  topN: 10,
  minResolutionRate: 0.9,
  maxTotalDrop: 0.5,
  sendRatePerSecond: 200,
  deliveryBatchSize: 2,
  deliveryConcurrency: 2,
  deliverTimeoutSeconds: RUNTIME_DEFAULTS.deliverTimeoutSeconds,
});

export interface PipelineOptions {
  endpoints: { dynamodb: string; s3: string; ses: string };
  /** The emulators themselves, for what AWS runs outside the functions (the stream, S3's notifications); default `endpoints`. */
  eventSourceEndpoints?: { dynamodb: string; s3: string };
  tableName: string;
  bucket: string;
  workDir: string;
  tag: string;
  clock?: () => Date;
  /** Short timeouts keep stalled requests cheap in tests. */
  requestMs?: number;
  config?: Partial<RuntimeConfig>;
}

export interface Pipeline {
  deps: Deps;
  clients: Clients;
  composition: LocalComposition;
  log: ReturnType<typeof memoryLog>;
  /** What the steps counted (`deps.count`, Powertools Metrics in AWS), by metric name. */
  metrics: Map<string, number>;
  destroy(): void;
}

export async function openPipeline(options: PipelineOptions): Promise<Pipeline> {
  const requestMs = options.requestMs ?? 3_000;
  const clients = await createClients({
    endpoints: options.endpoints,
    // SES gets the longer budget: a real timeout there is an ambiguous send, and the replay traces every duplicate to an injected one.
    timeouts: { dynamodb: { requestMs }, s3: { requestMs: 2 * requestMs }, ses: { requestMs: 2 * requestMs } },
  });
  const sources = options.eventSourceEndpoints ?? options.endpoints;
  const eventSources = options.eventSourceEndpoints ? await createClients({ endpoints: { ...options.endpoints, ...sources } }) : clients;
  const streams: DynamoDBStreamsClient = createStreamsClient({ endpoints: { dynamodbstreams: sources.dynamodb } });
  const log = memoryLog();
  const workDir = join(options.workDir, options.tag);
  await mkdir(workDir, { recursive: true });
  const metrics = new Map<string, number>();
  const composition = composeLocal({
    clients,
    count: (metric, value = 1) => void metrics.set(metric, (metrics.get(metric) ?? 0) + value),
    eventSources: { dynamodb: eventSources.dynamodb, s3: eventSources.s3, streams },
    tableName: options.tableName,
    bucket: options.bucket,
    config: { ...TEST_CONFIG(options.tag), ...options.config },
    tokenSecret: async () => 'reliability-suite-secret',
    workDir,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    deps: composition.deps,
    clients,
    composition,
    log,
    metrics,
    destroy: () => {
      for (const made of new Set([clients, eventSources])) {
        made.dynamodb.destroy();
        made.s3.destroy();
        made.ses.destroy();
      }
      streams.destroy();
    },
  };
}

/** The demo readers of `local/demo-run.ts`, with addresses tagged so suites sharing SES stay apart. */
export function demoReaders(tag: string): Subscriber[] {
  return DEMO_SUBSCRIBERS.map((reader) => ({
    email: reader.email.replace('@', `+${tag}@`),
    status: 'confirmed',
    filters: { ...DEFAULT_FILTERS, ...reader.filters },
    createdAt: '2026-01-01T00:00:00.000Z',
    confirmedAt: '2026-01-01T00:00:00.000Z',
  }));
}

export interface StepOutcome {
  step: string;
  attempts: number;
}

/** Run a step until it succeeds, at most `max` times; throws the last error past that. */
async function untilDone<T>(
  step: string,
  run: () => Promise<T>,
  outcomes: StepOutcome[],
  options: { max?: number; done?: (result: T) => boolean; beforeRetry?: () => void } = {},
): Promise<T> {
  const max = options.max ?? 50;
  let last: unknown;
  for (let attempt = 1; attempt <= max; attempt++) {
    if (attempt > 1) options.beforeRetry?.();
    try {
      const result = await run();
      if (!options.done || options.done(result)) {
        outcomes.push({ step, attempts: attempt });
        return result;
      }
      last = new Error(`${step}: not finished`);
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`${step}: still failing after ${max} attempts: ${String(last)}`);
}

/**
 * Hand every event to its handler until the chain is idle; while a queue holds a failed message
 * back, let its visibility timeout pass (the clock) and go on. Bounded: a message that keeps
 * failing ends in its dead-letter queue, as in AWS.
 */
async function settle(pipeline: Pipeline, outcomes: StepOutcome[], clock?: { advance(ms: number): void }): Promise<void> {
  const { chain, queues } = pipeline.composition;
  for (let round = 1; round <= 30; round++) {
    await chain.drain();
    const waiting = [queues.releases, queues.deliveries].filter((q) => q.stats().hidden > 0);
    if (!waiting.length) {
      outcomes.push({ step: 'chain', attempts: round });
      return;
    }
    if (!clock)
      throw new Error(
        `messages wait on ${waiting.map((q) => q.name).join(', ')} and the suite has no clock to pass their visibility timeout`,
      );
    clock.advance(RELEASE_QUEUE.visibilityTimeoutSeconds * 1000 + 1_000);
  }
  throw new Error('the chain did not settle in 30 rounds');
}

/**
 * One release of the demo sequence: the scheduled poll (retried as the scheduler retries a failed
 * invocation), then the chain it sets off until idle.
 */
export async function runRelease(
  pipeline: Pipeline,
  source: SourceConfig,
  outcomes: StepOutcome[],
  clock?: { advance(ms: number): void },
): Promise<void> {
  const config = pipeline.deps.config;
  config.sources = [...config.sources.filter((s) => s.name !== source.name), source];
  await untilDone('poll', () => pipeline.composition.handlers.poll({ sources: [source.name] }, localContext('poll')), outcomes);
  await settle(pipeline, outcomes, clock);
}

export interface FinalState {
  rankings: { quarter: string; version: number; hash: string; top: string[] }[];
  changes: { release: string; quarters: { quarter: string; kind: string }[] }[];
  /** `recipient (tag removed) → subject`, one entry per message SES holds, sorted. */
  messages: string[];
}

/** What a reader of the system sees at the end: stored rankings, change records, mail per subscriber. */
export async function finalState(deps: Deps, source: string, sesEndpoint: string, tag: string): Promise<FinalState> {
  const quarters = await deps.rankings.listQuarters(source);
  const releases = await deps.releases.listReleases(source);
  const changes: ReleaseChange[] = [];
  for (const release of releases) {
    const change = await deps.rankings.getChange(`${source}#${release.sha256}`);
    if (change) changes.push(change);
  }
  const mail = await sesMessages(sesEndpoint, `+${tag}@`);
  return {
    rankings: quarters.map((q) => ({
      quarter: q.quarter,
      version: q.version,
      hash: q.hash,
      top: q.rows.slice(0, 10).map((r) => `${r.jurisdiction.name}:${r.declined}`),
    })),
    changes: changes.map((c) => ({ release: c.release, quarters: c.quarters.map((q) => ({ quarter: q.quarter, kind: q.kind })) })),
    messages: mail.flatMap((m) => m.destination.to.map((to) => `${to.replace(`+${tag}@`, '@')} → ${m.subject}`)).sort(),
  };
}

/** Messages that appear more than once: `message → copies`. */
export function duplicates(messages: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message, (counts.get(message) ?? 0) + 1);
  return new Map([...counts].filter(([, n]) => n > 1));
}

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClients, type Clients } from '../../functions/commons/clients';
import type { RuntimeConfig, SourceConfig } from '../../functions/commons/config';
import type { Deps, Log } from '../../functions/commons/deps';
import { wireDeps } from '../../functions/commons/wiring';
import type { ReleaseChange } from '../../functions/domain/change';
import { DEFAULT_FILTERS, type Subscriber } from '../../functions/domain/subscriber';
import { ingestRelease } from '../../functions/ingest/ingest';
import { notifyChange, notifyIncomplete } from '../../functions/notify/notify';
import { pollSource } from '../../functions/poll/poll';
import { DEFAULT_SEND_LEASE_MS } from '../../functions/store/dynamo-send-log';
import { DEMO_SUBSCRIBERS } from '../../local/demo-run';
import { sesMessages } from '../support/emulators';

/**
 * The pipeline as the reliability suites drive it: the production wiring (`wireDeps`) on clients
 * built by `createClients`, and each step repeated until it succeeds the way an AWS event source
 * redelivers (bounded).
 */

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export function memoryLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields: Record<string, unknown> = {}) => void lines.push({ level, message, fields });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A clock the test can move forward (a redelivery after the send lease ran out). */
export function movableClock(): { now: () => Date; advance(ms: number): void } {
  let skew = 0;
  return { now: () => new Date(Date.now() + skew), advance: (ms) => void (skew += ms) };
}

export const TEST_CONFIG = (tag: string): RuntimeConfig => ({
  sources: [],
  sender: 'detainer-watch <alerts@detainer-watch.local>',
  operatorEmail: `operator+${tag}@detainer-watch.local`,
  subscriptionUrl: 'http://127.0.0.1:8787',
  topN: 10,
  minResolutionRate: 0.9,
  maxTotalDrop: 0.5,
  sendRatePerSecond: 200,
});

export interface PipelineOptions {
  endpoints: { dynamodb: string; s3: string; ses: string };
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
  log: ReturnType<typeof memoryLog>;
  destroy(): void;
}

export async function openPipeline(options: PipelineOptions): Promise<Pipeline> {
  const requestMs = options.requestMs ?? 3_000;
  const clients = await createClients({
    endpoints: options.endpoints,
    // SES gets the longer budget: a real timeout there is an ambiguous send, and the replay traces every duplicate to an injected one.
    timeouts: { dynamodb: { requestMs }, s3: { requestMs: 2 * requestMs }, ses: { requestMs: 2 * requestMs } },
  });
  const log = memoryLog();
  const workDir = join(options.workDir, options.tag);
  await mkdir(workDir, { recursive: true });
  const deps = wireDeps({
    clients,
    tableName: options.tableName,
    bucket: options.bucket,
    config: { ...TEST_CONFIG(options.tag), ...options.config },
    tokenSecret: async () => 'reliability-suite-secret',
    workDir,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    deps,
    clients,
    log,
    destroy: () => {
      clients.dynamodb.destroy();
      clients.s3.destroy();
      clients.ses.destroy();
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
export async function untilDone<T>(step: string, run: () => Promise<T>, outcomes: StepOutcome[], options: { max?: number; done?: (result: T) => boolean; beforeRetry?: () => void } = {}): Promise<T> {
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

/** Ingest every archived release, oldest first, each until it succeeds. */
export async function ingestAll(deps: Deps, source: string, outcomes: StepOutcome[]): Promise<void> {
  const pending = await untilDone('list releases', () => deps.releases.listReleases(source), outcomes);
  for (const release of pending.filter((r) => r.status === 'archived')) {
    await untilDone(`ingest ${release.sha256.slice(0, 8)}`, () => ingestRelease(deps, release.archiveKey), outcomes);
  }
}

/**
 * Notify every pending change until every subscriber has it. A redelivery comes after the send
 * lease ran out, so a claim left in flight by a failed attempt can be taken again.
 */
export async function notifyAll(deps: Deps, outcomes: StepOutcome[], clock?: { advance(ms: number): void }): Promise<void> {
  const pending = await untilDone('list changes', () => deps.rankings.listPendingChanges(), outcomes);
  for (const change of pending) {
    await untilDone(`notify ${change.release.slice(0, 8)}`, () => notifyChange(deps, change.id), outcomes, {
      done: (report) => !notifyIncomplete(report),
      beforeRetry: () => clock?.advance(DEFAULT_SEND_LEASE_MS + 1_000),
    });
  }
}

/** One release of the demo sequence through poll → ingest → notify, each step repeated until done. */
export async function runRelease(deps: Deps, source: SourceConfig, outcomes: StepOutcome[], clock?: { advance(ms: number): void }): Promise<void> {
  await untilDone('poll', () => pollSource(deps, source), outcomes);
  await ingestAll(deps, source.name, outcomes);
  await notifyAll(deps, outcomes, clock);
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
    rankings: quarters.map((q) => ({ quarter: q.quarter, version: q.version, hash: q.hash, top: q.rows.slice(0, 10).map((r) => `${r.jurisdiction.name}:${r.declined}`) })),
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

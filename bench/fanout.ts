/**
 * Section 5: one release's alert to many confirmed subscribers, through the chain the stack runs:
 * the change record read from the table's stream → notify handler → delivery queue (batches of
 * 50) → deliver handler (concurrent invocations) → the local SES, at a configured send rate;
 * every recipient must get exactly one message.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isChangeInsert } from '../functions/composition/event-sources';
import type { BatchReport } from '../functions/deliver/deliver-batch';
import { DEFAULT_FILTERS } from '../functions/domain/subscriber';
import { planDeliveries } from '../functions/notify/notify';
import type { Mailer } from '../functions/ports/mailer';
import { keys } from '../functions/store/table-schema';
import type { AwsCallCount } from './aws-calls';
import type { BenchServices } from './services';
import { BENCH_TABLE } from './services';
import { ms, type Row } from './stats';

export interface FanoutFigures {
  subscribers: number;
  sendRatePerSecond: number;
  sent: number;
  ms: number;
  messagesPerSecond: number;
  /** Messages in the SES store beyond the first per recipient. */
  duplicates: number;
  /** Subscribers with no message in the store. */
  missing: number;
  storeMessages: number;
  /** sendRaw calls counted at the mailer, per recipient beyond the first. */
  mailerDuplicates: number;
  aws: AwsCallCount;
  rawBytesPerMessage: number;
  /** Mean time of one SES call (the local emulator parses every message). */
  sesMsPerMessage: number;
  report: Record<string, number | string>;
  /** The AWS planner step: list the confirmed subscribers, cut them into batches. */
  planner: { ms: number; batches: number; batchSize: number; readUnits: number };
  /** Sends per second between the first and the last SES call: the pace the sender kept. */
  sendWindowRate: number;
}

async function insertSubscribers(services: BenchServices, count: number, prefix: string): Promise<string[]> {
  const now = new Date().toISOString();
  const emails = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}@example.org`);
  const batches: string[][] = [];
  for (let i = 0; i < emails.length; i += 25) batches.push(emails.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let request: Record<string, Array<Record<string, unknown>>> | undefined = {
        [BENCH_TABLE]: batch.map((email) => ({
          PutRequest: {
            Item: {
              ...keys.subscriber(email),
              type: 'subscriber',
              gsi1pk: 'SUBSCRIBERS#confirmed',
              gsi1sk: email,
              email,
              status: 'confirmed',
              filters: DEFAULT_FILTERS,
              createdAt: now,
              confirmedAt: now,
            },
          },
        })),
      };
      while (request && Object.keys(request).length) {
        const answer = await services.clients.dynamodb.send(new BatchWriteCommand({ RequestItems: request as never }));
        request = answer.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return emails;
}

export async function measureFanout(
  services: BenchServices,
  changeId: string,
  subscribers: number,
  sendRatePerSecond: number,
  log: (line: string) => void,
  prefix = `bench${process.pid}`,
): Promise<FanoutFigures> {
  const emails = await insertSubscribers(services, subscribers, prefix);
  log(`  ${subscribers.toLocaleString('en-US')} confirmed subscribers inserted`);
  const ses = services.endpoints.ses;
  const cleared = await fetch(`${ses}/clear-store`, { method: 'POST' });
  if (!cleared.ok) throw new Error(`SES clear-store answered ${cleared.status}`);

  const deps = await services.deps({ sendRatePerSecond });
  services.counter.reset();
  const planStarted = performance.now();
  const batchSize = 50;
  const batches = await planDeliveries(deps, changeId, batchSize);
  const planner = {
    ms: performance.now() - planStarted,
    batches: batches.length,
    batchSize,
    readUnits: services.counter.snapshot().readUnits,
  };
  const perRecipient = new Map<string, number>();
  let rawBytes = 0;
  let sesMs = 0;
  let firstSend: number | undefined;
  let lastSend = 0;
  const counting = (inner: Mailer): Mailer => ({
    sendRaw: async (message) => {
      firstSend ??= performance.now();
      lastSend = performance.now();
      perRecipient.set(message.to, (perRecipient.get(message.to) ?? 0) + 1);
      rawBytes += message.raw.length;
      const t = performance.now();
      try {
        return await inner.sendRaw(message);
      } finally {
        sesMs += performance.now() - t;
      }
    },
  });
  // Only this change's insert: the bench table's stream also holds the other releases the bench ingested.
  const composition = await services.compose(
    { sendRatePerSecond },
    {
      decorateMailer: counting,
      streamConsumers: (handlers) => [
        {
          name: 'notify',
          handler: handlers.notify,
          filter: (r) => isChangeInsert(r) && r.dynamodb?.NewImage?.pk?.S === keys.change(changeId).pk,
        },
      ],
    },
  );
  services.counter.reset();
  const started = performance.now();
  await composition.chain.drain();
  const took = performance.now() - started;
  const aws = services.counter.snapshot();
  const batchReports = composition
    .takeEvents()
    .filter((e) => e.step === 'deliver')
    .map((e) => e.report as BatchReport);
  const report = Object.fromEntries(
    (['sent', 'alreadySent', 'skippedByFilters', 'suppressed', 'lostAcknowledgements', 'failed', 'ambiguous', 'inFlight'] as const).map(
      (key) => [key, batchReports.reduce((n, r) => n + r[key], 0)],
    ),
  ) as Record<Exclude<keyof BatchReport, 'changeId'>, number>;

  const storeAnswer = await fetch(`${ses}/store`);
  if (!storeAnswer.ok) throw new Error(`SES GET /store answered ${storeAnswer.status}`);
  const store = (await storeAnswer.json()) as { emails: Array<{ destination?: { to?: string[] } }> };
  const inStore = new Map<string, number>();
  for (const email of store.emails) {
    for (const to of email.destination?.to ?? []) {
      const address = (/<([^>]+)>/.exec(to)?.[1] ?? to).trim().toLowerCase();
      inStore.set(address, (inStore.get(address) ?? 0) + 1);
    }
  }
  const duplicates = [...inStore.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const missing = emails.filter((email) => !inStore.has(email)).length;
  const sends = [...perRecipient.values()];
  return {
    subscribers,
    sendRatePerSecond,
    sent: report.sent,
    ms: took,
    messagesPerSecond: report.sent / (took / 1000),
    duplicates,
    missing,
    storeMessages: store.emails.length,
    mailerDuplicates: sends.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    aws,
    sesMsPerMessage: sends.length ? sesMs / sends.length : 0,
    rawBytesPerMessage: sends.length ? rawBytes / sends.reduce((a, b) => a + b, 0) : 0,
    report: { ...report, deliveryMessages: batchReports.length },
    planner,
    sendWindowRate:
      firstSend !== undefined && lastSend > firstSend ? (sends.reduce((a, b) => a + b, 0) - 1) / ((lastSend - firstSend) / 1000) : 0,
  };
}

/** The run at a low configured rate: the sender keeps that pace, not the machine's. */
export function rateBoundRows(f: FanoutFigures): Row[] {
  const section = '5 notify fan-out';
  const held = f.sendWindowRate <= f.sendRatePerSecond * 1.05 && f.sendWindowRate >= f.sendRatePerSecond * 0.85;
  return [
    {
      section,
      measure: `${f.subscribers.toLocaleString('en-US')} other subscribers, send rate configured ${f.sendRatePerSecond}/s: pace between first and last send`,
      value: `${f.sendWindowRate.toFixed(1)} messages/s (${f.sent} sent, ${f.duplicates} duplicates, ${f.missing} missing)`,
      target: `the configured ${f.sendRatePerSecond}/s (85–105%)`,
      pass: held && f.duplicates === 0 && f.missing === 0 && f.sent === f.subscribers,
    },
  ];
}

export function fanoutRows(f: FanoutFigures): Row[] {
  const section = '5 notify fan-out';
  return [
    {
      section,
      measure: `${f.subscribers.toLocaleString('en-US')} subscribers, send rate configured ${f.sendRatePerSecond}/s: sent`,
      value: `${f.sent.toLocaleString('en-US')} in ${ms(f.ms)} = ${f.messagesPerSecond.toFixed(0)} messages/s`,
      target: `all ${f.subscribers.toLocaleString('en-US')}`,
      pass: f.sent === f.subscribers && f.missing === 0,
    },
    {
      section,
      measure: 'duplicates in the SES store (GET /store); recipients missing',
      value: `${f.duplicates}; ${f.missing} (${f.storeMessages.toLocaleString('en-US')} messages stored)`,
      target: '0',
      pass: f.duplicates === 0 && f.missing === 0,
    },
    {
      section,
      measure: `planner (AWS: notify step): every confirmed subscriber listed, cut into batches of ${f.planner.batchSize}`,
      value: `${f.planner.batches} batches in ${ms(f.planner.ms)} (${f.planner.readUnits.toFixed(0)} RCU)`,
    },
    {
      section,
      measure: 'per message: raw MIME size; mean SES call (emulator)',
      value: `${(f.rawBytesPerMessage / 1024).toFixed(1)} KiB; ${ms(f.sesMsPerMessage)}`,
    },
    {
      section,
      measure: 'AWS calls per message (DynamoDB claim + mark sent, SES)',
      value: `${(Object.values(f.aws.calls).reduce((a, b) => a + b, 0) / Math.max(1, f.sent)).toFixed(2)} (${Object.entries(f.aws.calls)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    },
  ];
}

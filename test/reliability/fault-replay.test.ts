import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSource, demoSourceConfig, startDemoSource } from '../../local/demo/demo-source';
import { ensureBucket, ensureTable } from '../../local/provision';
import { uniqueName, useEmulators } from '../support/emulators';
import { FAULT_KINDS, type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import {
  demoReaders,
  duplicates,
  type FinalState,
  finalState,
  movableClock,
  openPipeline,
  type Pipeline,
  runRelease,
  type StepOutcome,
} from './pipeline';

const FAULT_RATE = 0.2;
const SEED = Number(process.env.DW_FAULT_SEED ?? 20_260_611);

/**
 * The demo release sequence through the handlers and the event chain (poll handler → S3
 * notification → release queue → ingest handler → stream → notify handler → delivery queue →
 * deliver handler), replayed once without faults and once with 20% of every request to
 * DynamoDB, S3, SES and the source faulted (every kind, lost acknowledgements included): the final
 * state and the mail per subscriber must be the same, with duplicates only where SES lost an
 * acknowledgement, each one traced in the send log and the proxy's decisions.
 */
describe('demo replay under 20% faults', () => {
  const emulators = useEmulators();
  const demo: { source?: DemoSource } = {};
  const proxies: FaultProxy[] = [];
  const pipelines: Pipeline[] = [];
  let clean: FinalState;
  let faulted: FinalState;
  let faultedPipeline: Pipeline;
  let proxy: Record<'dynamodb' | 's3' | 'ses' | 'http', FaultProxy>;
  const outcomes: StepOutcome[] = [];
  const tags = { clean: uniqueName('clean'), faulted: uniqueName('fault') };

  async function replay(
    pipeline: Pipeline,
    sourceUrl: string,
    tag: string,
    clock?: { advance(ms: number): void },
    steps: StepOutcome[] = [],
  ): Promise<void> {
    for (const reader of demoReaders(tag)) await pipeline.deps.subscribers.putSubscriber(reader);
    const source = demoSourceConfig(sourceUrl);
    for (let n = 1; n <= demo.source!.releases.length; n++) {
      demo.source!.publish(n);
      await runRelease(pipeline, source, steps, clock);
    }
  }

  beforeAll(async () => {
    demo.source = await startDemoSource({ published: 0 });

    // Fault-free run on its own table and bucket.
    const cleanRun = await openPipeline({
      endpoints: emulators.endpoints,
      tableName: emulators.tableName,
      bucket: emulators.bucket,
      workDir: emulators.workDir,
      tag: tags.clean,
    });
    pipelines.push(cleanRun);
    await replay(cleanRun, demo.source.url, tags.clean);
    clean = await finalState(cleanRun.deps, 'demo', emulators.endpoints.ses, tags.clean);

    // Faulted run: every service behind a proxy; its own table and bucket, made without faults.
    const tableName = uniqueName('dw-fault');
    const bucket = uniqueName('dw-fault');
    await ensureTable(emulators.clients.dynamodb, tableName);
    await ensureBucket(emulators.clients.s3, bucket);
    const start = (target: string, service: 'dynamodb' | 's3' | 'ses' | 'http', seed: number, stallMs: number) =>
      startFaultProxy({ target, service, seed, stallMs, rate: FAULT_RATE, kinds: FAULT_KINDS });
    proxy = {
      dynamodb: await start(emulators.endpoints.dynamodb, 'dynamodb', SEED, 4_000),
      s3: await start(emulators.endpoints.s3, 's3', SEED + 1, 7_000),
      ses: await start(emulators.endpoints.ses, 'ses', SEED + 2, 7_000),
      http: await start(demo.source.url, 'http', SEED + 3, 4_000),
    };
    proxies.push(...Object.values(proxy));
    // Besides the random 20%, one lost acknowledgement per service at a place that matters.
    proxy.dynamodb.addRule({ name: 'lost commit ack', match: (r) => r.operation === 'TransactWriteItems', nth: 1, action: 'lost-ack' });
    proxy.s3.addRule({ name: 'lost archive ack', match: (r) => r.operation === 'PUT object', nth: 1, action: 'lost-ack' });
    proxy.ses.addRule({ name: 'lost send ack', match: (r) => r.operation === 'SendRawEmail', nth: 1, action: 'lost-ack' });
    proxy.http.addRule({ name: 'lost download', match: (r) => r.path.endsWith('.xlsx'), nth: 1, action: 'lost-ack' });
    const clock = movableClock();
    faultedPipeline = await openPipeline({
      endpoints: { dynamodb: proxy.dynamodb.url, s3: proxy.s3.url, ses: proxy.ses.url },
      // The stream and the bucket's notifications are AWS's machinery, not the functions' calls: unfaulted.
      eventSourceEndpoints: { dynamodb: emulators.endpoints.dynamodb, s3: emulators.endpoints.s3 },
      tableName,
      bucket,
      workDir: emulators.workDir,
      tag: tags.faulted,
      clock: clock.now,
    });
    pipelines.push(faultedPipeline);
    // Subscribers are put before faults matter: the proxy rate applies from the first request on.
    const sourceUrl = new URL(new URL(demo.source.url).pathname + new URL(demo.source.url).search, proxy.http.url).href;
    await replay(faultedPipeline, sourceUrl, tags.faulted, clock, outcomes);
    for (const p of proxies) p.setRate(0);
    faulted = await finalState(faultedPipeline.deps, 'demo', emulators.endpoints.ses, tags.faulted);
  }, 600_000);

  afterAll(async () => {
    for (const pipeline of pipelines) pipeline.destroy();
    await Promise.all(proxies.map((p) => p.stop()));
    await demo.source?.stop();
  });

  it('faulted every kind on every service, lost acknowledgements included', () => {
    // Assess
    for (const [service, p] of Object.entries(proxy)) {
      const kinds = new Set(p.decisions.map((d) => d.fault));
      expect(kinds.has('lost-ack'), `${service} lost-ack`).toBe(true);
      expect(p.decisions.filter((d) => d.fault !== 'pass').length, `${service} faults`).toBeGreaterThan(0);
    }
    const all = Object.values(proxy).flatMap((p) => p.decisions);
    expect(all.filter((d) => d.fault !== 'pass').length / all.length).toBeGreaterThan(0.1);
    expect(new Set(all.map((d) => d.fault))).toEqual(new Set(['pass', ...FAULT_KINDS]));
    expect(outcomes.some((o) => o.attempts > 1)).toBe(true);
  });

  it('ends with the same rankings and change records as the fault-free run', () => {
    // Assess
    expect(clean.rankings.length).toBeGreaterThan(0);
    expect(clean.changes).toHaveLength(3);
    expect(faulted.rankings).toEqual(clean.rankings);
    expect(faulted.changes).toEqual(clean.changes);
  });

  it('delivers every message of the fault-free run, and a duplicate only where SES lost an acknowledgement', async () => {
    // Prepare
    const toReaders = (messages: string[]) => messages.filter((m) => !m.startsWith('operator@'));
    const cleanDuplicates = duplicates(toReaders(clean.messages));
    const extra = duplicates(toReaders(faulted.messages));
    const sends = (await faultedPipeline.deps.sendLog.listSends()).filter((s) => s.email.includes(`+${tags.faulted}@`));
    const lostAcks = proxy.ses.decisions.filter((d) => d.fault === 'lost-ack' && d.operation === 'SendRawEmail');

    // Assess: nothing lost, and exactly the fault-free set once duplicates are folded.
    expect(cleanDuplicates.size).toBe(0);
    expect(toReaders(clean.messages)).toHaveLength(8);
    expect([...new Set(toReaders(faulted.messages))]).toEqual(toReaders(clean.messages));
    expect(sends.every((s) => s.status === 'sent')).toBe(true);
    // Each duplicate: a lost acknowledgement of a send to that reader in the proxy's log, and the
    // send log marking the send as retried after an ambiguous attempt (SDK retry or a new claim).
    for (const [message, copies] of extra) {
      const reader = message.split(' → ')[0].replace('@', `+${tags.faulted}@`);
      const lostToReader = lostAcks.filter((d) => d.recipients.includes(reader)).length;
      const traced = sends.filter((s) => s.email === reader && (s.retriedAfterAmbiguous || s.attempts > 1)).length;
      expect(copies - 1, message).toBeLessThanOrEqual(lostToReader);
      expect(traced, message).toBeGreaterThanOrEqual(1);
    }
    const duplicateCount = [...extra.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(duplicateCount).toBeLessThanOrEqual(lostAcks.length);
    // Each duplicate is counted in the LostAcknowledgements metric and logged as a possible duplicate.
    const loggedDuplicates = faultedPipeline.log.lines.filter((l) => l.message.startsWith('possible duplicate')).length;
    expect(faultedPipeline.metrics.get('LostAcknowledgements') ?? 0).toBe(loggedDuplicates);
    expect(loggedDuplicates).toBeGreaterThanOrEqual(duplicateCount);
    console.info(
      `fault replay (seed ${SEED}): ${Object.values(proxy).reduce((n, p) => n + p.decisions.length, 0)} requests, ` +
        `${Object.values(proxy).reduce((n, p) => n + p.decisions.filter((d) => d.fault !== 'pass').length, 0)} faulted, ` +
        `${lostAcks.length} SES lost acknowledgements, ${duplicateCount} duplicate messages of ${clean.messages.length}; ` +
        `step attempts max ${Math.max(...outcomes.map((o) => o.attempts))}`,
    );
  });
});

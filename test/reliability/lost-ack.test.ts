import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryQueueSettings } from '../../functions/composition/event-sources';
import type { BatchReport } from '../../functions/deliver/deliver-batch';
import type { IngestReport } from '../../functions/ingest/ingest';
import { type DemoSource, demoSourceConfig, startDemoSource } from '../../local/demo/demo-source';
import { localContext } from '../../local/lambda-context';
import { ensureBucket, ensureTable } from '../../local/provision';
import { objectCreatedRecord } from '../../local/s3-notifications';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { demoReaders, movableClock, openPipeline, type Pipeline } from './pipeline';

/** The message S3 puts on the release queue for an archived release, as the ingest handler receives it. */
function releaseQueueEvent(bucket: string, key: string): SQSEvent {
  const body = JSON.stringify({ Records: [objectCreatedRecord(bucket, { key, size: 1, eTag: 'e' }, new Date())] });
  return {
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'r1',
        body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's3', ApproximateFirstReceiveTimestamp: '0' },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:0:releases',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

const sum = (reports: BatchReport[], key: keyof Omit<BatchReport, 'changeId'>) => reports.reduce((n, r) => n + r[key], 0);

/**
 * One scripted lost acknowledgement per service: the request takes effect, the answer never
 * arrives, the SDK retries. The retry must be recognised as our own earlier write.
 */
describe('lost acknowledgements, one per service', () => {
  const emulators = useEmulators();
  let demo: DemoSource;
  let ddb: FaultProxy;
  let ses: FaultProxy;
  let pipeline: Pipeline;
  let bucket: string;
  const clock = movableClock();
  const tag = uniqueName('lost');
  const deliveries = () =>
    pipeline.composition
      .takeEvents()
      .filter((e) => e.step === 'deliver')
      .map((e) => e.report as BatchReport);

  beforeAll(async () => {
    demo = await startDemoSource({ published: 1 });
    const tableName = uniqueName('dw-lost');
    bucket = uniqueName('dw-lost');
    await ensureTable(emulators.clients.dynamodb, tableName);
    await ensureBucket(emulators.clients.s3, bucket);
    ddb = await startFaultProxy({ target: emulators.endpoints.dynamodb, service: 'dynamodb' });
    ses = await startFaultProxy({ target: emulators.endpoints.ses, service: 'ses' });
    pipeline = await openPipeline({
      endpoints: { ...emulators.endpoints, dynamodb: ddb.url, ses: ses.url },
      eventSourceEndpoints: emulators.endpoints,
      tableName,
      bucket,
      workDir: emulators.workDir,
      tag,
      clock: clock.now,
    });
    pipeline.deps.config.sources = [demoSourceConfig(demo.url)];
    for (const reader of demoReaders(tag)) await pipeline.deps.subscribers.putSubscriber(reader);
  });

  afterAll(async () => {
    pipeline?.destroy();
    await Promise.all([ddb?.stop(), ses?.stop(), demo?.stop()]);
  });

  it('DynamoDB conditional put: the retry fails its condition against its own first write, and the release counts as created', async () => {
    // Prepare
    ddb.addRule({
      name: 'lost release record',
      match: (r) => r.operation === 'PutItem' && r.body.includes('RELEASE#'),
      nth: 1,
      action: 'lost-ack',
    });

    // Act
    const [report] = await pipeline.composition.handlers.poll({}, localContext('poll'));

    // Assess
    const releasePuts = ddb.decisions.filter(
      (d) => d.operation === 'PutItem' && (d.rule === 'lost release record' || d.upstreamStatus === 400),
    );
    expect(releasePuts.map((d) => [d.fault, d.upstreamStatus])).toEqual([
      ['lost-ack', 200],
      ['pass', 400],
    ]);
    expect(report.archived).toHaveLength(1);
    expect(await pipeline.deps.releases.listReleases('demo')).toHaveLength(1);
  });

  it('DynamoDB transaction: the commit whose answer was lost is recognised as ours, the change recorded once', async () => {
    // Prepare
    ddb.clearRules();
    ddb.addRule({ name: 'lost commit', match: (r) => r.operation === 'TransactWriteItems', nth: 1, action: 'lost-ack' });
    const [release] = await pipeline.deps.releases.listReleases('demo');

    // Act
    const response = await pipeline.composition.handlers.ingest(releaseQueueEvent(bucket, release.archiveKey), localContext('ingest'));
    const report = pipeline.composition.takeEvents().find((e) => e.step === 'ingest')!.report as IngestReport;

    // Assess
    const commits = ddb.decisions.filter((d) => d.operation === 'TransactWriteItems');
    const committed = pipeline.log.lines.find((l) => l.message === 'release ingested');
    console.info(
      `commit retried after a lost acknowledgement: DynamoDB answered ${commits[1]?.upstreamStatus}, outcome ${String(committed?.fields.outcome)}`,
    );
    expect(commits[0]).toMatchObject({ fault: 'lost-ack', upstreamStatus: 200 });
    expect(commits).toHaveLength(2);
    // DynamoDB Local answers the retry by its ClientRequestToken (200) or fails it against our own items (400).
    expect(committed?.fields.outcome).toBe(commits[1].upstreamStatus === 200 ? 'committed' : 'already-committed');
    expect(response).toEqual({ batchItemFailures: [] });
    expect(report.outcome).toBe('ingested');
    expect(await pipeline.deps.rankings.getChange(report.change!.id)).toMatchObject({ id: report.change!.id });
    expect((await pipeline.deps.releases.getRelease('demo', release.sha256))?.status).toBe('ingested');
    expect(await pipeline.deps.rankings.listPendingChanges()).toHaveLength(1);
  });

  it('DynamoDB transaction retried outside the SDK idempotency window: its own token makes it already-committed, another token a conflict', async () => {
    // Prepare: a commit replayed as a new call (a new ClientRequestToken), as after a lost acknowledgement past the SDK's retries.
    const release = {
      source: 'replayed',
      sha256: 'a'.repeat(64),
      url: 'https://example.org/r.xlsx',
      archiveKey: `raw/replayed/${'a'.repeat(64)}.xlsx`,
      bytes: 1,
      format: 'ddp' as const,
      firstSeen: new Date().toISOString(),
      status: 'archived' as const,
    };
    const ranking = {
      source: 'replayed',
      quarter: 'FY2017Q1' as const,
      complete: true,
      total: 5,
      release: release.sha256,
      rows: [{ rank: 1, jurisdiction: { kind: 'county' as const, fips: '08031', name: 'Denver County', state: 'CO' }, declined: 5 }],
    };
    const input = { release, quarters: [{ ranking, hash: 'h1', expectedVersion: null }], change: null, token: 'attempt-1' };
    await pipeline.deps.releases.recordRelease(release);

    // Act
    const first = await pipeline.deps.rankings.commitRelease(input);
    const replay = await pipeline.deps.rankings.commitRelease(input);
    const other = await pipeline.deps.rankings.commitRelease({ ...input, token: 'attempt-2' }).then(
      () => null,
      (e: unknown) => e,
    );

    // Assess
    expect([first, replay]).toEqual(['committed', 'already-committed']);
    expect(other).toMatchObject({ name: 'ConflictError' });
    expect(await pipeline.deps.rankings.quarterHistory('replayed', 'FY2017Q1')).toHaveLength(1);
  });

  it('SES: a send whose acknowledgement was lost is retried by the SDK, delivered, and marked as possibly duplicated', async () => {
    // Prepare
    const [reader] = demoReaders(tag);
    ses.addRule({
      name: 'lost send',
      match: (r) => r.operation === 'SendRawEmail' && r.recipients.includes(reader.email),
      nth: 1,
      action: 'lost-ack',
    });
    const [change] = await pipeline.deps.rankings.listPendingChanges();

    // Act: the stream hands the change to notify, which queues batches for deliver.
    await pipeline.composition.chain.drain();

    // Assess
    const reports = deliveries();
    const sends = await pipeline.deps.sendLog.listSends(change.id);
    const toReader = await sesMessages(emulators.endpoints.ses, reader.email);
    expect({
      sent: sum(reports, 'sent'),
      lost: sum(reports, 'lostAcknowledgements'),
      retry: sum(reports, 'failed') + sum(reports, 'ambiguous') + sum(reports, 'inFlight'),
    }).toEqual({ sent: 3, lost: 1, retry: 0 });
    expect(pipeline.composition.queues.deliveries.stats()).toMatchObject({ visible: 0, hidden: 0 });
    expect(pipeline.metrics.get('LostAcknowledgements')).toBe(1);
    expect(sends.find((s) => s.email === reader.email)).toMatchObject({ status: 'sent', attempts: 1, retriedAfterAmbiguous: true });
    expect(sends.filter((s) => s.retriedAfterAmbiguous)).toHaveLength(1);
    expect(toReader).toHaveLength(2);
    for (const other of demoReaders(tag).slice(1)) expect(await sesMessages(emulators.endpoints.ses, other.email)).toHaveLength(1);
  });

  it('SES: when every attempt loses its acknowledgement, the message is not acknowledged; redelivered after its visibility timeout, it sends again', async () => {
    // Prepare
    demo.publish(2);
    await pipeline.composition.handlers.poll({}, localContext('poll'));
    const reader = demoReaders(tag)[0];
    ses.clearRules();
    ses.addRule({
      name: 'every attempt lost',
      match: (r) => r.operation === 'SendRawEmail' && r.recipients.includes(reader.email),
      action: 'lost-ack',
    });
    const before = (await sesMessages(emulators.endpoints.ses, reader.email)).length;

    // Act 1: S3 notification → ingest → stream → notify → delivery queue → deliver, every send to the reader ambiguous.
    await pipeline.composition.chain.drain();
    const first = deliveries();
    const changeId = first.find((r) => r.ambiguous)?.changeId ?? '';
    const recorded = (await pipeline.deps.sendLog.listSends(changeId)).find((s) => s.email === reader.email);
    const held = pipeline.composition.queues.deliveries.stats();
    ses.clearRules();

    // Act 2: within the visibility timeout nothing comes back; after it, the message is redelivered.
    await pipeline.composition.chain.drain();
    const withinVisibility = deliveries();
    clock.advance(deliveryQueueSettings(pipeline.deps.config.deliverTimeoutSeconds).visibilityTimeoutSeconds * 1000 + 1_000);
    await pipeline.composition.chain.drain();
    const second = deliveries();

    // Assess
    const lost = ses.decisions.filter((d) => d.rule === 'every attempt lost').length;
    const after = (await sesMessages(emulators.endpoints.ses, reader.email)).length;
    expect(sum(first, 'ambiguous')).toBe(1);
    expect(recorded).toMatchObject({ status: 'ambiguous', attempts: 1 });
    // The bug this guards against: an ambiguous send acknowledged the message and the reader never got the alert.
    expect(held).toEqual(expect.objectContaining({ visible: 0, hidden: 1 }));
    expect(withinVisibility).toEqual([]);
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ sent: 1, lostAcknowledgements: 1, ambiguous: 0 });
    expect(pipeline.composition.queues.deliveries.stats()).toMatchObject({ visible: 0, hidden: 0 });
    expect((await pipeline.deps.sendLog.listSends(changeId)).find((s) => s.email === reader.email)).toMatchObject({
      status: 'sent',
      attempts: 2,
      retriedAfterAmbiguous: true,
    });
    // Every lost acknowledgement left one copy at SES, and the retry the one the reader was promised.
    expect(after - before).toBe(lost + 1);
  });

  it('killed between send and record (the mark-sent write never answers): the message returns, the dead claim expires, the resend is counted as a possible duplicate', async () => {
    // Prepare
    demo.publish(3);
    await pipeline.composition.handlers.poll({}, localContext('poll'));
    const reader = demoReaders(tag)[0];
    ses.clearRules();
    ddb.clearRules();
    ddb.addRule({
      name: 'record lost',
      match: (r) => r.operation === 'UpdateItem' && r.body.includes('"sent"') && r.body.includes(reader.email),
      action: 'hold',
    });
    const before = (await sesMessages(emulators.endpoints.ses, reader.email)).length;
    const lostBefore = pipeline.metrics.get('LostAcknowledgements') ?? 0;

    // Act 1: SES accepts the reader's alert; recording it never completes.
    await pipeline.composition.chain.drain();
    const first = deliveries();
    const held = pipeline.composition.queues.deliveries.stats();
    ddb.clearRules();

    // Act 2: after the visibility timeout the message is back; the claim's lease has run out.
    clock.advance(deliveryQueueSettings(pipeline.deps.config.deliverTimeoutSeconds).visibilityTimeoutSeconds * 1000 + 1_000);
    await pipeline.composition.chain.drain();
    const second = deliveries();

    // Assess
    const after = (await sesMessages(emulators.endpoints.ses, reader.email)).length;
    // The reader's delivery message was not acknowledged (the other reader's batch was).
    expect(first.reduce((n, r) => n + r.sent, 0)).toBeGreaterThanOrEqual(1);
    expect(held.hidden).toBe(1);
    expect(second.reduce((n, r) => n + r.lostAcknowledgements, 0)).toBe(1);
    expect(pipeline.composition.queues.deliveries.stats()).toMatchObject({ visible: 0, hidden: 0 });
    expect(after - before).toBe(2);
    expect((pipeline.metrics.get('LostAcknowledgements') ?? 0) - lostBefore).toBe(1);
    expect(pipeline.log.lines.filter((l) => l.message.startsWith('possible duplicate')).length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

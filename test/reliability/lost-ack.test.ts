import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRelease } from '../../functions/ingest/ingest';
import { notifyChange } from '../../functions/notify/notify';
import { pollSource } from '../../functions/poll/poll';
import { demoSourceConfig, startDemoSource, type DemoSource } from '../../local/demo/demo-source';
import { ensureBucket, ensureTable } from '../../local/emulators';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';
import { demoReaders, openPipeline, type Pipeline } from './pipeline';

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
  const tag = uniqueName('lost');

  beforeAll(async () => {
    demo = await startDemoSource({ published: 1 });
    const tableName = uniqueName('dw-lost');
    const bucket = uniqueName('dw-lost');
    await ensureTable(emulators.clients.dynamodb, tableName);
    await ensureBucket(emulators.clients.s3, bucket);
    ddb = await startFaultProxy({ target: emulators.endpoints.dynamodb, service: 'dynamodb' });
    ses = await startFaultProxy({ target: emulators.endpoints.ses, service: 'ses' });
    pipeline = await openPipeline({ endpoints: { ...emulators.endpoints, dynamodb: ddb.url, ses: ses.url }, tableName, bucket, workDir: emulators.workDir, tag });
    for (const reader of demoReaders(tag)) await pipeline.deps.subscribers.putSubscriber(reader);
  });

  afterAll(async () => {
    pipeline?.destroy();
    await Promise.all([ddb?.stop(), ses?.stop(), demo?.stop()]);
  });

  it('DynamoDB conditional put: the retry fails its condition against its own first write, and the release counts as created', async () => {
    // Prepare
    ddb.addRule({ name: 'lost release record', match: (r) => r.operation === 'PutItem' && r.body.includes('RELEASE#'), nth: 1, action: 'lost-ack' });

    // Act
    const report = await pollSource(pipeline.deps, demoSourceConfig(demo.url));

    // Assess
    const releasePuts = ddb.decisions.filter((d) => d.operation === 'PutItem' && (d.rule === 'lost release record' || d.upstreamStatus === 400));
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
    const report = await ingestRelease(pipeline.deps, release.archiveKey);

    // Assess
    const commits = ddb.decisions.filter((d) => d.operation === 'TransactWriteItems');
    const committed = pipeline.log.lines.find((l) => l.message === 'release ingested');
    console.info(`commit retried after a lost acknowledgement: DynamoDB answered ${commits[1]?.upstreamStatus}, outcome ${String(committed?.fields.outcome)}`);
    expect(commits[0]).toMatchObject({ fault: 'lost-ack', upstreamStatus: 200 });
    expect(commits).toHaveLength(2);
    // DynamoDB Local answers the retry by its ClientRequestToken (200) or fails it against our own items (400).
    expect(committed?.fields.outcome).toBe(commits[1].upstreamStatus === 200 ? 'committed' : 'already-committed');
    expect(report.outcome).toBe('ingested');
    expect(await pipeline.deps.rankings.getChange(report.change!.id)).toMatchObject({ id: report.change!.id });
    expect((await pipeline.deps.releases.getRelease('demo', release.sha256))?.status).toBe('ingested');
    expect(await pipeline.deps.rankings.listPendingChanges()).toHaveLength(1);
  });

  it('DynamoDB transaction retried outside the SDK idempotency window: its own token makes it already-committed, another token a conflict', async () => {
    // Prepare: a commit replayed as a new call (a new ClientRequestToken), as after a lost acknowledgement past the SDK's retries.
    const release = { source: 'replayed', sha256: 'a'.repeat(64), url: 'https://example.org/r.xlsx', archiveKey: `raw/replayed/${'a'.repeat(64)}.xlsx`, bytes: 1, format: 'ddp' as const, firstSeen: new Date().toISOString(), status: 'archived' as const };
    const ranking = { source: 'replayed', quarter: 'FY2017Q1' as const, complete: true, total: 5, release: release.sha256, rows: [{ rank: 1, jurisdiction: { kind: 'county' as const, fips: '08031', name: 'Denver County', state: 'CO' }, declined: 5 }] };
    const input = { release, quarters: [{ ranking, hash: 'h1', expectedVersion: null }], change: null, token: 'attempt-1' };
    await pipeline.deps.releases.recordRelease(release);

    // Act
    const first = await pipeline.deps.rankings.commitRelease(input);
    const replay = await pipeline.deps.rankings.commitRelease(input);
    const other = await pipeline.deps.rankings.commitRelease({ ...input, token: 'attempt-2' }).then(() => null, (e: unknown) => e);

    // Assess
    expect([first, replay]).toEqual(['committed', 'already-committed']);
    expect(other).toMatchObject({ name: 'ConflictError' });
    expect(await pipeline.deps.rankings.quarterHistory('replayed', 'FY2017Q1')).toHaveLength(1);
  });

  it('SES: a send whose acknowledgement was lost is retried by the SDK, delivered, and marked as possibly duplicated', async () => {
    // Prepare
    const [reader] = demoReaders(tag);
    ses.addRule({ name: 'lost send', match: (r) => r.operation === 'SendRawEmail' && r.recipients.includes(reader.email), nth: 1, action: 'lost-ack' });
    const [change] = await pipeline.deps.rankings.listPendingChanges();

    // Act
    const report = await notifyChange(pipeline.deps, change.id);

    // Assess
    const sends = await pipeline.deps.sendLog.listSends(change.id);
    const toReader = await sesMessages(emulators.endpoints.ses, reader.email);
    expect(report).toMatchObject({ sent: 3, failed: 0, ambiguous: 0, inFlight: 0 });
    expect(sends.find((s) => s.email === reader.email)).toMatchObject({ status: 'sent', attempts: 1, retriedAfterAmbiguous: true });
    expect(sends.filter((s) => s.retriedAfterAmbiguous)).toHaveLength(1);
    expect(toReader).toHaveLength(2);
    for (const other of demoReaders(tag).slice(1)) expect(await sesMessages(emulators.endpoints.ses, other.email)).toHaveLength(1);
  });

  it('SES: when every attempt loses its acknowledgement, the send is recorded ambiguous and the next run sends it again', async () => {
    // Prepare
    demo.publish(2);
    await pollSource(pipeline.deps, demoSourceConfig(demo.url));
    const [release] = (await pipeline.deps.releases.listReleases('demo')).filter((r) => r.status === 'archived');
    const { change } = await ingestRelease(pipeline.deps, release.archiveKey);
    const reader = demoReaders(tag)[0];
    ses.clearRules();
    ses.addRule({ name: 'every attempt lost', match: (r) => r.operation === 'SendRawEmail' && r.recipients.includes(reader.email), action: 'lost-ack' });
    const before = (await sesMessages(emulators.endpoints.ses, reader.email)).length;

    // Act
    const first = await notifyChange(pipeline.deps, change!.id);
    const recorded = (await pipeline.deps.sendLog.listSends(change!.id)).find((s) => s.email === reader.email);
    ses.clearRules();
    const second = await notifyChange(pipeline.deps, change!.id);

    // Assess
    const lost = ses.decisions.filter((d) => d.rule === 'every attempt lost').length;
    const after = (await sesMessages(emulators.endpoints.ses, reader.email)).length;
    expect(first).toMatchObject({ ambiguous: 1 });
    expect(recorded).toMatchObject({ status: 'ambiguous', attempts: 1 });
    expect(second).toMatchObject({ sent: 1, alreadySent: first.sent, ambiguous: 0 });
    expect((await pipeline.deps.sendLog.listSends(change!.id)).find((s) => s.email === reader.email)).toMatchObject({ status: 'sent', attempts: 2 });
    // Every lost acknowledgement left one copy at SES, and the retry the one the reader was promised.
    expect(after - before).toBe(lost + 1);
  });
});

import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ATTEMPTS } from '../../functions/commons/clients';
import type { BatchReport } from '../../functions/deliver/deliver-batch';
import { type IngestReport, ingestRelease } from '../../functions/ingest/ingest';
import { pollSource } from '../../functions/poll/poll';
import { type DemoSource, demoSourceConfig, startDemoSource } from '../../local/demo/demo-source';
import { localContext } from '../../local/lambda-context';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy';
import { demoReaders, openPipeline, type Pipeline } from './pipeline';

const emulators = useEmulators();

/** Two runs of the same step at once, each with its own clients (two Lambda containers). */
describe('concurrent runs of one step', () => {
  let demo: DemoSource;
  const pipelines: Pipeline[] = [];
  const tag = uniqueName('twice');

  beforeAll(async () => {
    demo = await startDemoSource({ published: 1 });
    for (const name of ['a', 'b']) {
      pipelines.push(
        await openPipeline({
          endpoints: emulators.endpoints,
          tableName: emulators.tableName,
          bucket: emulators.bucket,
          workDir: emulators.workDir,
          tag: `${tag}-${name}`,
        }),
      );
    }
    for (const reader of demoReaders(tag)) await pipelines[0].deps.subscribers.putSubscriber(reader);
  });

  afterAll(async () => {
    for (const pipeline of pipelines) pipeline.destroy();
    await demo?.stop();
  });

  it('two polls archive and record a new release once', async () => {
    // Act
    const reports = await Promise.all(pipelines.map((p) => pollSource(p.deps, demoSourceConfig(demo.url))));

    // Assess
    expect(reports.reduce((n, r) => n + r.archived.length, 0)).toBe(1);
    expect(await pipelines[0].deps.releases.listReleases('demo')).toHaveLength(1);
  });

  it('two ingests of one release write its quarters and change once', async () => {
    // Prepare
    const [release] = await pipelines[0].deps.releases.listReleases('demo');

    // Act: a run refused by the other's commit is redelivered, as the event source would.
    const settled = await Promise.allSettled(pipelines.map((p) => ingestRelease(p.deps, release.archiveKey)));
    const outcomes: IngestReport['outcome'][] = [];
    for (const [i, result] of settled.entries()) {
      outcomes.push(
        result.status === 'fulfilled' ? result.value.outcome : (await ingestRelease(pipelines[i].deps, release.archiveKey)).outcome,
      );
    }

    // Assess
    const quarters = await pipelines[0].deps.rankings.listQuarters('demo');
    expect(outcomes.sort()).toEqual(['already-ingested', 'ingested']);
    for (const failed of settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected'))
      expect((failed.reason as Error).name).toBe('ConflictError');
    expect(quarters.length).toBeGreaterThan(0);
    for (const quarter of quarters) expect(await pipelines[0].deps.rankings.quarterHistory('demo', quarter.quarter)).toHaveLength(1);
    expect(await pipelines[0].deps.rankings.listPendingChanges()).toHaveLength(1);
  });

  it('one delivery message handled twice at once (SQS delivers at least once): each subscriber gets one message', async () => {
    // Prepare
    const [change] = await pipelines[0].deps.rankings.listPendingChanges();
    const body = JSON.stringify({ changeId: change.id, emails: demoReaders(tag).map((r) => r.email) });
    const event = (id: string): SQSEvent => ({
      Records: [
        {
          messageId: id,
          receiptHandle: id,
          body,
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'notify', ApproximateFirstReceiveTimestamp: '0' },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:0:deliveries',
          awsRegion: 'us-east-1',
        },
      ],
    });
    const reportsOf = (p: Pipeline) =>
      p.composition
        .takeEvents()
        .filter((e) => e.step === 'deliver')
        .map((e) => e.report as BatchReport);

    // Act
    const responses = await Promise.all(pipelines.map((p, i) => p.composition.handlers.deliver(event(`m${i}`), localContext('deliver'))));
    const reports = pipelines.flatMap(reportsOf);
    const rerun = await pipelines[1].composition.handlers.deliver(event('m9'), localContext('deliver'));

    // Assess
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(3);
    // A copy that met the other's claims in flight goes back to the queue instead of being acknowledged.
    for (const [i, report] of reports.entries()) expect(responses[i].batchItemFailures).toHaveLength(report.inFlight > 0 ? 1 : 0);
    expect(rerun).toEqual({ batchItemFailures: [] });
    expect(reportsOf(pipelines[1])).toMatchObject([{ sent: 0, alreadySent: 3, inFlight: 0 }]);
    for (const reader of demoReaders(tag)) expect(await sesMessages(emulators.endpoints.ses, reader.email)).toHaveLength(1);
  });
});

/** A dependency that never recovers ends in a thrown error (the DLQ) and an operator report, not a loop. */
describe('bounded retries against a permanently failing dependency', () => {
  let demo: DemoSource;
  let source: FaultProxy;
  let ddb: FaultProxy;
  let pipeline: Pipeline;
  const tag = uniqueName('down');

  beforeAll(async () => {
    demo = await startDemoSource({ published: 1 });
    source = await startFaultProxy({ target: demo.url, service: 'http', rate: 1, kinds: ['http500'] });
    ddb = await startFaultProxy({ target: emulators.endpoints.dynamodb, service: 'dynamodb' });
    pipeline = await openPipeline({
      endpoints: { ...emulators.endpoints, dynamodb: ddb.url },
      tableName: emulators.tableName,
      bucket: emulators.bucket,
      workDir: emulators.workDir,
      tag,
    });
  });

  afterAll(async () => {
    pipeline?.destroy();
    await Promise.all([source?.stop(), ddb?.stop(), demo?.stop()]);
  });

  it('a source answering 500 forever fails each poll and, after three in a row, tells the operator once', async () => {
    // Prepare
    const config = demoSourceConfig(new URL(new URL(demo.url).pathname, source.url).href);
    const errors: unknown[] = [];

    // Act
    for (let poll = 0; poll < 5; poll++)
      errors.push(
        await pollSource(pipeline.deps, config).then(
          () => null,
          (e: unknown) => e,
        ),
      );

    // Assess
    const operator = await sesMessages(emulators.endpoints.ses, `operator+${tag}@`);
    const state = await pipeline.deps.releases.getSourceState('demo');
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    expect(state?.consecutiveFailures).toBe(5);
    expect(operator).toHaveLength(1);
    expect(operator[0].subject).toMatch(/failing/i);
    expect(operator[0].destination.to).toEqual([`operator+${tag}@detainer-watch.local`]);
    expect(source.decisions.length).toBeLessThanOrEqual(5 * DEFAULT_MAX_ATTEMPTS);
  });

  it('DynamoDB answering 500 forever makes the step throw after the configured attempts', async () => {
    // Prepare
    ddb.setRate(1, ['http500']);
    const before = ddb.decisions.length;

    // Act
    const error = await pollSource(pipeline.deps, demoSourceConfig(demo.url)).then(
      () => null,
      (e: unknown) => e,
    );

    // Assess: the first read fails after its attempts and the step stops (the failure count cannot be saved either).
    ddb.setRate(0);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 500 } });
    expect(ddb.decisions.length - before).toBeLessThanOrEqual(DEFAULT_MAX_ATTEMPTS);
  });
});

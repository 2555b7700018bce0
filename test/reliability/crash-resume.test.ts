import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSource, demoSourceConfig, startDemoSource } from '../../local/demo/demo-source';
import { type Emulators, startEmulators } from '../../local/emulators';
import { TABLE_NAME } from '../../local/home';
import { ensureBucket, ensureTable } from '../../local/provision';
import { BUCKET_NAME } from '../../local/runtime';
import { uniqueName } from '../support/emulators';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from '../support/fault-proxy';
import { demoReaders, type FinalState, finalState, openPipeline, type Pipeline, runRelease } from './pipeline';

const CHILD = fileURLToPath(new URL('./crash/pipeline-child.ts', import.meta.url));

interface ChildRun {
  /** 'done' with the child's report line, or the signal that stopped it. */
  ended: 'done' | NodeJS.Signals;
  report?: { archived: number; ingests: string[]; deliveries: { sent: number; alreadySent: number; inFlight: number }[] };
}

/**
 * The local chain in a child process (the CLI's own `openLocal`, one tick), killed with SIGKILL at
 * each step boundary by a proxy rule, then run again, later where a queue holds the dead run's
 * message back: the state converges to that of an uninterrupted run and every subscriber gets each
 * alert exactly once.
 */
const HOUR = 3_600_000;
describe('crash at each step boundary, then resume', () => {
  let home: string;
  let emulators: Emulators;
  let demo: DemoSource;
  let ddb: FaultProxy;
  let ses: FaultProxy;
  let observer: Pipeline;
  let reference: FinalState;
  const children = new Set<ChildProcess>();
  const tag = uniqueName('crash');
  const refTag = uniqueName('ref');

  /** `offsetMs`: how much later than now the child's clock runs (a visibility timeout or lease passed). */
  function runChild(offsetMs = 0): Promise<ChildRun> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        DETAINER_WATCH_HOME: join(home, 'local'),
        DW_DEMO_URL: demo.url,
        DW_CLOCK_OFFSET_MS: String(offsetMs),
        AWS_ENDPOINT_URL_DYNAMODB: ddb.url,
        AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
        AWS_ENDPOINT_URL_SES: ses.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.on('exit', (code, signal) => {
        children.delete(child);
        if (signal) return resolve({ ended: signal });
        if (code !== 0) return reject(new Error(`child exited ${code}: ${err.slice(-2000)}`));
        resolve({ ended: 'done', report: JSON.parse(out.trim().split('\n').at(-1) ?? '{}') });
      });
    });
  }

  /** SIGKILL the running child at the request the rule matches. */
  function killAt(
    proxy: FaultProxy,
    name: string,
    match: (r: ProxiedRequest) => boolean,
    action: 'hold' | 'lost-ack',
    nth = 1,
    beforeKill?: () => Promise<void>,
  ): void {
    proxy.addRule({
      name,
      match,
      nth,
      action,
      onFire: () => {
        void (async () => {
          await beforeKill?.();
          for (const child of children) child.kill('SIGKILL');
        })();
      },
    });
  }

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'dw-crash-'));
    emulators = await startEmulators({ home: join(home, 'emulators'), quiet: true });
    demo = await startDemoSource({ published: 0 });
    ddb = await startFaultProxy({ target: emulators.endpoints.dynamodb, service: 'dynamodb' });
    ses = await startFaultProxy({ target: emulators.endpoints.ses, service: 'ses' });
    await mkdir(join(home, 'local'), { recursive: true });
    await writeFile(join(home, 'local', 'config.json'), JSON.stringify({ operatorEmail: `operator+${tag}@detainer-watch.local` }));

    // The uninterrupted reference run, in this process, on its own table and bucket.
    const refTable = uniqueName('dw-ref');
    const refBucket = uniqueName('dw-ref');
    const direct = await openPipeline({
      endpoints: emulators.endpoints,
      tableName: refTable,
      bucket: refBucket,
      workDir: home,
      tag: refTag,
    });
    await ensureTable(direct.clients.dynamodb, refTable);
    await ensureBucket(direct.clients.s3, refBucket);
    for (const reader of demoReaders(refTag)) await direct.deps.subscribers.putSubscriber(reader);
    for (let n = 1; n <= demo.releases.length; n++) {
      demo.publish(n);
      await runRelease(direct, demoSourceConfig(demo.url), []);
    }
    reference = await finalState(direct.deps, 'demo', emulators.endpoints.ses, refTag);
    direct.destroy();

    // The table and bucket the child's openLocal uses, and the demo readers in it.
    observer = await openPipeline({ endpoints: emulators.endpoints, tableName: TABLE_NAME, bucket: BUCKET_NAME, workDir: home, tag });
    await ensureTable(observer.clients.dynamodb, TABLE_NAME);
    await ensureBucket(observer.clients.s3, BUCKET_NAME);
    for (const reader of demoReaders(tag)) await observer.deps.subscribers.putSubscriber(reader);
  }, 300_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    observer?.destroy();
    await Promise.all([ddb?.stop(), ses?.stop(), demo?.stop()]);
    await emulators?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('killed after archiving (before the release is recorded): the rerun records, ingests and mails it once', async () => {
    // Prepare
    demo.publish(1);
    killAt(ddb, 'after archive', (r) => r.operation === 'PutItem' && r.body.includes('RELEASE#'), 'hold');

    // Act
    const crashed = await runChild();
    const archivedOnly = await observer.deps.releases.listReleases('demo');
    ddb.clearRules();
    const rerun = await runChild();

    // Assess
    expect(crashed.ended).toBe('SIGKILL');
    expect(archivedOnly).toHaveLength(0);
    expect(rerun.report).toMatchObject({ archived: 1, ingests: ['ingested'], deliveries: [{ sent: 3, alreadySent: 0, inFlight: 0 }] });
  });

  it('killed mid-ingest, before the atomic write: nothing was written; the release message, back after its visibility timeout, ingests and mails once', async () => {
    // Prepare
    demo.publish(2);
    killAt(ddb, 'before commit', (r) => r.operation === 'TransactWriteItems', 'hold');

    // Act
    const crashed = await runChild();
    const pendingChanges = await observer.deps.rankings.listPendingChanges();
    const statuses = (await observer.deps.releases.listReleases('demo')).map((r) => r.status).sort();
    ddb.clearRules();
    const withinVisibility = await runChild();
    const rerun = await runChild(2 * HOUR);

    // Assess
    expect(crashed.ended).toBe('SIGKILL');
    expect(pendingChanges).toHaveLength(0);
    expect(statuses).toEqual(['archived', 'ingested']);
    expect(withinVisibility.report).toMatchObject({ ingests: [], deliveries: [] });
    expect(rerun.report).toMatchObject({ ingests: ['ingested'], deliveries: [{ sent: 3, alreadySent: 0, inFlight: 0 }] });
  });

  it('killed after the write before notify, then between claim and send: the message comes back after its visibility timeout, the claims have expired, each sent once', async () => {
    // Prepare
    demo.publish(3);
    killAt(ddb, 'after commit', (r) => r.operation === 'TransactWriteItems', 'lost-ack');

    // Act 1: the write took effect, the process died before any mail.
    const afterWrite = await runChild(2 * HOUR);
    const [pending] = await observer.deps.rankings.listPendingChanges();
    ddb.clearRules();

    // Act 2: the resumed run sends to the first reader, then dies before the second send reaches SES.
    const firstSent = async () => {
      for (let i = 0; i < 100; i++) {
        if ((await observer.deps.sendLog.listSends(pending.id)).some((s) => s.status === 'sent')) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    killAt(ses, 'between sends', (r) => r.operation === 'SendRawEmail', 'hold', 2, firstSent);
    const betweenSends = await runChild(2 * HOUR);
    ses.clearRules();
    const sendsAfterCrash = await observer.deps.sendLog.listSends(pending.id);

    // Act 3: within the visibility timeout the delivery message stays hidden; after it, it comes
    // back, finds the dead run's claims past their lease and sends what is missing.
    const withinVisibility = await runChild(2 * HOUR);
    const afterVisibility = await runChild(4 * HOUR);

    // Assess
    expect(afterWrite.ended).toBe('SIGKILL');
    expect(pending).toBeDefined();
    expect(betweenSends.ended).toBe('SIGKILL');
    const statuses = sendsAfterCrash.map((s) => s.status);
    expect(statuses.filter((s) => s === 'sent')).toHaveLength(1);
    expect(statuses.filter((s) => s !== 'sent').every((s) => s === 'in-flight')).toBe(true);
    expect(withinVisibility.report?.deliveries).toEqual([]);
    // Denver's reader is not concerned by this revision: two claims, one sent before the crash.
    expect(statuses).toHaveLength(2);
    expect(afterVisibility.report?.deliveries).toEqual([{ sent: 1, alreadySent: 1, inFlight: 0, ambiguous: 0, failed: 0 }]);
    expect(await observer.deps.rankings.listPendingChanges()).toHaveLength(0);
  });

  it('converges to the uninterrupted run: same rankings, changes and one message per subscriber and alert', async () => {
    // Act
    const resumed = await finalState(observer.deps, 'demo', emulators.endpoints.ses, tag);

    // Assess
    const readers = (state: FinalState) => state.messages.filter((m) => !m.startsWith('operator@'));
    expect(resumed.rankings).toEqual(reference.rankings);
    expect(resumed.changes).toEqual(reference.changes);
    expect(readers(reference)).toHaveLength(8);
    expect(readers(resumed)).toEqual(readers(reference));
  });
});

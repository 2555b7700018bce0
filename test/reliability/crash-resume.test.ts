import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyChange } from '../../functions/notify/notify';
import { demoSourceConfig, startDemoSource, type DemoSource } from '../../local/demo/demo-source';
import { ensureBucket, ensureTable, startEmulators, type Emulators } from '../../local/emulators';
import { BUCKET_NAME, TABLE_NAME } from '../../local/runtime';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/fault-proxy';
import { uniqueName } from '../support/emulators';
import { demoReaders, finalState, movableClock, openPipeline, runRelease, type FinalState, type Pipeline } from './pipeline';

const CHILD = fileURLToPath(new URL('./crash/pipeline-child.ts', import.meta.url));

interface ChildRun {
  /** 'done' with the child's report line, or the signal that stopped it. */
  ended: 'done' | NodeJS.Signals;
  report?: { archived: number; ingests: string[]; notifies: { sent: number; alreadySent: number; inFlight: number }[] };
}

/**
 * The local pipeline in a child process (the CLI's own `openLocal` + `runCycle`), killed with
 * SIGKILL at each step boundary by a proxy rule, then run again: the state converges to that of an
 * uninterrupted run and every subscriber gets each alert exactly once.
 */
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

  function runChild(): Promise<ChildRun> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        DETAINER_WATCH_HOME: join(home, 'local'),
        DW_DEMO_URL: demo.url,
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
  function killAt(proxy: FaultProxy, name: string, match: (r: ProxiedRequest) => boolean, action: 'hold' | 'lost-ack', nth = 1, beforeKill?: () => Promise<void>): void {
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
    const direct = await openPipeline({ endpoints: emulators.endpoints, tableName: refTable, bucket: refBucket, workDir: home, tag: refTag });
    await ensureTable(direct.clients.dynamodb, refTable);
    await ensureBucket(direct.clients.s3, refBucket);
    for (const reader of demoReaders(refTag)) await direct.deps.subscribers.putSubscriber(reader);
    for (let n = 1; n <= demo.releases.length; n++) {
      demo.publish(n);
      await runRelease(direct.deps, demoSourceConfig(demo.url), []);
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
    expect(rerun.report).toMatchObject({ archived: 1, ingests: ['ingested'], notifies: [{ sent: 3, alreadySent: 0, inFlight: 0 }] });
  });

  it('killed mid-ingest, before the atomic write: nothing was written, and the rerun ingests and mails once', async () => {
    // Prepare
    demo.publish(2);
    killAt(ddb, 'before commit', (r) => r.operation === 'TransactWriteItems', 'hold');

    // Act
    const crashed = await runChild();
    const pendingChanges = await observer.deps.rankings.listPendingChanges();
    const statuses = (await observer.deps.releases.listReleases('demo')).map((r) => r.status).sort();
    ddb.clearRules();
    const rerun = await runChild();

    // Assess
    expect(crashed.ended).toBe('SIGKILL');
    expect(pendingChanges).toHaveLength(0);
    expect(statuses).toEqual(['archived', 'ingested']);
    expect(rerun.report).toMatchObject({ ingests: ['ingested'], notifies: [{ sent: 3, alreadySent: 0, inFlight: 0 }] });
  });

  it('killed after the write before notify, then between two subscribers\' sends: the lease hands the unsent one to a later run, each sent once', async () => {
    // Prepare
    demo.publish(3);
    killAt(ddb, 'after commit', (r) => r.operation === 'TransactWriteItems', 'lost-ack');

    // Act 1: the write took effect, the process died before any mail.
    const afterWrite = await runChild();
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
    const betweenSends = await runChild();
    ses.clearRules();
    const sendsAfterCrash = await observer.deps.sendLog.listSends(pending.id);

    // Act 3: a run inside the lease leaves the dead run's claim alone; one after it sends.
    const withinLease = await notifyChange(observer.deps, pending.id);
    const clock = movableClock();
    clock.advance(17 * 60_000);
    const later = await openPipeline({ endpoints: emulators.endpoints, tableName: TABLE_NAME, bucket: BUCKET_NAME, workDir: home, tag, clock: clock.now });
    const afterLease = await notifyChange(later.deps, pending.id);
    later.destroy();

    // Assess
    expect(afterWrite.ended).toBe('SIGKILL');
    expect(pending).toBeDefined();
    expect(betweenSends.ended).toBe('SIGKILL');
    expect(sendsAfterCrash.map((s) => s.status).sort()).toEqual(['in-flight', 'sent']);
    expect(withinLease).toMatchObject({ sent: 0, alreadySent: 1, inFlight: 1 });
    expect(afterLease).toMatchObject({ sent: 1, alreadySent: 1, inFlight: 0 });
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

/**
 * `npm run bench`: generates (and caches) its inputs, runs each measurement several times, prints
 * medians and ratios to the floor measured in the same run, and writes bench/out/summary.json.
 *
 *   npm run bench -- [--runs 3] [--rows 316000] [--subscribers 10000] [--send-rate 1000]
 *                    [--only startup,ingest,formats,cli,poll,bundles,writes,fanout,cost] [--no-comparisons] [--out FILE]
 */
import { execSync } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { type BundleFigures, bundleRows, measureBundles } from './bundles';
import { ASSUMPTIONS, type CostInputs, formatCost, monthlyCost } from './cost';
import { type FanoutFigures, fanoutRows, measureFanout, rateBoundRows } from './fanout';
import { type FormatFigures, formatRows, type IngestFigures, ingestRows, measureFormats, measureIngest } from './ingest';
import { type CliIngestFigures, cliIngestRows, measureCliIngest } from './ingest-cli';
import { ddpCsv, ddpParquet, ddpRelease, reRelease } from './inputs';
import { measurePoll, type PollFigures, pollRows } from './poll';
import { type BenchServices, startBenchServices } from './services';
import { type StackResources, stackResources } from './stack-resources';
import { measureStartup, type StartupFigures, startupRows } from './startup';
import { formatTable, type Row } from './stats';
import { measureWrites, type WriteFigures, writeRows } from './writes';

const SECTIONS = ['startup', 'ingest', 'formats', 'cli', 'poll', 'bundles', 'writes', 'fanout', 'cost'] as const;
/** Section 5a: 400 subscribers at 20 messages/s take about 20 s. */
const RATE_BOUND = { subscribers: 400, rate: 20 };
type Section = (typeof SECTIONS)[number];

const cli = new Command()
  .option('--runs <n>', 'runs per measurement (medians)', '3')
  .option('--rows <n>', 'rows of the real-size release', '316000')
  .option('--write-rows <n>', 'rows of the release used for the write counts and the alert', '20000')
  .option('--subscribers <n>', 'confirmed subscribers for the fan-out', '10000')
  .option('--send-rate <n>', 'configured SES send rate per second for the fan-out', '1000')
  .option('--only <sections>', `comma-separated subset of ${SECTIONS.join(',')}`, SECTIONS.join(','))
  .option('--no-comparisons', 'skip the exceljs and SheetJS readers')
  .option('--out <file>', 'where the JSON summary goes', 'bench/out/summary.json')
  .parse()
  .opts<{
    runs: string;
    rows: string;
    writeRows: string;
    subscribers: string;
    sendRate: string;
    only: string;
    comparisons: boolean;
    out: string;
  }>();

const runs = Math.max(1, Number(cli.runs));
const only = new Set(cli.only.split(',').map((s) => s.trim()) as Section[]);
const log = (line: string) => process.stderr.write(`${line}\n`);

function machine() {
  const version = (command: string) => {
    try {
      return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: +(totalmem() / 1024 ** 3).toFixed(1),
    freeMemoryGb: +(freemem() / 1024 ** 3).toFixed(1),
    loadAverage: loadavg().map((n) => +n.toFixed(2)),
    node: process.version,
    java: version('java -version 2>&1 | head -1'),
    unzip: version('unzip -v | head -1'),
  };
}

const errorRow = (section: string, error: unknown): Row => ({
  section,
  measure: 'not measured',
  value: String(error instanceof Error ? error.message : error).slice(0, 200),
  pass: false,
});

const summary: {
  machine: ReturnType<typeof machine>;
  runs: number;
  startup?: StartupFigures;
  ingest?: IngestFigures;
  formats?: FormatFigures[];
  /** `detainer-watch ingest FILE` end to end, as a user runs it. */
  cliIngest?: CliIngestFigures;
  poll?: PollFigures;
  bundles?: BundleFigures[];
  writes?: WriteFigures;
  fanout?: FanoutFigures;
  /** A smaller fan-out at a rate this machine can keep, to show the configured rate is the bound. */
  fanoutRateBound?: FanoutFigures;
  stack?: StackResources;
  cost?: ReturnType<typeof monthlyCost> & { inputs: CostInputs };
  errors: Record<string, string>;
  rows: Row[];
  finishedAt?: string;
} = { machine: machine(), runs, errors: {}, rows: [] };

const rows: Row[] = [];
const started = performance.now();
let services: BenchServices | undefined;
const section = async <T>(name: Section | 'services', label: string, body: () => Promise<T>): Promise<T | undefined> => {
  log(`\n== ${label}`);
  const t = performance.now();
  try {
    const result = await body();
    log(`   (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    summary.errors[name] = String(error instanceof Error ? (error.stack ?? error.message) : error);
    log(`   FAILED: ${summary.errors[name]}`);
    rows.push(errorRow(name, error));
    return undefined;
  }
};

log(
  `detainer-watch bench: ${summary.machine.cpus} CPUs, ${summary.machine.memoryGb} GB, Node ${summary.machine.node}, load ${summary.machine.loadAverage.join(' ')}`,
);

try {
  const needsServices = ['startup', 'ingest', 'cli', 'poll', 'writes', 'fanout'].some((s) => only.has(s as Section));
  if (needsServices) services = await section('services', 'starting DynamoDB Local, s3rver, aws-ses-v2-local', () => startBenchServices());

  if (only.has('startup')) {
    summary.startup = await section('startup', '0. command-line start-up, measured from outside', () =>
      measureStartup(Math.max(5, runs), services, log),
    );
    if (summary.startup) rows.push(...startupRows(summary.startup));
  }

  if (only.has('bundles')) {
    summary.bundles = await section('bundles', '3. Lambda bundles and module initialisation', () => measureBundles(Math.max(5, runs), log));
    if (summary.bundles) rows.push(...bundleRows(summary.bundles));
  }

  if (only.has('ingest')) {
    summary.ingest = await section('ingest', `1. ingest of a ${Number(cli.rows).toLocaleString('en-US')}-row DDP release`, async () => {
      const file = await ddpRelease(Number(cli.rows), log);
      return measureIngest({
        file,
        fileBytes: (await stat(file)).size,
        rows: Number(cli.rows),
        runs,
        services,
        comparisons: cli.comparisons,
        log,
        narrowFile: () => ddpRelease(Number(cli.rows), log, 1, 'read'),
      });
    });
    if (summary.ingest) rows.push(...ingestRows(summary.ingest));
  }

  if (only.has('formats')) {
    summary.formats = await section(
      'formats',
      `1. the same ${Number(cli.rows).toLocaleString('en-US')}-row release as Parquet and as CSV`,
      async () =>
        measureFormats(
          [
            { format: 'parquet', file: await ddpParquet(Number(cli.rows), log) },
            { format: 'csv', file: await ddpCsv(Number(cli.rows), log) },
          ],
          runs,
          log,
        ),
    );
    if (summary.formats) rows.push(...formatRows(summary.formats));
  }

  if (only.has('cli') && services) {
    const s = services;
    summary.cliIngest = await section(
      'cli',
      `1b. detainer-watch ingest FILE end to end, ${Number(cli.rows).toLocaleString('en-US')} rows`,
      async () => measureCliIngest(await ddpRelease(Number(cli.rows), log), runs, s, log),
    );
    if (summary.cliIngest) rows.push(...cliIngestRows(summary.cliIngest, summary.ingest, summary.startup));
  }

  if (only.has('poll') && services) {
    const s = services;
    summary.poll = await section('poll', '2. no-change poll against the demo source', () => measurePoll(s, Math.max(5, runs)));
    if (summary.poll) rows.push(...pollRows(summary.poll));
  }

  if ((only.has('writes') || only.has('fanout')) && services) {
    const s = services;
    summary.writes = await section('writes', '4. DynamoDB writes per release', async () => {
      const baseline = await ddpRelease(Number(cli.writeRows), log, 7);
      const unchanged = await reRelease(baseline, 'unchanged', log);
      const oneRow = await reRelease(baseline, 'one-row', log);
      return measureWrites(s, { baseline, unchanged, oneRow }, Number(cli.writeRows));
    });
    if (summary.writes) rows.push(...writeRows(summary.writes));
  }

  if (only.has('fanout') && services) {
    const s = services;
    // The alert of a typical re-release (one quarter changed); the first ingest's alert covers every quarter at once.
    const changeId = (
      summary.writes?.releases.find((r) => r.kind === 'one-row revision' && r.changeId) ?? summary.writes?.releases.find((r) => r.changeId)
    )?.changeId;
    // First at a rate low enough for this machine to keep: the sender's pace is the configured one.
    summary.fanoutRateBound = await section('fanout', `5a. notify fan-out at a configured rate of ${RATE_BOUND.rate}/s`, async () => {
      if (!changeId) throw new Error('no change record to notify (section 4 produced none)');
      return measureFanout(s, changeId, RATE_BOUND.subscribers, RATE_BOUND.rate, log, `paced${process.pid}`);
    });
    if (summary.fanoutRateBound) rows.push(...rateBoundRows(summary.fanoutRateBound));
    summary.fanout = await section(
      'fanout',
      `5. notify fan-out to ${Number(cli.subscribers).toLocaleString('en-US')} subscribers`,
      async () => {
        if (!changeId) throw new Error('no change record to notify (section 4 produced none)');
        return measureFanout(s, changeId, Number(cli.subscribers), Number(cli.sendRate), log);
      },
    );
    if (summary.fanout) rows.push(...fanoutRows(summary.fanout));
  }

  if (only.has('cost')) {
    summary.stack = await section('cost', '6. cost model (stack synthesized without bundling)', () => stackResources());
    const provenance: CostInputs['provenance'] = {};
    const pick = <T>(name: string, measured: T | undefined, assumed: T): T => {
      provenance[name] = measured === undefined ? 'assumed' : 'measured';
      return measured ?? assumed;
    };
    const initOf = (step: string) => summary.bundles?.find((b) => b.step === step)?.initMsWithSourceMaps;
    const ingestReader = summary.ingest ? summary.ingest.readers[summary.ingest.handler] : undefined;
    const ingestOwn = ingestReader && !('error' in ingestReader) ? ingestReader : undefined;
    const baseline = summary.writes?.releases[0];
    const fan = summary.fanout;
    const inputs: CostInputs = {
      noChangePoll: pick(
        'no-change poll',
        summary.poll && {
          ms: summary.poll.noChange.ms,
          readUnits: summary.poll.noChange.aws.readUnits,
          writeUnits: summary.poll.noChange.aws.writeUnits,
        },
        { ms: 300, readUnits: 1, writeUnits: 1 },
      ),
      pollInitMs: pick('poll init', initOf('poll'), 300),
      ingest: {
        ...pick('ingest time', ingestOwn && { ms: ingestOwn.workMs }, { ms: 10_000 }),
        initMs: pick('ingest init', initOf('ingest'), 300),
        ...pick('ingest units', baseline && { readUnits: baseline.aws.readUnits, writeUnits: baseline.aws.writeUnits }, {
          readUnits: 50,
          writeUnits: 100,
        }),
      },
      planner: {
        ...pick(
          'planner',
          fan && {
            ms: fan.planner.ms / (fan.subscribers / ASSUMPTIONS.subscribers),
            readUnits: fan.planner.readUnits / (fan.subscribers / ASSUMPTIONS.subscribers),
          },
          { ms: 1000, readUnits: 100 },
        ),
        initMs: pick('notify init', initOf('notify'), 300),
      },
      delivery: {
        ...pick(
          'delivery per message',
          (fan &&
            fan.sent > 0 && {
              // One of the 8 concurrent senders spends this long per message.
              msPerMessage: (fan.ms * 8) / fan.sent,
              readUnitsPerMessage: fan.aws.readUnits / fan.sent,
              writeUnitsPerMessage: fan.aws.writeUnits / fan.sent,
            }) ||
            undefined,
          { msPerMessage: 100, readUnitsPerMessage: 1, writeUnitsPerMessage: 2 },
        ),
        initMs: pick('deliver init', initOf('deliver'), 300),
        batchSize: 50,
        sendRatePerSecond: 14,
        concurrency: 2,
      },
      stack: pick(
        'stack resources',
        summary.stack && {
          alarms: summary.stack.alarms,
          secrets: summary.stack.secrets,
          functions: summary.stack.functions,
          kmsKeys: summary.stack.kmsKeys,
          sqsEventSources: summary.stack.sqsEventSources,
        },
        { alarms: 13, secrets: 1, functions: [], kmsKeys: 1, sqsEventSources: 2 },
      ),
      provenance,
    };
    const cost = monthlyCost(inputs);
    summary.cost = { ...cost, inputs };
    rows.push({
      section: '6 cost',
      measure: `monthly AWS cost: hourly polls, ${ASSUMPTIONS.subscribers} subscribers, ${ASSUMPTIONS.releasesPerYear} releases a year`,
      value: `$${cost.totalUsd.toFixed(2)} (breakdown below)`,
    });
  }
} finally {
  if (services) await services.stop().catch((error: unknown) => log(`stopping the emulators: ${String(error)}`));
}

summary.rows = rows;
summary.finishedAt = new Date().toISOString();
await mkdir(dirname(resolve(cli.out)), { recursive: true });
await writeFile(resolve(cli.out), `${JSON.stringify(summary, null, 2)}\n`);

const m = summary.machine;
console.log(
  `\ndetainer-watch bench, ${m.date} — ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, load average at start ${m.loadAverage.join(' ')}; ${runs} runs, medians\n`,
);
console.log(formatTable(rows));
if (summary.cost) console.log(`\nMonthly cost model:\n${formatCost(summary.cost, summary.cost.inputs)}`);
const missed = rows.filter((r) => r.pass === false);
console.log(
  `\n${missed.length ? `${missed.length} target(s) missed` : 'every target held'}; bench took ${((performance.now() - started) / 1000).toFixed(0)} s; summary in ${cli.out}`,
);
process.exit(0);

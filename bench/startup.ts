/**
 * Section 0: how fast the command line answers, measured from outside as a user runs it
 * (`node bin/detainer-watch.mjs …` under /usr/bin/time), each round beside `node -e 0` in the same
 * round: `--help`, `outbox`, `rankings` cold (DynamoDB Local started for the command) and
 * `rankings` while a `serve` runs (its emulators reused through `<home>/serve.json`).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// @ts-expect-error plain ES module shared with the bin
import { buildState } from '../bin/build-stamp.mjs';
import { type ChildRun, PROJECT_ROOT, runMeasured } from './child-run';
import { BENCH_DIR } from './inputs';
import type { BenchServices } from './services';
import { mb, median, ms, type Row, ratio } from './stats';

const BIN = join(PROJECT_ROOT, 'bin', 'detainer-watch.mjs');

interface StartupCase {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  /** Median over rounds of this command's wall time over `node -e 0`'s in the same round. */
  ratio: number;
  /** The same with CPU time (user + system): steadier than wall time on a loaded machine. */
  cpuRatio: number;
}

export interface StartupFigures {
  baseline: { wallMs: number; cpuMs: number; maxRssKb: number };
  cases: Record<string, StartupCase | { error: string }>;
}

const LOCAL_ENV = { AWS_ENDPOINT_URL_DYNAMODB: '', AWS_ENDPOINT_URL_S3: '', AWS_ENDPOINT_URL_SES: '' };

const cli =
  (home: string, ...args: string[]) =>
  () =>
    runMeasured([BIN, '--home', home, ...args], LOCAL_ENV, process.execPath, { discardStdout: true });

/**
 * The commands to time, on homes with data as a user reads them: the demo's three releases run
 * through the chain once, on the cold home's own emulators and on the bench's (which the serve
 * home reuses through the serve.json a running `serve` would write).
 */
async function startupCases(services: BenchServices | undefined) {
  if (buildState(PROJECT_ROOT) !== 'fresh') {
    // @ts-expect-error plain ES module
    const { buildCli } = await import('../scripts/build-cli.mjs');
    await buildCli();
  }
  const coldHome = join(BENCH_DIR, `startup-cold-${process.pid}`);
  const serveHome = join(BENCH_DIR, `startup-serve-${process.pid}`);
  await rm(coldHome, { recursive: true, force: true });
  await mkdir(serveHome, { recursive: true });
  const demo = (home: string, env: Record<string, string>) =>
    runMeasured([BIN, '--home', home, 'run', '--source', 'demo'], env, process.execPath, { discardStdout: true });
  await demo(coldHome, LOCAL_ENV);
  const cases: Record<string, () => Promise<ChildRun>> = {
    '--help': () => runMeasured([BIN, '--help'], LOCAL_ENV, process.execPath, { discardStdout: true }),
    outbox: cli(coldHome, 'outbox'),
    'rankings, cold (starts DynamoDB Local)': cli(coldHome, 'rankings'),
  };
  if (services) {
    await demo(serveHome, {
      AWS_ENDPOINT_URL_DYNAMODB: services.endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: services.endpoints.s3,
      AWS_ENDPOINT_URL_SES: services.endpoints.ses,
    });
    // What a running `serve` publishes: its pid (here the bench's own, alive) and its emulators.
    await writeFile(
      join(serveHome, 'serve.json'),
      JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:8787', endpoints: services.endpoints }),
    );
    cases['rankings, serve running (its emulators reused)'] = cli(serveHome, 'rankings');
  }
  return { cases, coldHome, serveHome };
}

export async function measureStartup(
  runs: number,
  services: BenchServices | undefined,
  log: (line: string) => void,
): Promise<StartupFigures> {
  const { cases, coldHome, serveHome } = await startupCases(services);
  const baselines: ChildRun[] = [];
  const results = new Map<string, ChildRun[]>();
  const errors: Record<string, string> = {};
  for (let round = 0; round < runs; round++) {
    baselines.push(await runMeasured(['-e', '0']));
    for (const [name, run] of Object.entries(cases)) {
      if (errors[name]) continue;
      try {
        const result = await run();
        results.set(name, [...(results.get(name) ?? []), result]);
      } catch (error) {
        errors[name] = String(error instanceof Error ? error.message : error).slice(0, 300);
      }
    }
    log(
      `  round ${round + 1}/${runs}: node -e 0 ${ms(baselines[round].wallMs)}, ${[...results].map(([name, list]) => `${name} ${ms(list.at(-1)!.wallMs)}`).join(', ')}`,
    );
  }
  await rm(coldHome, { recursive: true, force: true });
  await rm(serveHome, { recursive: true, force: true });
  const figures: StartupFigures = {
    baseline: {
      wallMs: median(baselines.map((b) => b.wallMs)),
      cpuMs: median(baselines.map((b) => b.cpuMs)),
      maxRssKb: Math.max(...baselines.map((b) => b.maxRssKb)),
    },
    cases: {},
  };
  for (const name of Object.keys(cases)) {
    const list = results.get(name);
    if (errors[name] || !list) {
      figures.cases[name] = { error: errors[name] ?? 'not run' };
      continue;
    }
    figures.cases[name] = {
      wallMs: median(list.map((r) => r.wallMs)),
      cpuMs: median(list.map((r) => r.cpuMs)),
      maxRssKb: Math.max(...list.map((r) => r.maxRssKb)),
      // Rounds where a command failed have no pair; the others pair by order.
      ratio: median(list.map((r, i) => r.wallMs / baselines[i].wallMs)),
      cpuRatio: median(list.map((r, i) => r.cpuMs / Math.max(1, baselines[i].cpuMs))),
    };
  }
  return figures;
}

const TARGETS: Record<string, { label: string; pass: (c: StartupCase) => boolean }> = {
  '--help': { label: '≤ 2.5× node -e 0', pass: (c) => c.ratio <= 2.5 },
  'rankings, cold (starts DynamoDB Local)': { label: '≤ 1 s', pass: (c) => c.wallMs <= 1000 },
  'rankings, serve running (its emulators reused)': { label: '≤ 0.3 s', pass: (c) => c.wallMs <= 300 },
};

export function startupRows(f: StartupFigures): Row[] {
  const section = '0 start-up';
  const rows: Row[] = [
    {
      section,
      measure: 'baseline: node -e 0',
      value: `${ms(f.baseline.wallMs)} (CPU ${ms(f.baseline.cpuMs)}), ${mb(f.baseline.maxRssKb)} peak RSS`,
    },
  ];
  for (const [name, c] of Object.entries(f.cases)) {
    const target = TARGETS[name];
    if ('error' in c) {
      rows.push({
        section,
        measure: `detainer-watch ${name}`,
        value: `not measured: ${c.error}`,
        ...(target ? { target: target.label, pass: false } : {}),
      });
      continue;
    }
    rows.push({
      section,
      measure: `detainer-watch ${name}`,
      value: `${ms(c.wallMs)}, ${ratio(c.ratio)} node -e 0 (CPU ${ms(c.cpuMs)}, ${ratio(c.cpuRatio)} its CPU; ${mb(c.maxRssKb)} peak RSS)`,
      ...(target ? { target: target.label, pass: target.pass(c) } : {}),
    });
  }
  return rows;
}

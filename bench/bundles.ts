/**
 * Section 3: each Lambda's bundle, built by the stack's own build (`lib/lambda-bundle.ts`: ESM,
 * minified, node24, AWS SDK bundled, source maps, code-split), its size (all code files, and the
 * part that loads with the handler), and its module initialisation: `import()` of the bundle's
 * `index.mjs` in a fresh `node`, median of runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENVIRONMENT } from '../functions/commons/environment';
import { bundleStep, STEPS, staticallyLoaded } from '../lib/lambda-bundle';
import { OUT_DIR, PROJECT_ROOT } from './child-run';
import { median, ms, type Row } from './stats';

export interface BundleFigures {
  step: string;
  /** All code files of the function (index.mjs and every chunk), without source maps. */
  bytes?: number;
  /** The code that loads with index.mjs (its static imports), what module init parses. */
  startupBytes?: number;
  /** Code files in all; the others load on first use. */
  files?: number;
  sourceMapBytes?: number;
  /** Largest inputs by bytes in the code that loads at start-up. */
  largest?: Array<{ input: string; bytes: number }>;
  initMs?: number;
  initMsWithSourceMaps?: number;
  /** CPU time (user + system) of the import with source maps: what the import costs when the machine is busy with other work. */
  initCpuMs?: number;
  runs?: number;
  error?: string;
}

/** Lambda-like environment: the variables the stack sets, with placeholder values. */
const LAMBDA_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  // Set in every Lambda: the handler module then composes its dependencies at init, as it does there.
  AWS_LAMBDA_FUNCTION_NAME: 'detainer-watch-bench',
  [ENVIRONMENT.tableName]: 'detainer-watch',
  [ENVIRONMENT.archiveBucket]: 'detainer-watch-raw',
  [ENVIRONMENT.sources]: '[]',
  [ENVIRONMENT.sender]: 'alerts@example.org',
  [ENVIRONMENT.operatorEmail]: 'operator@example.org',
  [ENVIRONMENT.subscriptionUrl]: 'https://example.org',
  [ENVIRONMENT.tokenSecretArn]: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench',
  [ENVIRONMENT.topN]: '10',
  [ENVIRONMENT.minResolutionRate]: '0.9',
  [ENVIRONMENT.maxTotalDrop]: '0.5',
  [ENVIRONMENT.sendRatePerSecond]: '14',
  [ENVIRONMENT.deliveryQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench',
  DELIVERY_BATCH_SIZE: '50',
  POWERTOOLS_SERVICE_NAME: 'detainer-watch',
  POWERTOOLS_METRICS_NAMESPACE: 'DetainerWatch',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

const IMPORT_SCRIPT = `const c = process.cpuUsage(); const t = performance.now(); await import(process.argv[1]); const used = process.cpuUsage(c); process.stdout.write(JSON.stringify({ initMs: performance.now() - t, cpuMs: (used.user + used.system) / 1000 }));`;

function importOnce(url: string, nodeOptions: string): Promise<{ initMs: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, url], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(stderr.trim().split('\n').slice(0, 4).join(' '));
        resolve(JSON.parse(stdout) as { initMs: number; cpuMs: number });
      } catch (error) {
        reject(new Error(`import failed (exit ${code}): ${(error as Error).message}`));
      }
    });
  });
}

/** The step name of the baseline figure: an empty ES module, imported the same way. */
const BASELINE = 'baseline';

/** Median init of `url` over `runs` fresh processes, with and without --enable-source-maps, interleaved. */
async function measureImport(
  url: string,
  runs: number,
): Promise<Pick<BundleFigures, 'initMs' | 'initMsWithSourceMaps' | 'initCpuMs' | 'runs'>> {
  const plain: number[] = [];
  const mapped: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push((await importOnce(url, '')).initMs);
    const withMaps = await importOnce(url, '--enable-source-maps');
    mapped.push(withMaps.initMs);
    cpu.push(withMaps.cpuMs);
  }
  return { initMs: median(plain), initMsWithSourceMaps: median(mapped), initCpuMs: median(cpu), runs };
}

export async function measureBundles(runs: number, log: (line: string) => void): Promise<BundleFigures[]> {
  // Baseline in the same run: what Node's ES module loader costs for a module with no code.
  const empty = join(OUT_DIR, 'lambda', BASELINE, 'index.mjs');
  await mkdir(dirname(empty), { recursive: true });
  await writeFile(empty, 'export {};\n');
  const baseline: BundleFigures = { step: BASELINE, ...(await measureImport(pathToFileURL(empty).href, runs)) };
  log(`  empty ES module (baseline): init ${ms(baseline.initMsWithSourceMaps!)} wall with --enable-source-maps`);
  const figures: BundleFigures[] = [baseline];
  for (const step of STEPS) {
    const entry = join(PROJECT_ROOT, 'functions', step, 'handler.ts');
    if (!existsSync(entry)) {
      figures.push({ step, error: `no functions/${step}/handler.ts` });
      continue;
    }
    const dir = join(OUT_DIR, 'lambda', step);
    const outfile = join(dir, 'index.mjs');
    try {
      const metafile = bundleStep(step, dir);
      const code = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
      const startup = staticallyLoaded(metafile);
      const startupInputs = new Map<string, number>();
      for (const file of startup)
        for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[file].inputs))
          startupInputs.set(input, (startupInputs.get(input) ?? 0) + bytesInOutput);
      const largest = [...startupInputs]
        .map(([input, bytes]) => ({ input: input.replace(/^node_modules\//, ''), bytes }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 5);
      const timing = await measureImport(pathToFileURL(outfile).href, runs);
      const f: BundleFigures = {
        step,
        bytes: code.reduce((sum, [, output]) => sum + output.bytes, 0),
        startupBytes: startup.reduce((sum, file) => sum + metafile.outputs[file].bytes, 0),
        files: code.length,
        sourceMapBytes: Object.entries(metafile.outputs)
          .filter(([file]) => file.endsWith('.map'))
          .reduce((sum, [, output]) => sum + output.bytes, 0),
        largest,
        ...timing,
      };
      log(
        `  ${step}: ${(f.bytes! / 1024).toFixed(0)} KiB in ${f.files} files, ${(f.startupBytes! / 1024).toFixed(0)} KiB at start-up, init ${ms(f.initMsWithSourceMaps!)} wall / ${ms(f.initCpuMs!)} CPU with --enable-source-maps, ${ms(f.initMs!)} wall without`,
      );
      figures.push(f);
    } catch (error) {
      const message = String(error instanceof Error ? error.message : error).slice(0, 400);
      log(`  ${step}: ${message}`);
      figures.push({ step, error: message });
    }
  }
  return figures;
}

export function bundleRows(figures: BundleFigures[]): Row[] {
  const section = '3 bundles';
  const baseline = figures.find((f) => f.step === BASELINE)?.initMsWithSourceMaps;
  const times = (value: number) => (baseline ? `, ${(value / baseline).toFixed(1)}× the empty module` : '');
  return figures.flatMap((f): Row[] => {
    if (f.step === BASELINE) {
      return [
        {
          section,
          measure: `baseline: empty ES module init (median of ${f.runs})`,
          value: `${ms(f.initMsWithSourceMaps!)} wall with --enable-source-maps (${ms(f.initMs!)} without)`,
          target: undefined,
          pass: undefined,
        },
      ];
    }
    if (f.error)
      return [{ section, measure: `${f.step}`, value: `not measured: ${f.error.slice(0, 120)}`, target: '≤ 1 MB, ≤ 150 ms', pass: false }];
    return [
      {
        section,
        measure: `${f.step}: minified bundle`,
        value: `${(f.bytes! / 1024).toFixed(0)} KiB in ${f.files} files, ${(f.startupBytes! / 1024).toFixed(0)} KiB loaded at start-up (+ ${(f.sourceMapBytes! / 1024).toFixed(0)} KiB maps)`,
        target: '≤ 1 MB',
        pass: f.bytes! <= 1024 * 1024,
      },
      {
        section,
        measure: `${f.step}: module init (median of ${f.runs})`,
        value: `${ms(f.initMsWithSourceMaps!)} wall${times(f.initMsWithSourceMaps!)}, ${ms(f.initCpuMs!)} CPU, with the stack's --enable-source-maps (${ms(f.initMs!)} wall without)`,
        target: '≤ 150 ms',
        pass: f.initMsWithSourceMaps! <= 150,
      },
    ];
  });
}

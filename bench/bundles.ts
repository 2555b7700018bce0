/**
 * Section 3: each Lambda's bundle, built with the stack's own esbuild options
 * (`lib/detainer-function.ts`: ESM, minified, node24, AWS SDK bundled, source map), its size,
 * and its module initialisation: `import()` of the bundle in a fresh `node`, median of runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENVIRONMENT } from '../functions/commons/environment';
import { bundle, OUT_DIR, PROJECT_ROOT, shipResolverData } from './child-run';
import { median, ms, type Row } from './stats';

export const STEPS = ['poll', 'ingest', 'notify', 'deliver', 'subscription', 'feedback'] as const;

/** What each function leaves out of its bundle (lib/ingest.ts ships pdf.js beside it). */
const EXTERNAL: Partial<Record<(typeof STEPS)[number], string[]>> = { ingest: ['pdfjs-dist'] };

export interface BundleFigures {
  step: string;
  bytes?: number;
  sourceMapBytes?: number;
  /** Largest inputs by bytes in the output. */
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

export async function measureBundles(runs: number, log: (line: string) => void): Promise<BundleFigures[]> {
  const figures: BundleFigures[] = [];
  for (const step of STEPS) {
    const entry = join(PROJECT_ROOT, 'functions', step, 'handler.ts');
    if (!existsSync(entry)) {
      figures.push({ step, error: 'no functions/' + step + '/handler.ts' });
      continue;
    }
    const dir = join(OUT_DIR, 'lambda', step);
    const outfile = join(dir, 'index.mjs');
    try {
      const { metafile } = await bundle({ entry, outfile, external: EXTERNAL[step] ?? [], sourcemap: true });
      if (step === 'ingest') await shipResolverData(dir);
      const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined)!;
      const largest = Object.entries(output.inputs)
        .map(([input, { bytesInOutput }]) => ({ input: input.replace(/^node_modules\//, ''), bytes: bytesInOutput }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 5);
      const url = pathToFileURL(outfile).href;
      const plain: number[] = [];
      const mapped: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < runs; i++) {
        plain.push((await importOnce(url, '')).initMs);
        const withMaps = await importOnce(url, '--enable-source-maps');
        mapped.push(withMaps.initMs);
        cpu.push(withMaps.cpuMs);
      }
      const f: BundleFigures = {
        step,
        bytes: (await stat(outfile)).size,
        sourceMapBytes: (await stat(`${outfile}.map`)).size,
        largest,
        initMs: median(plain),
        initMsWithSourceMaps: median(mapped),
        initCpuMs: median(cpu),
        runs,
      };
      log(`  ${step}: ${(f.bytes! / 1024).toFixed(0)} KiB, init ${ms(f.initMsWithSourceMaps!)} wall / ${ms(f.initCpuMs!)} CPU with --enable-source-maps, ${ms(f.initMs!)} wall without`);
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
  return figures.flatMap((f): Row[] => {
    if (f.error) return [{ section, measure: `${f.step}`, value: `not measured: ${f.error.slice(0, 120)}`, target: '≤ 1 MB, ≤ 150 ms', pass: false }];
    return [
      { section, measure: `${f.step}: minified bundle`, value: `${(f.bytes! / 1024).toFixed(0)} KiB (+ ${(f.sourceMapBytes! / 1024).toFixed(0)} KiB map)`, target: '≤ 1 MB', pass: f.bytes! <= 1024 * 1024 },
      {
        section,
        measure: `${f.step}: module init (median of ${f.runs})`,
        value: `${ms(f.initMsWithSourceMaps!)} wall, ${ms(f.initCpuMs!)} CPU, with the stack's --enable-source-maps (${ms(f.initMs!)} wall without)`,
        target: '≤ 150 ms',
        pass: f.initMsWithSourceMaps! <= 150,
      },
    ];
  });
}

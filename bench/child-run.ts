/**
 * Runs a measured step in a fresh child process: bundled with esbuild the way the stack bundles
 * a Lambda, started with plain `node` under `/usr/bin/time`, so wall time and peak RSS are the
 * process's own (no tsx, no bench in the same heap).
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaBuildOptions, PROJECT_ROOT } from '../lib/lambda-bundle';

export { PROJECT_ROOT, shipResolverData } from '../lib/lambda-bundle';
export const OUT_DIR = join(PROJECT_ROOT, 'bench', 'out');

export interface BundleOptions {
  entry: string;
  /** Folder that receives `index.mjs` and its chunks (emptied first). */
  outdir: string;
  external?: string[];
}

/** Builds a bench child with the Lambdas' own esbuild options (`lib/lambda-bundle.ts`). */
export async function bundle(options: BundleOptions): Promise<{ outfile: string; metafile: import('esbuild').Metafile }> {
  await mkdir(options.outdir, { recursive: true });
  for (const file of await readdir(options.outdir)) await rm(join(options.outdir, file), { recursive: true, force: true });
  const result = await build({
    ...lambdaBuildOptions({ entry: options.entry, outdir: options.outdir, external: options.external }),
    logLevel: 'silent',
  });
  return { outfile: join(options.outdir, 'index.mjs'), metafile: result.metafile! };
}

export interface ChildRun {
  /** Wall time of the whole process, start to exit, ms. */
  wallMs: number;
  /** Peak resident set, KiB (GNU time's %M). */
  maxRssKb: number;
  /** User + system CPU time of the process, ms: less sensitive than wall time to other load. */
  cpuMs: number;
  /** The JSON line the child printed last. */
  result: Record<string, unknown>;
}

/** `/usr/bin/time -f …  COMMAND ARGS` (node by default); rejects with the child's stderr when it fails. */
export function runMeasured(
  args: string[],
  env: Record<string, string> = {},
  command = process.execPath,
  options: { discardStdout?: boolean } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'BENCH_TIME %e %M %U %S', command, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const time = /BENCH_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !time) {
        reject(
          new Error(
            `${[command, ...args].join(' ')} exited with ${code}: ${stderr
              .replace(/BENCH_TIME.*$/m, '')
              .trim()
              .slice(-1500)}`,
          ),
        );
        return;
      }
      const lastLine = stdout.trim().split('\n').at(-1) ?? '';
      let result: Record<string, unknown> = {};
      try {
        result = lastLine ? (JSON.parse(lastLine) as Record<string, unknown>) : {};
      } catch {
        result = { output: lastLine };
      }
      resolve({ wallMs, maxRssKb: Number(time[2]), cpuMs: (Number(time[3]) + Number(time[4])) * 1000, result });
    });
  });
}

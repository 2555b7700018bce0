/**
 * Runs a measured step in a fresh child process: bundled with esbuild the way the stack bundles
 * a Lambda, started with plain `node` under `/usr/bin/time`, so wall time and peak RSS are the
 * process's own (no tsx, no bench in the same heap).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(PROJECT_ROOT, 'bench', 'out');

/** What NodejsFunction adds to an ESM bundle so CommonJS dependencies can require() built-ins. */
export const ESM_REQUIRE_BANNER = "import{createRequire as __detainerRequire}from'node:module';const require=__detainerRequire(import.meta.url);";

export interface BundleOptions {
  entry: string;
  outfile: string;
  external?: string[];
  sourcemap?: boolean;
  target?: string;
}

/** Same options as `lib/detainer-function.ts`: ESM, minified, platform node, AWS SDK bundled, module/main fields. */
export async function bundle(options: BundleOptions): Promise<{ outfile: string; metafile: import('esbuild').Metafile }> {
  await mkdir(dirname(options.outfile), { recursive: true });
  const result = await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target ?? 'node24',
    minify: true,
    sourcemap: options.sourcemap ?? false,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: options.external ?? [],
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: PROJECT_ROOT,
  });
  return { outfile: options.outfile, metafile: result.metafile };
}

/** Ship the resolver's data next to a bundle, as the ingest stack's afterBundling hook does. */
export async function shipResolverData(bundleDir: string): Promise<void> {
  const data = join(PROJECT_ROOT, 'functions', 'ingest', 'resolve', 'data');
  if (!existsSync(data)) return;
  await rm(join(bundleDir, 'data'), { recursive: true, force: true });
  await cp(data, join(bundleDir, 'data'), { recursive: true });
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
export function runMeasured(args: string[], env: Record<string, string> = {}, command = process.execPath, options: { discardStdout?: boolean } = {}): Promise<ChildRun> {
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
        reject(new Error(`${[command, ...args].join(' ')} exited with ${code}: ${stderr.replace(/BENCH_TIME.*$/m, '').trim().slice(-1500)}`));
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

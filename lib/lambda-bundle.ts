import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, buildSync, type Metafile } from 'esbuild';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The steps, each a folder `functions/<step>/` with a thin `handler.ts`. */
export type Step = 'poll' | 'ingest' | 'notify' | 'deliver' | 'subscription' | 'feedback' | 'site';

export const STEPS: readonly Step[] = ['poll', 'ingest', 'notify', 'deliver', 'subscription', 'feedback', 'site'];

/** CommonJS dependencies call require() for Node built-ins, which an ESM bundle lacks: every output file gets one. */
const ESM_REQUIRE_BANNER = "import{createRequire as __detainerRequire}from'node:module';const require=__detainerRequire(import.meta.url);";

/** What a step's bundle leaves out and ships beside it instead. */
interface StepExtras {
  external: string[];
  /** Copies files into the bundle folder after esbuild. */
  ship(outdir: string): void;
}

const STEP_EXTRAS: Partial<Record<Step, StepExtras>> = {
  ingest: {
    external: ['pdfjs-dist'],
    ship(outdir) {
      shipResolverData(outdir);
      // pdf.js (DDOR PDFs) is loaded from node_modules rather than bundled: its worker is imported
      // by relative path at run time, and together they weigh 1.8 MB minified.
      const pdfjs = join(PROJECT_ROOT, 'node_modules/pdfjs-dist');
      const target = join(outdir, 'node_modules/pdfjs-dist');
      mkdirSync(join(target, 'legacy/build'), { recursive: true });
      for (const file of ['package.json', 'LICENSE']) cpSync(join(pdfjs, file), join(target, file));
      cpSync(join(pdfjs, 'legacy/build/pdf.min.mjs'), join(target, 'legacy/build/pdf.mjs'));
      cpSync(join(pdfjs, 'legacy/build/pdf.worker.min.mjs'), join(target, 'legacy/build/pdf.worker.mjs'));
    },
  },
};

/**
 * The resolver reads `new URL('./data/<file>.json', import.meta.url)` from its chunk, which sits at
 * the top of the bundle folder: its data goes there.
 */
export function shipResolverData(outdir: string): void {
  const data = join(PROJECT_ROOT, 'functions/ingest/resolve/data');
  rmSync(join(outdir, 'data'), { recursive: true, force: true });
  if (existsSync(data)) cpSync(data, join(outdir, 'data'), { recursive: true });
}

export interface BuildInput {
  /** Entry file, relative to the project root or absolute. */
  entry: string;
  /** Folder that receives `index.mjs` and its chunks. */
  outdir: string;
  external?: string[];
  sourcemap?: boolean;
}

/**
 * The esbuild options of every Lambda (and of the bench's child processes, so they measure the same
 * code): ESM for Node 24, minified, AWS SDK bundled (the pinned, tested client versions, not the
 * runtime's), source maps without the sources (stack traces need file and line; Node parses the
 * whole map at load under --enable-source-maps).
 *
 * Code splitting: every `import()` in the code (the S3 and SES clients, nodemailer, the HTML
 * parser, the release parsers, the resolver, Secrets Manager, the SDK's own credential providers)
 * becomes a chunk file that Node reads and compiles only when that code first runs. A function's
 * cold start then parses what it uses at start-up, not everything it might use.
 */
export function lambdaBuildOptions(input: BuildInput): BuildOptions {
  return {
    entryPoints: { index: input.entry },
    outdir: input.outdir,
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: input.sourcemap ?? true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    // .mjs: Lambda's Node runtime loads these as ES modules without a package.json.
    outExtension: { '.js': '.mjs' },
    // Chunks beside index.mjs: code that reads files relative to import.meta.url finds them at the top.
    chunkNames: '[name]-[hash]',
    external: input.external ?? [],
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * Builds one step's Lambda code into `outdir` (emptied first): `index.mjs` with the handler, its
 * chunks and source maps, and what the step ships beside them. Synchronous, for CDK local bundling.
 */
export function bundleStep(step: Step, outdir: string): Metafile {
  const extras = STEP_EXTRAS[step];
  mkdirSync(outdir, { recursive: true });
  for (const file of readdirSync(outdir)) rmSync(join(outdir, file), { recursive: true, force: true });
  const result = buildSync(lambdaBuildOptions({ entry: join('functions', step, 'handler.ts'), outdir, external: extras?.external }));
  extras?.ship(outdir);
  return result.metafile!;
}

/** Output files (relative to the esbuild working directory) that load with `index.mjs`, following static imports only. */
export function staticallyLoaded(metafile: Metafile): string[] {
  // Every dynamically imported module is an entry point of a split build too: the handler's is index.mjs.
  const entry = Object.keys(metafile.outputs).find((file) => /(^|\/)index\.mjs$/.test(file));
  if (!entry) throw new Error('the build has no index.mjs');
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen];
}

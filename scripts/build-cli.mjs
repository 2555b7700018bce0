// Compiles the CLI once (esbuild: local/cli.ts and what it imports, npm packages included →
// dist/cli.mjs) and writes
// dist/build-stamp.json, which bin/detainer-watch.mjs compares with the sources to never run a
// stale build. Runs at `npm ci` (prepare) and whenever the bin finds a source newer than the stamp.
//   node scripts/build-cli.mjs
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newestSourceMtime, SOURCE_DIRS } from '../bin/build-stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist');

/**
 * Modules find their data next to themselves (`new URL('./data/', import.meta.url)`); in one
 * bundle every import.meta.url would be dist/cli.mjs, so each module keeps its own source URL.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs|js)$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const { readFile } = await import('node:fs/promises');
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const contents = source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

export async function buildCli() {
  const { build } = await import('esbuild');
  // The newest source time is taken before compiling: a file saved during the build makes the
  // stamp older than it, so the next start rebuilds rather than trusting a half-old bundle.
  const newest = newestSourceMtime(root);
  // Built aside, then moved in file by file with the entry and the stamp last: tests may start
  // several CLIs at once, and none of them may load a half-written bundle.
  const tmpDir = join(outDir, `.build-${process.pid}`);
  mkdirSync(tmpDir, { recursive: true });
  await build({
    entryPoints: { cli: join(root, 'local/cli.ts') },
    outdir: tmpDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages bundled and minified, as the Lambdas are: half the CPU of loading them from
    // node_modules file by file (measured on --help: 0.35 s against 0.8 s, 62 MB against 80 MB).
    // pdf.js stays a package (its worker is loaded by path); CommonJS packages get a require().
    external: ['pdfjs-dist', 'pdfjs-dist/*'],
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: "import{createRequire as __detainerRequire}from'node:module';const require=__detainerRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'error',
    plugins: [keepModuleUrls],
  });
  writeFileSync(join(tmpDir, 'build-stamp.json'), `${JSON.stringify({ newestSourceMtimeMs: newest, sourceDirs: SOURCE_DIRS })}\n`);
  const last = ['cli.mjs.map', 'cli.mjs', 'build-stamp.json'];
  const files = readdirSync(tmpDir).sort((a, b) => last.indexOf(a) - last.indexOf(b));
  for (const file of files) renameSync(join(tmpDir, file), join(outDir, file));
  rmSync(tmpDir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `npm run build`: from scratch, so chunks of earlier builds do not pile up.
  rmSync(outDir, { recursive: true, force: true });
  await buildCli();
}

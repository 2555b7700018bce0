#!/usr/bin/env node
// Runs the CLI compiled once into dist/ (scripts/build-cli.mjs, at `npm ci`): starting it costs a
// plain Node start, not a TypeScript compile. A source newer than the build triggers a rebuild
// first, so a pulled or edited tree never runs stale code.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildState } from './build-stamp.mjs';
import { missingPrerequisites } from './prerequisites.mjs';

// The SDK warns on every run that releases after January 2027 need Node 22; local mode supports
// Node 20 on purpose (the Lambdas run 22+), so that one notice is kept out of the CLI's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('will require node >=22')) return;
  emitWarning(warning, ...rest);
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function ensureBuilt() {
  const state = buildState(root);
  if (state === 'fresh') return;
  try {
    const { buildCli } = await import('../scripts/build-cli.mjs');
    await buildCli();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(
      `detainer-watch: the compiled CLI in dist/ is ${state} and could not be rebuilt (${reason}); run \`npm run build\`\n`,
    );
    process.exit(1);
  }
}

// `run` (what `npm start` does) starts the emulators and renders alerts: say what to install first.
function commandName(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--home') i++;
    else if (!args[i].startsWith('-')) return args[i];
  }
  return undefined;
}

if (commandName(process.argv.slice(2)) === 'run') {
  const missing = missingPrerequisites(['java', 'chromium']);
  if (missing) {
    process.stderr.write(`${missing}\n`);
    process.exit(1);
  }
}

/**
 * `ingest` and `run` read releases of ~100 MB: with V8's young generation capped at 4 MB
 * semi-spaces instead of 16, the 316k-row parse peaks at ~105 MB instead of ~150 MB for the same
 * CPU time (8 MB: ~120 MB). V8 takes that flag only at start, so these two commands run in a child Node
 * started with it; the second start costs ~50 ms, against seconds of work.
 */
const HEAP_FLAG = '--max-semi-space-size=4';
const HEAVY_COMMANDS = new Set(['ingest', 'run']);

async function runWithHeapFlag() {
  // Loaded here: child_process costs ~8 ms of every other command's start.
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [HEAP_FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child through the terminal's process group; a signal sent to this process alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

await ensureBuilt();
if (HEAVY_COMMANDS.has(commandName(process.argv.slice(2))) && !process.execArgv.some((arg) => arg.startsWith('--max-semi-space-size'))) {
  await runWithHeapFlag();
} else {
  const { main } = await import(pathToFileURL(join(root, 'dist', 'cli.mjs')).href);
  process.exitCode = await main(process.argv);
}

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

await ensureBuilt();
const { main } = await import(pathToFileURL(join(root, 'dist', 'cli.mjs')).href);
process.exitCode = await main(process.argv);

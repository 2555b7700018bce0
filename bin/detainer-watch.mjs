#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx: one code base, no build step for local mode.
import { register } from 'tsx/esm/api';

// The SDK warns on every run that releases after January 2027 need Node 22; local mode supports
// Node 20 on purpose (the Lambdas run 22+), so that one notice is kept out of the CLI's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('will require node >=22')) return;
  emitWarning(warning, ...rest);
};

register();
const { main } = await import('../local/cli.ts');
process.exitCode = await main(process.argv);

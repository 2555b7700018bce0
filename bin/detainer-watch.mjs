#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx: one code base, no build step for local mode.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../local/cli.ts');
process.exitCode = await main(process.argv);

// Is dist/ older than the sources? A walk of the folders the CLI is compiled from, comparing the
// newest modification time with the one recorded at build time (a few ms for ~200 files).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the CLI bundle is built from; the package files too (the bundle includes the dependencies). */
export const SOURCE_DIRS = ['local', 'functions'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'scripts/build-cli.mjs'];

function newestIn(dir, newest) {
  let result = newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) result = newestIn(path, result);
    else if (/\.(ts|mts|mjs|js|json)$/.test(entry.name)) result = Math.max(result, statSync(path).mtimeMs);
  }
  return result;
}

export function newestSourceMtime(root) {
  let newest = 0;
  for (const dir of SOURCE_DIRS) newest = newestIn(join(root, dir), newest);
  for (const file of SOURCE_FILES) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return newest;
}

/** 'missing' | 'stale' | 'fresh' */
export function buildState(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', 'build-stamp.json'), 'utf8'));
  } catch {
    return 'missing';
  }
  return newestSourceMtime(root) > stamp.newestSourceMtimeMs ? 'stale' : 'fresh';
}

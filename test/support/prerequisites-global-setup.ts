import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ES modules shared with the bin; typed by their JSDoc
import { buildState } from '../../bin/build-stamp.mjs';
// @ts-expect-error plain ES modules shared with the bin; typed by their JSDoc
import { missingPrerequisites } from '../../bin/prerequisites.mjs';

/**
 * vitest `globalSetup`, first in the list: without Java or Chromium the suites would fail one by
 * one with emulator and render errors; stop at once with the line that says what to install.
 * Then build the CLI once, so suites that start it in parallel never race to rebuild it, and
 * make DynamoDB Local's class-data archive if `npm ci` could not (Java installed after it).
 */
export default async function setup(): Promise<void> {
  const missing = missingPrerequisites(['java', 'chromium']) as string | undefined;
  if (missing) {
    process.stderr.write(`\n${missing}\n\n`);
    process.exit(1);
  }
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  if (buildState(root) !== 'fresh') {
    // @ts-expect-error plain ES module
    const { buildCli } = await import('../../scripts/build-cli.mjs');
    await buildCli();
  }
  const { archiveState, prepareDynamoDbLocal } = await import('../../local/dynamodb-local.mjs');
  if (archiveState() !== 'fresh') process.stderr.write(`DynamoDB Local class-data archive: ${await prepareDynamoDbLocal()}\n`);
}

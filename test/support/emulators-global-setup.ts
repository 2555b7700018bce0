import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmulators } from '../../local/emulators';

/**
 * Optional vitest `globalSetup`: one set of emulators for the whole run, shared by every suite
 * through `useEmulators()` (each suite still gets its own table and bucket).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const home = await mkdtemp(join(tmpdir(), 'dw-emulators-'));
  const emulators = await startEmulators({ home, quiet: true, persist: false });
  project.provide('dwEmulatorEndpoints', emulators.endpoints);
  return async () => {
    await emulators.stop();
    await rm(home, { recursive: true, force: true });
  };
}

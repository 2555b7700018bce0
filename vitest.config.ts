import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One set of emulators for the run; each suite still gets its own table and bucket.
    globalSetup: ['test/support/prerequisites-global-setup.ts', 'test/support/emulators-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites start their own emulators; two cores do not like many at once.
    maxWorkers: 2,
  },
});

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
    // An unhandled rejection or uncaught error fails the run even when every test passed: in a
    // Lambda the same rejection crashes the invocation. Vitest 4's default, stated so nobody flips it.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Under CI, a missing or stale dist/ fails the run instead of skipping real-process suites.
    globalSetup: ['test/global-setup.ts'],
    // Integration tests boot real processes; two cores cannot run many clusters at once.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

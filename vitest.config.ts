import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Real-process suites (test/integration, test/e2e) take seconds to minutes each and unit suites
 * milliseconds: start every real-process suite first (in vitest's own order within the group:
 * slowest last time, or largest on a fresh clone), so the unit suites fill the workers' last
 * minutes instead of one slow suite starting when the other worker has nothing left.
 */
class RealProcessFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const real = (f: TestSpecification) => /[\\/]test[\\/](integration|e2e)[\\/]/.test(f.moduleId);
    return [...sorted.filter(real), ...sorted.filter((f) => !real(f))];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Under CI, a missing or stale dist/ fails the run instead of skipping real-process suites.
    globalSetup: ['test/global-setup.ts'],
    // Integration tests boot real processes; two cores cannot run many clusters at once.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { sequencer: RealProcessFirst },
  },
});

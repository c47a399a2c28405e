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

const REAL_PROCESS = ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'];
const IN_PROCESS = ['test/unit/**/*.test.ts', 'test/scenario/**/*.test.ts'];
/** In-process suites that replace a module (vi.mock, here through @inquirer/testing/vitest). */
const MOCKS_MODULES = ['test/unit/runner-walk.test.ts'];

export default defineConfig({
  test: {
    // Under CI, a missing or stale build fails the run instead of skipping real-process suites.
    globalSetup: ['test/global-setup.ts'],
    // Integration tests boot real processes; two cores cannot run many clusters at once.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { sequencer: RealProcessFirst },
    projects: [
      { extends: true, test: { name: 'real-process', include: REAL_PROCESS } },
      // The in-process suites share a worker's modules (isolate: false): each file importing the
      // cluster's and the lab's modules afresh cost more than their tests (import 203 s against
      // tests 114 s for 142 files). They keep no state between files: what one changes (process.env,
      // a spy on process.stdout, fake timers) it restores in its own afterEach.
      {
        extends: true,
        test: { name: 'in-process', include: IN_PROCESS, exclude: MOCKS_MODULES, isolate: false },
      },
      { extends: true, test: { name: 'mocks-modules', include: MOCKS_MODULES } },
    ],
  },
});

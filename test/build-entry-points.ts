/**
 * The files a build must have for the real-process suites to run: one list, read by
 * test/global-setup.ts (is the build current?) and test/integration/requirements.ts (is there one?).
 */

/** What tsc writes: the daemons' and `lab`'s entry points, which tests and tools import. */
export const BUILD_ENTRY_POINTS = ['dist/cluster/runtime/main.js', 'dist/lab/main.js'] as const;

/** What bin/lab.js and the launcher run (scripts/bundle.mjs rewrites both on every build). */
export const BUNDLE_ENTRY_POINTS = [
  'dist/bundle/cluster/runtime/main.js',
  'dist/bundle/lab/main.js',
] as const;

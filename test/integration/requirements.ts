/**
 * What the real-process suites need before they can run: a build in dist/ (the daemons and `lab`)
 * and, for some, a program from outside (the Debian `hdfs` client, Chromium). Off CI a suite
 * without them skips, which is convenient while editing a core; under CI (`CI=true`: .ci/run builds
 * dist/ and installs hdfs-cli and chromium) a missing one throws when the suite loads, so the suite
 * fails instead of being skipped. test/global-setup.ts fails a stale build the same way.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { BUILD_ENTRY_POINTS, BUNDLE_ENTRY_POINTS } from '../build-entry-points.js';

const repo = path.resolve(import.meta.dirname, '../..');

function present(what: string, found: boolean, install: string): boolean {
  if (found) return true;
  if (process.env.CI)
    throw new Error(`${what} is missing (${install}); under CI the suite must not be skipped`);
  console.log(`suite skipped: ${what} is missing (${install})`);
  return false;
}

const BUILT_FILES = [...BUILD_ENTRY_POINTS, ...BUNDLE_ENTRY_POINTS];

/** dist/ holds a build: the real-process suites can start the daemons and `lab` (bin/lab.js runs the bundle). */
export const BUILT = present(
  `the build (${BUILT_FILES.join(', ')})`,
  BUILT_FILES.every((entry) => fs.existsSync(path.join(repo, entry))),
  'run `npm run build`',
);

/** The absolute path of a command on PATH, or undefined (throws under CI). */
export function commandOnPath(command: string, install: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
  return present(`the \`${command}\` command`, found !== '', install) ? found : undefined;
}

/** Whether a program is installed at a fixed path (throws under CI when it is not). */
export function programAt(file: string, install: string): boolean {
  return present(file, fs.existsSync(file), install);
}

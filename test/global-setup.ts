/**
 * Real-process suites run the daemons and `lab` from dist/ and skip themselves when it is missing,
 * which is convenient while editing a core. Under CI a missing or stale build must fail the run
 * instead of quietly skipping those suites (or testing yesterday's code).
 */
import fs from 'node:fs';
import path from 'node:path';

import { BUILD_ENTRY_POINTS, BUNDLE_ENTRY_POINTS } from './build-entry-points.js';

const repo = path.resolve(import.meta.dirname, '..');
const SOURCE_DIRS = ['cluster', 'lab'];

function newestSource(): { file: string; ms: number } {
  let newest = { file: '', ms: 0 };
  const visit = (p: string): void => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    else if (p.endsWith('.ts') && st.mtimeMs > newest.ms) newest = { file: p, ms: st.mtimeMs };
  };
  for (const dir of SOURCE_DIRS) visit(path.join(repo, dir));
  return newest;
}

/**
 * When tsc last built: the build is incremental (tsconfig.json), so an entry point that no change
 * reached keeps its old time while tsc's build info is written by every build that changed anything.
 */
function builtMs(entry: string): number {
  const info = path.join(repo, 'dist/.tsbuildinfo');
  const infoMs = fs.existsSync(info) ? fs.statSync(info).mtimeMs : 0;
  return Math.max(infoMs, fs.statSync(path.join(repo, entry)).mtimeMs);
}

export default function setup(): void {
  const problems: string[] = [];
  const source = newestSource();
  const bundled = new Set<string>(BUNDLE_ENTRY_POINTS);
  for (const entry of [...BUILD_ENTRY_POINTS, ...BUNDLE_ENTRY_POINTS]) {
    const built = path.join(repo, entry);
    if (!fs.existsSync(built)) problems.push(`${entry} is missing`);
    else if ((bundled.has(entry) ? fs.statSync(built).mtimeMs : builtMs(entry)) < source.ms)
      problems.push(`${entry} is older than ${path.relative(repo, source.file)}`);
  }
  if (problems.length === 0) return;
  const text = `the build is not current (${problems.join('; ')}): run \`npm run build\``;
  if (process.env.CI) throw new Error(`${text}; under CI the real-process suites must not be skipped.`);
  console.warn(`note: ${text}; real-process suites skip or run old code.`);
}

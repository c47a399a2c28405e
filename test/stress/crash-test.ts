/**
 * `npm run crash-test [-- TRIALS [SEED]]`: the long NameNode crash test (default 50 trials).
 * Boots a cluster in a temporary LAB_HOME with ephemeral ports, kills and restarts the NameNode
 * TRIALS times under load, and exits 1 if any acknowledged mutation was lost (the seed reproduces
 * the kill points).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCrashTrials } from './crash-loop.js';

const trials = Number(process.argv[2] ?? 50);
const seed = process.argv[3] ?? String(Date.now() % 1_000_000);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-crash-'));
console.log(`crash test: ${trials} trials, seed ${seed}, home ${home}`);
const results = await runCrashTrials({
  home,
  trials,
  seed,
  killAfterMax: 400,
  start: true,
  log: console.log,
});
const lost = results.flatMap((r) => r.missing.map((m) => `trial ${r.trial}: lost ${m}`));
const acked = results.reduce((sum, r) => sum + r.acknowledged, 0);
if (lost.length > 0) {
  console.log(lost.join('\n'));
  console.log(`FAILED: ${lost.length} acknowledged mutations lost (seed ${seed}); logs kept in ${home}/logs`);
  process.exit(1);
}
console.log(`OK: ${results.length} crashes, ${acked} acknowledged mutations, none lost (seed ${seed}).`);
fs.rmSync(home, { recursive: true, force: true });

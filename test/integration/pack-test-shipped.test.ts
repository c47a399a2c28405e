/**
 * The shipped pack under `lab pack test`, kept inside the test budget: on fresh clusters for two
 * seeds, the reference solution (solutions/hdfs-basics, one answers file for every seed) passes
 * every question and no unsolved question passes.
 *
 * It runs in `npm run grade-shipped` (GRADE_SHIPPED=1, which .ci/run runs after `npm test`) beside
 * `lab grade` of the same solution, to keep `npm test` within its time budget.
 *
 * The seeds differ where the solution's templates do: ci-1 has 1 MB blocks (/e1/mine.bin: 10
 * blocks, so the name directory's txids reach three digits) and kills dn4, corrupts dn3; ci-2 has
 * 4 MB blocks (3 blocks) and kills dn8, corrupts dn5. `npm test` visits the exercises up to
 * corruption (every block id, genstamp, txid and victim the solution computes; about 25 s a seed
 * on two cores); `PACK_E2E=all` all of them, as `npm run pack-test` does for three other seeds.
 * The second shipped pack, hdfs-features, is proven whole (six exercises on three DataNodes, a
 * fourth added for decommissioning)
 * for two seeds of its own, ci-2 (2 MB blocks) and ci-4 (1 MB).
 * Skipped unless GRADE_SHIPPED=1 and until the daemons and the CLI are built (npm run build).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPackTest, packTest, packTestStatus } from '../../lab/grading/pack-test.js';
import { stopClustersUnder } from './lab-process.js';
import { BUILT } from './requirements.js';

const repo = path.resolve(import.meta.dirname, '../..');
const ALL = process.env.PACK_E2E === 'all';
/** The last exercise of hdfs-basics `npm test` visits: its setups and those before it are quick but for one kill. */
const LAST_QUICK = 'corruption';
/** Each shipped pack, its seeds, and the exercises proven (undefined: all of them). */
const PACKS = [
  {
    id: 'hdfs-basics',
    seeds: ['ci-1', 'ci-2'],
    exercises: ALL ? undefined : [LAST_QUICK],
    timeoutMs: ALL ? 600_000 : 150_000,
  },
  { id: 'hdfs-features', seeds: ['ci-2', 'ci-4'], exercises: undefined, timeoutMs: 400_000 },
];
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-test-shipped-'));
});
afterAll(async () => {
  // A timed-out run leaves its graders' clusters up: stop them before their directories go.
  await stopClustersUnder(work);
  fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(process.env.GRADE_SHIPPED !== '1' || !BUILT)('the shipped packs', () => {
  for (const { id, seeds, exercises, timeoutMs } of PACKS)
    it(
      `${id} passes lab pack test for seeds ${seeds.join(', ')} (${exercises === undefined ? 'every exercise' : `exercises up to ${exercises.join(', ')}`})`,
      { timeout: timeoutMs },
      async () => {
        const log: string[] = [];
        const results = await packTest({
          packDir: path.join(repo, 'exercises', id),
          seeds,
          ...(exercises === undefined ? {} : { exercises }),
          ephemeralPorts: true,
          workDir: work,
          log: (line) => log.push(line),
        });
        const report = `${formatPackTest(results)}--- log ---\n${log.slice(-30).join('\n')}`;
        expect(results.map((r) => r.seed)).toEqual(seeds);
        for (const r of results) {
          // The solution answers every question of the visited exercises, and each passes.
          expect(r.solved.length, report).toBeGreaterThan(0);
          expect(r.problems, report).toEqual([]);
          expect(
            r.solved.filter((t) => t.status !== 'pass').map((t) => `${t.name}: ${t.status}`),
            report,
          ).toEqual([]);
          // Unanswered, every question fails (or is skipped, its prerequisite failed): none checks nothing.
          expect(r.unsolved.length).toBe(r.solved.length);
          expect(
            r.unsolved
              .filter((t) => t.status !== 'fail' && t.status !== 'skip')
              .map((t) => `${t.name}: ${t.status}`),
            report,
          ).toEqual([]);
        }
        expect(packTestStatus(results), report).toBe('pass');
        expect(fs.readdirSync(work)).toEqual([]);
      },
    );
});

/**
 * What an instructor runs, exactly: `lab grade` of the shipped reference solution
 * (solutions/hdfs-basics/answers.yaml, templates and all) against the built-in pack, through the
 * built CLI, from a folder outside the repository, for two seeds. Each must score full marks and
 * exit 0. ci-1 has 1 MB blocks (/e1/mine.bin: 10 blocks, the name directory's txids reach three
 * digits) and ci-2 4 MB blocks (3 blocks), so the seeds differ in every block id, genstamp, txid
 * and victim the solution computes.
 *
 * The second shipped pack, hdfs-features (snapshots, quotas, trash, ACLs, extended attributes,
 * decommissioning),
 * is graded the same way for two seeds of its own: ci-1 has 1 MB blocks, ci-3 2 MB (the quota
 * and its error's numbers move with them).
 *
 * A whole grade replays every exercise (over a minute a seed on an idle 2-core machine),
 * too slow for `npm test`: it runs in CI as `npm run grade-shipped` (.ci/run), and is skipped
 * unless GRADE_SHIPPED=1.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
/** Each shipped pack, its seeds, and the least its full marks can be (the pack is whole). */
const PACKS = [
  { id: 'hdfs-basics', seeds: ['ci-1', 'ci-2'], maxScoreAtLeast: 200 },
  { id: 'hdfs-features', seeds: ['ci-1', 'ci-3'], maxScoreAtLeast: 65 },
];
const enabled = process.env.GRADE_SHIPPED === '1';
let outside: string;

interface Run {
  code: number;
  stderr: string;
}

function labGrade(pack: string, seed: string, out: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        path.join(repo, 'bin/lab.js'),
        'grade',
        '--pack',
        path.join(repo, 'exercises', pack),
        '--answers',
        path.join(repo, 'solutions', pack, 'answers.yaml'),
        '--seed',
        seed,
        '--format',
        'json',
        '--out',
        out,
      ],
      {
        cwd: outside,
        env: { ...process.env, CI: 'true', LAB_PORTS: 'ephemeral' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, _stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stderr });
      },
    );
  });
}

beforeAll(() => {
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-shipped-'));
});
afterAll(() => {
  fs.rmSync(outside, { recursive: true, force: true });
});

describe.skipIf(!enabled)('lab grade of the shipped reference solution', () => {
  for (const { id, seeds, maxScoreAtLeast } of PACKS)
    for (const seed of seeds) {
      it(`scores full marks on ${id} for seed ${seed}`, { timeout: 900_000 }, async () => {
        const out = path.join(outside, `${id}-${seed}.json`);
        const run = await labGrade(id, seed, out);
        const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
          seed: string;
          score: number;
          max_score: number;
          tests: { name: string; lab_status: string; message?: string }[];
          unreadable: unknown[];
        };
        const notPassed = report.tests
          .filter((t) => t.lab_status !== 'pass')
          .map((t) => `${t.name}: ${t.lab_status}: ${t.message ?? ''}`);
        expect(notPassed, run.stderr.slice(-4000)).toEqual([]);
        expect(report.unreadable).toEqual([]);
        expect(report.seed).toBe(seed);
        expect(report.max_score).toBeGreaterThanOrEqual(maxScoreAtLeast);
        expect([report.score, run.code]).toEqual([report.max_score, 0]);
      });
    }
});

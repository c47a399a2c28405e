/**
 * The shipped pack under `lab pack test`, kept inside the test budget: two seeds, the first
 * exercise only (the others' setups cost minutes). It asserts that an unsolved exercise fails for
 * every student; the reference solution's pass is asserted by `npm run pack-test` (all exercises,
 * three seeds) once solutions/hdfs-basics answers every question for every seed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packTest } from '../../lab/grading/pack-test.js';

const PACK = 'exercises/hdfs-basics';
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-test-shipped-'));
});
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync(path.join(PACK, 'pack.yaml')))('the shipped pack', () => {
  it('fails every unsolved question of upload-blocks for two seeds, on fresh clusters', async () => {
    const results = await packTest({
      packDir: PACK,
      seeds: ['ci-1', 'ci-2'],
      exercises: ['upload-blocks'],
      ephemeralPorts: true,
      workDir: work,
    });
    for (const r of results) {
      expect(r.unsolved.length).toBeGreaterThan(0);
      expect(r.unsolved.filter((t) => t.status === 'pass').map((t) => t.name)).toEqual([]);
      expect(r.unsolved.filter((t) => t.status === 'unknown').map((t) => t.name)).toEqual([]);
    }
    expect(fs.readdirSync(work)).toEqual([]);
  });
});

/**
 * The grade fixture pack (grade-fixture.ts) over seeds, on real clusters: the same seed rebuilds
 * the same cluster (block ids, genstamps, sizes) and another seed another one; `lab pack test`
 * proves the reference solution for two seeds and fails, through the CLI with exit 1, a pack whose
 * question passes unanswered. Eight clusters: too slow for `npm test`, it runs in
 * `npm run grade-shipped` (GRADE_SHIPPED=1, which .ci/run runs after `npm test`).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReadyPack } from '../../lab/grading/grade-cluster.js';
import { withPackCluster } from '../../lab/grading/pack-cluster.js';
import { formatPackTest, packTest } from '../../lab/grading/pack-test.js';
import { EXERCISE_YAML, makeGradeFixture, write, type GradeFixture } from './grade-fixture.js';

let fixture: GradeFixture;
let root: string;
let packDir: string;
let solutionsDir: string;

beforeAll(() => {
  fixture = makeGradeFixture();
  ({ root, packDir, solutionsDir } = fixture);
});

afterAll(() => fixture.remove());

const common = () => fixture.common();

describe.skipIf(process.env.GRADE_SHIPPED !== '1')('the grade fixture over seeds', () => {
  describe('seeded clusters', () => {
    async function expectedAnswers(seed: string): Promise<unknown> {
      const seeded = loadReadyPack(packDir, seed);
      let seen: unknown;
      await withPackCluster({ seeded, ...common() }, async (exercise, stage) => {
        if (!stage.ready) throw new Error(stage.reason);
        const file = exercise.steps[0]!.markdown.match(/\/g\/\S+\.bin/)![0];
        const blocks = await stage.env.probes.run('file.blocks', { path: file });
        if (blocks.status !== 'ok') throw new Error(JSON.stringify(blocks));
        seen = { file, blocks: blocks.value.map((b) => [b.blockName, b.genStamp, b.numBytes]) };
      });
      return seen;
    }

    it('rebuilds the same expected answers from the same seed, and others from another', async () => {
      const first = await expectedAnswers('carol');
      const rebuilt = await expectedAnswers('carol');
      const other = await expectedAnswers('dave');
      expect(rebuilt).toEqual(first);
      expect(other).not.toEqual(first);
    });
  });

  describe('lab pack test', () => {
    it('proves the fixture pack for two seeds: the solution passes, unsolved fails', async () => {
      const results = await packTest({ packDir, seeds: ['s1', 's2'], solutionsDir, ...common() });
      expect(formatPackTest(results)).toContain('pack test: pass');
      expect(results.map((r) => r.solved.every((t) => t.status === 'pass'))).toEqual([true, true]);
      expect(results.flatMap((r) => r.unsolved).some((t) => t.status === 'pass')).toBe(false);
    });

    it(
      'fails a pack whose question passes unanswered, through the CLI with exit 1',
      { timeout: 180_000 },
      async () => {
        const leaky = path.join(root, 'leaky');
        fs.cpSync(packDir, leaky, { recursive: true });
        write(
          path.join(leaky, 'upload', 'exercise.yaml'),
          // replication 2 is what the setup leaves: the task passes without the student doing anything.
          EXERCISE_YAML.replace('equals: 3', 'equals: 2'),
        );
        const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
          execFile(
            process.execPath,
            ['bin/lab.js', 'pack', 'test', leaky, '--seed', 's1', '--solutions', solutionsDir],
            { env: { ...process.env, LAB_PORTS: 'ephemeral', TMPDIR: path.join(root, 'work') } },
            (error, out) => resolve({ code: error ? Number(error.code) : 0, stdout: out }),
          );
        });
        expect(stdout).toContain('unsolved passes upload/setrep');
        expect(code).toBe(1);
      },
    );
  });
});

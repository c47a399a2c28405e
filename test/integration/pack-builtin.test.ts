/**
 * The built-in pack end to end on a real cluster, as a student with seed "reference" does it: the
 * pack's cluster (ten DataNodes in two data centres) in a temporary lab home, every exercise's
 * setup replayed in pack order, the tasks done by the commands the reference solution records
 * (solutions/hdfs-basics/answers.yaml), then `lab check <id> --answers
 * solutions/hdfs-basics/answers.yaml` must pass every question; a few wrong answers must fail
 * with a message that says what was expected and where to look.
 *
 * `npm run test:long` (LAB_LONG=1, run by .ci/run after `npm test`) checks the first three
 * exercises (`lab check` and the wrong answers' messages: 40 s in CI, so not in `npm test`; pack-test-shipped.test.ts proves the solution for two other seeds up to
 * corruption); `PACK_E2E=all` (npm run pack-e2e) all of them (about 55 s). Skipped until the
 * daemons and the CLI are built (npm run build).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawAnswer } from '../../lab/pack/answer-types.js';
import { checkExercise, type CheckEnv, type CheckResult } from '../../lab/answers/judge.js';
import type { Exercise } from '../../lab/pack/pack.js';
import { loadSeededPack } from '../../lab/pack/seeded.js';
import { readAnswersText } from '../../lab/answers/prepare.js';
import { prepareAnswers } from '../../lab/answers/prepare.js';
import { withPackCluster } from '../../lab/grading/pack-cluster.js';
import { BUILT } from './requirements.js';

const repo = path.resolve(import.meta.dirname, '../..');
const PACK_DIR = path.join(repo, 'exercises/hdfs-basics');
const ANSWERS = path.join(repo, 'solutions/hdfs-basics/answers.yaml');
const SEED = 'reference';
/** `npm test` checks the exercises up to block-files (those with wrong-answer cases); the rest with ALL. */
const QUICK_COUNT = 3;
const ALL = process.env.PACK_E2E === 'all';
const LONG = ALL || process.env.LAB_LONG === '1';

interface LabCheck {
  code: number;
  results: CheckResult[];
  output: string;
}

/** `lab check ID --answers FILE --json` against the cluster in `home`. */
function labCheck(home: string, id: string, answers: string): Promise<LabCheck> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repo, 'bin/lab.js'), '--home', home, 'check', id, '--answers', answers, '--json'],
      { env: { ...process.env, CI: 'true', LAB_HOME: home }, timeout: 180_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        let results: CheckResult[] = [];
        try {
          results = (JSON.parse(stdout) as { results: CheckResult[] }).results;
        } catch {
          // Not JSON: the output says why.
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, results, output: `${stderr}${stdout}`.slice(-4000) });
      },
    );
  });
}

function failures(results: readonly CheckResult[]): string[] {
  return results.filter((r) => r.status !== 'pass').map((r) => `${r.name}: ${r.status}: ${r.message}`);
}

/** Wrong answers that must fail, and what their message must say. */
async function wrongAnswersFail(
  exercise: Exercise,
  answers: Record<string, RawAnswer>,
  env: CheckEnv,
): Promise<string[]> {
  const cases: Record<string, { wrong: Record<string, RawAnswer>; says: Record<string, RegExp> }> = {
    'upload-blocks': {
      wrong: { 'eighty-sizes': ['64m', '64m'], 'eighty-stored': '64m' },
      says: {
        'eighty-sizes': /16777216 \(16 MB\)[\s\S]*lab fsck \/e1\/eighty\.bin -files -blocks/,
        'eighty-stored': /expected 16777216 \(16 MB\), found 67108864 \(64 MB\)/,
      },
    },
    'block-files': {
      wrong: { 'crc-first': 'f0ff7292', 'meta-bytes': '1007' },
      says: { 'crc-first': /expected ebd90807/, 'meta-bytes': /expected 15 B, found 1007 B/ },
    },
  };
  const one = cases[exercise.id];
  if (one === undefined) return [];
  const results = await checkExercise(exercise, { ...answers, ...one.wrong }, env);
  return Object.entries(one.says).flatMap(([question, says]) => {
    const result = results.find((r) => r.question === question);
    if (result?.status !== 'fail')
      return [`${exercise.id}/${question}: a wrong answer was ${result?.status}`];
    return says.test(result.message)
      ? []
      : [`${exercise.id}/${question}: "${result.message}" does not match ${says}`];
  });
}

describe.skipIf(!BUILT || !LONG)('hdfs-basics end to end (seed reference)', () => {
  it(
    `the reference solution passes ${ALL ? 'every exercise' : `the first ${QUICK_COUNT} exercises`}; wrong answers fail`,
    { timeout: ALL ? 1_200_000 : 240_000 },
    async () => {
      const seeded = loadSeededPack(PACK_DIR, SEED);
      if (!seeded.pack || !seeded.variant || !seeded.scope)
        throw new Error(`the pack does not load: ${seeded.diagnostics.map((d) => d.message).join('; ')}`);
      const visited = seeded.pack.exercises.slice(0, ALL ? undefined : QUICK_COUNT).map((e) => e.id);
      const sheet = readAnswersText(readFileSync(ANSWERS, 'utf8'), seeded.scope).sheet;
      const problems: string[] = [];
      const passed: string[] = [];
      const log: string[] = [];
      await withPackCluster(
        {
          seeded: { ...seeded, pack: seeded.pack, variant: seeded.variant },
          exercises: visited,
          ephemeralPorts: true,
          deadlineMsDefault: 30_000,
          log: (line) => log.push(line),
        },
        async (exercise, stage) => {
          if (!stage.ready) {
            problems.push(`${exercise.id}: ${stage.reason}`);
            return;
          }
          const prepared = prepareAnswers(exercise, sheet.answers[exercise.id]);
          // A command's exit status is context, not a verdict (the balancer exits non-zero when it
          // has nothing more to move): the checks decide, and a failing one is shown with it.
          const notes: string[] = [];
          for (const { question, commands } of prepared.commands) {
            const outcomes = await stage.runCommands(commands, path.dirname(ANSWERS));
            for (const o of outcomes.filter((c) => !c.ok))
              notes.push(`${exercise.id}/${question}: \`${o.command}\` failed: ${o.detail}`);
          }
          const checked = await labCheck(stage.home, exercise.id, ANSWERS);
          const failed = failures(checked.results);
          if (checked.results.length === 0) problems.push(`${exercise.id}: lab check said ${checked.output}`);
          else if (failed.length > 0 || checked.code !== 0) problems.push(...failed, ...notes);
          else passed.push(exercise.id);
          problems.push(...(await wrongAnswersFail(exercise, prepared.answers, stage.env)));
        },
      );
      expect(problems, `${problems.join('\n')}\n--- setup log ---\n${log.slice(-40).join('\n')}`).toEqual([]);
      expect(passed).toEqual(visited);
    },
  );
});

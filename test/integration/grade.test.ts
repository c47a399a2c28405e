/**
 * `lab grade` on a real cluster: the small seeded fixture pack (grade-fixture.ts) graded with a
 * correct, a partly wrong, a malformed and a missing answers file. Every cluster runs in a
 * temporary home with ephemeral ports and is stopped by the grader (the test checks nothing is
 * left running). The same pack's seeded rebuilds and `lab pack test` are in grade-seeds.test.ts.
 * Five clusters: both run in `npm run grade-shipped` (GRADE_SHIPPED=1, which .ci/run runs after
 * `npm test`), not in `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeOnCluster } from '../../lab/grading/grade-cluster.js';
import { renderReport } from '../../lab/grading/formats.js';
import { exitCodeOf } from '../../lab/answers/score.js';
import { makeGradeFixture, write, type GradeFixture } from './grade-fixture.js';

let fixture: GradeFixture;
let root: string;
let packDir: string;

beforeAll(() => {
  fixture = makeGradeFixture();
  ({ root, packDir } = fixture);
});

afterAll(() => fixture.remove());

const solutionFor = (seed: string) => fixture.solutionFor(seed);
const leftRunning = () => fixture.leftRunning();
const common = () => fixture.common();

describe.skipIf(process.env.GRADE_SHIPPED !== '1')('lab grade on a real cluster', () => {
  it('passes a correct answers file with full marks, and leaves nothing behind', async () => {
    const answersFile = write(path.join(root, 'alice.yaml'), solutionFor('alice'));
    const report = await gradeOnCluster({ packDir, seed: 'alice', answersFile, ...common() });
    expect(report.tests.map((t) => [t.question, t.status])).toEqual([
      ['blocks', 'pass'],
      ['last', 'pass'],
      ['setrep', 'pass'],
      ['padded', 'pass'],
    ]);
    expect([report.score, report.maxScore, report.status, exitCodeOf(report.status)]).toEqual([
      7,
      7,
      'pass',
      0,
    ]);
    expect(report.lab.version).toBe(JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
    expect(report.pack.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const classroom = JSON.parse(renderReport(report, 'classroom'));
    expect(classroom).toMatchObject({ status: 'pass', max_score: 7 });
    expect(leftRunning()).toEqual([]);
  });

  it('gives partial marks to a partly wrong file, with hidden details withheld', async () => {
    const right = solutionFor('alice');
    const wrong = right
      .replace(/last: .*/, 'last: 1')
      .replace(/setrep: .*/, 'setrep: lab fs -setrep -w 2 /nope.bin')
      .replace(/padded: .*/, 'padded: true');
    const answersFile = write(path.join(root, 'alice-wrong.yaml'), wrong);
    const report = await gradeOnCluster({ packDir, seed: 'alice', answersFile, ...common() });
    expect(report.tests.map((t) => [t.question, t.status, t.score])).toEqual([
      ['blocks', 'pass', 2],
      ['last', 'fail', 0],
      ['setrep', 'fail', 0],
      ['padded', 'fail', 0],
    ]);
    expect(report.score).toBe(2);
    const setrep = report.tests[2]!;
    expect(setrep.message).toContain('`lab fs -setrep -w 2 /nope.bin`: exit 1');
    const junit = renderReport(report, 'junit');
    expect(junit).toContain('<testcase name="last" classname="grade-fixture.upload">');
    expect(junit).toContain('<property name="seed" value="alice"/>');
    expect(renderReport(report, 'gradescope')).toContain('hidden check: details are not shown');
    expect(renderReport(report, 'text')).not.toMatch(/padded: expected/);
  });

  it('grades a malformed file as far as it goes, naming what it could not read', async () => {
    const answersFile = write(
      path.join(root, 'broken.yaml'),
      `pack: grade-fixture\nseed: alice\nanswers:\n  upload:\n    blocks: [1, [2, [3]]]\n    padded: false\n    setrep: lab stop\n  nosuch: { q: 1 }\n  x: : :\n`,
    );
    const report = await gradeOnCluster({ packDir, seed: 'alice', answersFile, ...common() });
    expect(report.tests.find((t) => t.question === 'padded')?.status).toBe('pass');
    expect(report.tests.find((t) => t.question === 'last')?.status).toBe('skip');
    const text = renderReport(report, 'text');
    expect(text).toContain('upload/blocks: nested too deeply to be an answer');
    expect(text).toContain('nosuch: the pack has no exercise nosuch');
    expect(text).toContain('lab stop: a task may run lab fs');
    expect(text).toMatch(/broken\.yaml:9:\d+: YAML/);
    expect(report.score).toBe(1);
  });

  it('names a missing answers file and grades it as unanswered', async () => {
    const report = await gradeOnCluster({
      packDir,
      seed: 'bob',
      answersFile: path.join(root, 'missing.yaml'),
      ...common(),
      exercises: ['upload'],
    });
    expect(report.status).toBe('fail');
    expect(report.score).toBe(0);
    expect(report.unreadable[0]?.message).toMatch(/cannot read the answers file \(ENOENT\)/);
  });
});

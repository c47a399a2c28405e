/**
 * `lab grade` and `lab pack test` on real clusters: a small seeded fixture pack written to a temp
 * folder, graded with a correct, a partly wrong and a malformed answers file; the same seed gives
 * the same expected answers on a rebuilt cluster and another seed other ones; `lab pack test`
 * proves the fixture's reference solution for two seeds. Every cluster runs in a temporary home
 * with ephemeral ports and is stopped by the grader (the test checks nothing is left running).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeededPack, renderWithScope } from '../../lab/exercises/seeded.js';
import { gradeOnCluster } from '../../lab/grading/grade-cluster.js';
import { loadReadyPack } from '../../lab/grading/grade-cluster.js';
import { withPackCluster } from '../../lab/grading/pack-cluster.js';
import { formatPackTest, packTest } from '../../lab/grading/pack-test.js';
import { renderReport } from '../../lab/grading/formats.js';
import { exitCodeOf } from '../../lab/grading/score.js';
import { stopClustersUnder } from './lab-process.js';

const PACK_YAML = `id: grade-fixture
title: Grade fixture
version: 1.0.0
cluster:
  datanodes: 3
  racks: 1
  blockSize: { oneOf: [1m, 2m] }
  replication: 2
  conf:
    dfs.heartbeat.interval: 1s
exercises:
  - upload
`;
const PARAMS_YAML = `file:
  size: { size: { min: 2m, max: 6m, step: 512k } }
  name: { name: { prefix: f-, length: 5 } }
`;
const EXERCISE_YAML = `id: upload
title: Your upload
setup:
  - start: {}
  - put: { path: /g/{{file.name}}.bin, size: {{file.size}} }
  - wait-for: { condition: replicated, target: /g/{{file.name}}.bin, deadline: 30s }
steps:
  - { text: 'Your file is /g/{{file.name}}.bin, {{file.size | human}} at {{cluster.blockSize | human}} blocks.' }
questions:
  - id: blocks
    type: number
    prompt: How many blocks does /g/{{file.name}}.bin have?
    points: 2
    expect: { probe: file.blockCount, args: { path: /g/{{file.name}}.bin } }
  - id: last
    type: number
    unit: bytes
    prompt: How large is its last block?
    points: 2
    depends: [blocks]
    expect: { probe: file.blocks, args: { path: /g/{{file.name}}.bin }, select: -1.numBytes }
  - id: setrep
    type: task
    prompt: Make /g/{{file.name}}.bin have 3 replicas.
    points: 2
    check: { probe: file.info, args: { path: /g/{{file.name}}.bin }, select: replication, equals: 3 }
  - id: padded
    type: true-false
    prompt: Is the last block padded to the block size?
    hidden: true
    answer: false
`;
const SOLUTION_YAML = `pack: grade-fixture
answers:
  upload:
    blocks: '{{ ceil(file.size / cluster.blockSize) }}'
    last: '{{ file.size - (ceil(file.size / cluster.blockSize) - 1) * cluster.blockSize | bytes }}'
    setrep: lab fs -setrep -w 3 /g/{{file.name}}.bin
    padded: false
`;

let root: string;
let packDir: string;
let solutionsDir: string;

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The reference solution as one student (seed) would write it. */
function solutionFor(seed: string): string {
  const seeded = loadSeededPack(packDir, seed);
  return renderWithScope(SOLUTION_YAML, seeded.scope!).text.replace(
    'pack: grade-fixture',
    `pack: grade-fixture\nseed: ${seed}`,
  );
}

function leftRunning(): string[] {
  // Every grading home is under root/work; the grader removes it only after stopping its processes.
  const work = path.join(root, 'work');
  if (!fs.existsSync(work)) return [];
  return fs.readdirSync(work);
}

const common = () => ({ ephemeralPorts: true, workDir: path.join(root, 'work') });

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-test-'));
  fs.mkdirSync(path.join(root, 'work'));
  packDir = path.join(root, 'pack');
  write(path.join(packDir, 'pack.yaml'), PACK_YAML);
  write(path.join(packDir, 'params.yaml'), PARAMS_YAML);
  write(path.join(packDir, 'upload', 'exercise.yaml'), EXERCISE_YAML);
  solutionsDir = path.join(root, 'solutions');
  write(path.join(solutionsDir, 'answers.yaml'), SOLUTION_YAML);
});

afterAll(async () => {
  await stopClustersUnder(root);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('lab grade on a real cluster', () => {
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

  it('fails a pack whose question passes unanswered, through the CLI with exit 1', async () => {
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
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnswerSheet } from '../../lab/answers/answer-sheet.js';
import { checkExercise, type Clock } from '../../lab/answers/judge.js';
import { loadPack } from '../../lab/pack/load.js';
import { fakeProbes, type ProbeOutcome } from '../../lab/checks/probes.js';
import { renderReport } from '../../lab/grading/formats.js';
import { gradeSheet } from '../../lab/answers/grade.js';
import { exitCodeOf } from '../../lab/answers/score.js';
import { settleTimes } from '../../lab/checks/settle-time.js';

const loaded = loadPack(path.join('test/fixtures/packs', 'valid'));
const pack = loaded.pack!;
const MB = 1024 * 1024;

/** A clock that advances only when slept on: retries take no real time. */
function fakeClock(): Clock & { slept: number } {
  let now = 0;
  return {
    slept: 0,
    now: () => now,
    sleep(ms) {
      now += ms;
      this.slept += ms;
      return Promise.resolve();
    },
  };
}

/** A cluster where /data/a.bin is 150 MB at 128 MB blocks with `replication` replicas. */
function cluster(replication = 3) {
  return fakeProbes({
    'file.blockCount': 2,
    'file.blocks': [
      {
        blockName: 'blk_1073741825',
        blockId: 1073741825,
        genStamp: 1001,
        numBytes: 128 * MB,
        replicas: ['dn1'],
      },
      {
        blockName: 'blk_1073741826',
        blockId: 1073741826,
        genStamp: 1002,
        numBytes: 22 * MB,
        replicas: ['dn2'],
      },
    ],
    'file.info': {
      path: '/data/a.bin',
      type: 'file',
      length: 150 * MB,
      replication,
      blockSizeBytes: 128 * MB,
      inodeId: 16386,
    },
  });
}

const CORRECT = `
pack: fixture-basics
seed: alice
answers:
  upload-basics:
    block-count: 2 blocks
    last-block: 22 MB
    sizes: [128m, 23068672]
  concepts:
    snn-standby: no
    who-stores: The DataNodes
    daemons: a, b
    meta-dir: /dfs//name/
    word: Block.
    parts: { rf: 3, bs: 134217728 }
    racks: [/rack2, /rack1]
`;

async function grade(answers: string, probes = cluster()) {
  const { sheet, unreadable, positions } = parseAnswerSheet(answers);
  return gradeSheet(
    { pack, packHash: loaded.hash, labVersion: '0.1.0', seed: 'alice', sheet, unreadable, positions },
    { probes, clock: fakeClock() },
  );
}

describe('grading', () => {
  it('gives full marks and exit 0 for right answers written in any accepted form', async () => {
    const report = await grade(CORRECT);
    expect(report.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name}: ${t.message}`)).toEqual([]);
    expect(report.score).toBe(report.maxScore);
    expect(report.maxScore).toBe(10 + 8);
    expect(exitCodeOf(report.status)).toBe(0);
  });

  it('scores a partly wrong sheet: partial credit, a failure that teaches, a skipped dependant, a hidden task', async () => {
    const answers = CORRECT.replace('block-count: 2 blocks', 'block-count: 3')
      .replace('daemons: a, b', 'daemons: a')
      .replace('parts: { rf: 3, bs: 134217728 }', 'parts: { rf: 2, bs: 128m }');
    const report = await grade(answers, cluster(2));
    const byName = new Map(report.tests.map((t) => [t.name, t]));
    expect(byName.get('upload-basics/block-count')).toMatchObject({
      status: 'fail',
      score: 0,
      message: 'expected 2, found 3; look at: lab fsck /data/a.bin -files -blocks',
    });
    expect(byName.get('upload-basics/last-block')).toMatchObject({
      status: 'skip',
      message: expect.stringContaining('block-count must pass first'),
    });
    expect(byName.get('concepts/racks')).toMatchObject({ status: 'skip' });
    expect(byName.get('concepts/daemons')).toMatchObject({ status: 'fail', score: 0.5 });
    expect(byName.get('concepts/parts')).toMatchObject({ status: 'fail', score: 1, maxScore: 2 });
    expect(byName.get('upload-basics/setrep')).toMatchObject({ status: 'fail', hidden: true });
    expect(report.status).toBe('fail');
    expect(exitCodeOf(report.status)).toBe(1);

    const json = JSON.parse(renderReport(report, 'classroom')) as {
      tests: { name: string; message: string; score: number }[];
    };
    const setrep = json.tests.find((t) => t.name === 'upload-basics/setrep');
    expect(setrep?.message).toBe('hidden check: details are not shown');
    expect(JSON.stringify(json)).not.toContain('replication');
  });

  it('grades a malformed, partial sheet as far as it goes and names what it could not read', async () => {
    const answers =
      'answers:\n  upload-basics:\n    block-count: 2\n    last-block: [[[1]]]\n    typo-question: 5\n  concepts:\n    who-stores: [b, [c]]\n    snn-standby: maybe\n';
    const report = await grade(answers);
    const byName = new Map(report.tests.map((t) => [t.name, t]));
    expect(byName.get('upload-basics/block-count')?.status).toBe('pass');
    expect(byName.get('upload-basics/last-block')).toMatchObject({ status: 'fail', message: 'no answer' });
    expect(byName.get('concepts/snn-standby')?.message).toContain("'maybe' is not true or false");
    expect(byName.get('concepts/who-stores')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('expected one option'),
    });
    expect(report.unreadable.map((u) => u.name)).toEqual([
      'upload-basics/last-block',
      'upload-basics/typo-question',
    ]);
    const summary = renderReport(report, 'text');
    expect(summary).toContain(
      'unreadable answer: answers.yaml:4:19: upload-basics/last-block: nested too deeply',
    );
    expect(summary).toContain(
      'answers.yaml:5:5: upload-basics/typo-question: exercise upload-basics has no question typo-question',
    );
    expect(summary).toMatch(/score 4.50\/18: fail\n$/);

    const garbage = await grade('{{{{ not yaml');
    expect(garbage.status).toBe('fail');
    expect(garbage.unreadable[0]?.message).toMatch(/^YAML:/);
  });

  it('takes the cost of the hints the answers file says were taken off the score, in every format', async () => {
    // The fixture's upload-basics has a free hint, then one that costs 1 point.
    const free = await grade(`${CORRECT}hints:\n  upload-basics: 1\n`);
    expect([free.score, free.hints]).toEqual([18, []]);

    const report = await grade(`${CORRECT}hints:\n  upload-basics: 5\n  concepts: 0\n`);
    expect(report.hints).toEqual([{ exercise: 'upload-basics', taken: 2, cost: 1, deducted: 1 }]);
    expect([report.score, report.maxScore, report.status]).toEqual([17, 18, 'pass']);
    expect(renderReport(report, 'text')).toMatch(
      /hints taken:\n {2}upload-basics: 2 hints taken, costing 1 point: -1\nscore 17\/18: pass\n$/,
    );
    const classroom = JSON.parse(renderReport(report, 'classroom')) as { tests: { score: number }[] };
    expect(classroom.tests.reduce((sum, t) => sum + t.score, 0)).toBe(17);
    expect(JSON.parse(renderReport(report, 'gradescope'))).toMatchObject({ score: 17 });

    // An exercise never goes below zero for its hints: nothing earned, nothing to take off.
    const wrong = await grade('hints:\n  upload-basics: 2\n', cluster(2));
    expect(wrong.hints).toEqual([{ exercise: 'upload-basics', taken: 2, cost: 1, deducted: 0 }]);
    expect(wrong.score).toBe(0);

    // A question's own hints are counted under exercise/question and priced with its exercise's.
    const own = await grade(`${CORRECT}hints:\n  upload-basics: 2\n  upload-basics/last-block: 2\n`);
    expect(own.hints).toEqual([{ exercise: 'upload-basics', taken: 4, cost: 2, deducted: 2 }]);
    expect(own.score).toBe(16);

    const unreadable = await grade(`${CORRECT}hints:\n  upload-basics: lots\n`);
    expect(unreadable.unreadable.map((u) => [u.name, u.message])).toEqual([
      ['hints/upload-basics', 'expected the number of hints taken (0, 1, 2 …), found "lots"'],
    ]);
    expect(unreadable.score).toBe(18);
  });

  it('says unknown (exit 2) when the cluster does not settle before the deadline, after retrying', async () => {
    const unsettled = fakeProbes({
      'file.blockCount': (): ProbeOutcome<unknown> => ({
        status: 'unsettled',
        reason: 'blk_1073741826 is under-replicated',
      }),
    });
    const clock = fakeClock();
    const exercise = { ...pack.exercises[0]!, questions: pack.exercises[0]!.questions.slice(0, 1) };
    const [result] = await checkExercise(
      exercise,
      { 'block-count': '2' },
      { probes: unsettled, clock, deadlineMsDefault: 3000 },
    );
    expect(result).toMatchObject({
      status: 'unknown',
      score: 0,
      message: expect.stringContaining('has not settled (blk_1073741826 is under-replicated)'),
    });
    expect(clock.slept).toBe(3000);
    expect(unsettled.calls.length).toBe(7);
  });

  it('passes once the cluster settles within the deadline', async () => {
    const settling = fakeProbes({
      'file.blockCount': (_args: unknown, call: number): ProbeOutcome<unknown> =>
        call < 2 ? { status: 'unsettled', reason: 'safemode' } : { status: 'ok', value: 2 },
    });
    const exercise = { ...pack.exercises[0]!, questions: pack.exercises[0]!.questions.slice(0, 1) };
    const [result] = await checkExercise(
      exercise,
      { 'block-count': '2' },
      { probes: settling, clock: fakeClock() },
    );
    expect(result?.status).toBe('pass');
  });

  it('writes JUnit XML, Gradescope and lab JSON with the pack hash, seed and escaped messages', async () => {
    const report = await grade(CORRECT.replace('word: Block.', 'word: "<b>&"'));
    const xml = renderReport(report, 'junit');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="fixture-basics" tests="11" failures="1" errors="0" skipped="0">/,
    );
    expect(xml).toContain('<testcase name="word" classname="fixture-basics.concepts">');
    expect(xml).toContain('found &lt;b&gt;&amp;');
    expect(xml).toContain(`<property name="pack.hash" value="${loaded.hash}"/>`);
    const gradescope = JSON.parse(renderReport(report, 'gradescope')) as {
      score: number;
      tests: { status: string; max_score: number }[];
    };
    expect(gradescope.score).toBe(17);
    expect(gradescope.tests.filter((t) => t.status === 'failed')).toHaveLength(1);
    const lab = JSON.parse(renderReport(report, 'json')) as Record<string, unknown>;
    expect(lab).toMatchObject({
      status: 'fail',
      lab_status: 'fail',
      max_score: 18,
      seed: 'alice',
      pack: { id: 'fixture-basics', hash: loaded.hash },
    });
  });
});

describe('a group answered right', () => {
  it('earns its points exactly, though each of three parts earns a rounded third', async () => {
    const exercise = {
      id: 'thirds',
      title: 'Thirds',
      setup: [],
      steps: [],
      hints: [],
      questions: [
        {
          id: 'spof',
          type: 'group' as const,
          prompt: 'Three parts',
          points: 4,
          parts: ['a', 'b', 'c'].map((id) => ({
            id,
            type: 'choice' as const,
            prompt: id,
            options: ['x', 'y'],
            answer: 'a',
            points: 4 / 3,
          })),
        },
      ],
    };
    const [result] = await checkExercise(
      exercise as unknown as Parameters<typeof checkExercise>[0],
      { spof: { a: 'a', b: 'a', c: 'a' } },
      { probes: cluster(), clock: fakeClock() },
      new Map(),
    );
    expect([result?.status, result?.score, result?.maxScore]).toEqual(['pass', 4, 4]);
  });
});

describe('a task checked while the cluster catches up', () => {
  const exercise = {
    id: 'restart',
    title: 'Restart',
    setup: [],
    steps: [],
    hints: [],
    questions: [
      {
        id: 'back',
        type: 'task' as const,
        prompt: 'Restart dn3.',
        points: 2,
        check: { probe: 'datanode.state', args: { datanode: 'dn3' }, equals: 'live' },
      },
    ],
  } as unknown as Parameters<typeof checkExercise>[0];
  // The NameNode still calls dn3 dead for its first three readings, as it does until the restarted
  // DataNode has registered.
  const restarting = () =>
    fakeProbes({
      'datanode.state': (_args: Record<string, unknown>, call: number) => ({
        status: 'ok',
        value: call < 3 ? 'dead' : 'live',
      }),
    });

  it('passes once the cluster shows it done, within the deadline', async () => {
    const clock = fakeClock();
    const [result] = await checkExercise(
      exercise,
      {},
      { probes: restarting(), clock, deadlineMsDefault: 15_000 },
      new Map(),
    );
    expect([result?.status, clock.slept]).toEqual(['pass', 1500]);
  });

  it('fails with what it last saw when the deadline passes first, or at once when asked to', async () => {
    const slow = fakeProbes({ 'datanode.state': 'dead' });
    const clock = fakeClock();
    const [late] = await checkExercise(
      exercise,
      {},
      { probes: slow, clock, deadlineMsDefault: 2_000 },
      new Map(),
    );
    expect([late?.status, late?.message, clock.slept]).toEqual([
      'fail',
      expect.stringContaining('found "dead"'),
      2_000,
    ]);
    const once = fakeClock();
    const [now] = await checkExercise(
      exercise,
      {},
      { probes: restarting(), clock: once, tasksOnce: true },
      new Map(),
    );
    expect([now?.status, once.slept]).toEqual(['fail', 0]);
  });
});

describe('waits from the cluster intervals', () => {
  it("follow the pack's 1 s heartbeats and Hadoop's 3 s / 5 min, never under the floor", () => {
    // Dead after 2 × recheck + 10 × heartbeat (DatanodeManager), plus one recheck, three times over.
    expect(
      settleTimes({ 'dfs.heartbeat.interval': '1s', 'dfs.namenode.heartbeat.recheck-interval': '2000' }),
    ).toEqual({
      checkMs: 15_000,
      deadMs: 3 * (14_000 + 2_000),
      liveMs: 15_000,
    });
    const hadoop = settleTimes({
      'dfs.heartbeat.interval': '3s',
      'dfs.namenode.heartbeat.recheck-interval': '300000',
      'dfs.namenode.redundancy.interval.seconds': '3s',
    });
    expect(hadoop.deadMs).toBe(3 * (630_000 + 300_000));
    expect(hadoop.checkMs).toBe(3 * (9_000 + 3_000));
  });
});

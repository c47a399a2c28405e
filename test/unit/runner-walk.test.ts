// The interactive runner, driven through @inquirer/testing (which replaces the prompts of
// @inquirer/prompts with ones on a fake terminal) over the fixture pack and a fake probe set.
import { screen } from '@inquirer/testing/vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../lab/answers/judge.js';
import { loadPack } from '../../lab/pack/load.js';
import type { Pack } from '../../lab/pack/pack.js';
import { fakeProbes } from '../../lab/checks/probes.js';
import { inquirerPrompter } from '../../lab/runner/prompts.js';
import { PLAIN } from '../../lab/runner/render.js';
import { SavedState } from '../../lab/runner/saved.js';
import { parseAnswerSheet } from '../../lab/answers/answer-sheet.js';
import { walkExercise, type WalkOutcome } from '../../lab/runner/walk.js';
import { exercisePaths } from '../../lab/runner/store.js';

const MB = 1024 * 1024;
const FIXTURE = path.resolve('test/fixtures/packs/valid');

/** A clock that never waits: unsettled probes are retried until the (virtual) deadline at once. */
function instantClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

function fixturePack(): Pack {
  const loaded = loadPack(FIXTURE);
  if (!loaded.pack) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.pack;
}

/** The cluster as the fake probes see it: /data/a.bin of 150 MB at 128 MB blocks, replication 3. */
function clusterProbes(options: { replication?: number; unsettledBlocks?: number } = {}) {
  return fakeProbes({
    'file.blockCount': 2,
    'file.blocks': (_args: unknown, call: number) =>
      call < (options.unsettledBlocks ?? 0)
        ? { status: 'unsettled', reason: 're-replication pending' }
        : {
            status: 'ok',
            value: [
              { blockName: 'blk_1', blockId: 1, genStamp: 1001, numBytes: 128 * MB, replicas: ['dn1'] },
              { blockName: 'blk_2', blockId: 2, genStamp: 1002, numBytes: 22 * MB, replicas: ['dn2'] },
            ],
          },
    'file.info': {
      path: '/data/a.bin',
      type: 'file',
      length: 150 * MB,
      replication: options.replication ?? 3,
      blockSizeBytes: 128 * MB,
      inodeId: 16387,
    },
  });
}

let home: string;
let printed: string[];

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'runner-walk-'));
  printed = [];
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function startWalk(
  pack: Pack,
  exerciseId: string,
  probes: ReturnType<typeof fakeProbes>,
): { outcome: Promise<WalkOutcome>; saved: SavedState } {
  const exercise = pack.exercises.find((e) => e.id === exerciseId)!;
  const saved = new SavedState(home, () => new Date('2026-01-02T03:04:05Z'));
  const outcome = walkExercise({
    pack,
    exercise,
    saved,
    env: { probes, clock: instantClock(), deadlineMsDefault: 2_000 },
    io: { prompter: inquirerPrompter, print: (text) => printed.push(text), style: PLAIN },
  });
  return { outcome, saved };
}

/** Type an answer; `last` when no prompt follows (the walk ends), so there is no next screen. */
async function answer(keys: string, options: { last?: boolean } = {}): Promise<void> {
  screen.type(keys);
  screen.keypress('enter');
  if (options.last !== true) await screen.next();
}

async function choose(downs: number): Promise<void> {
  for (let i = 0; i < downs; i++) screen.keypress('down');
  screen.keypress('enter');
  await screen.next();
}

const output = () => printed.join('\n');

describe('lab exercise: the interactive walk', () => {
  it('shows the steps, gives a hint, checks each answer against the probes and saves as it goes', async () => {
    const pack = fixturePack();
    const { outcome } = startWalk(pack, 'upload-basics', clusterProbes());

    expect(screen.getScreen()).toContain('Work in another terminal');
    expect(output()).toContain('Step 1/2');
    expect(output()).toContain('lab fsck /data/a.bin -files -blocks -locations');
    await choose(0); // step 1 done
    expect(output()).toContain('Step 2/2 · Inline');
    await choose(1); // a hint
    expect(output()).toContain('Hint 1/2: Count the blocks');
    expect(screen.getScreen()).toContain('Done: on to the questions');
    await choose(0);

    // block-count: a wrong answer first; the message says what was expected and where to look.
    expect(output()).toContain('How many blocks?');
    await answer('3');
    expect(output()).toContain('expected: 2');
    expect(output()).toContain('found:    3');
    expect(output()).toContain('look at:  lab fsck /data/a.bin -files -blocks');
    const afterFail = JSON.parse(readFileSync(exercisePaths(home).progress, 'utf8'));
    expect(afterFail.packs['fixture-basics'].exercises['upload-basics'].checks['block-count'].status).toBe(
      'fail',
    );
    await choose(0); // answer again
    screen.keypress('backspace');
    await answer('2');
    expect(output()).toContain('✓ pass block-count');

    await answer('22 MB'); // last-block, read as bytes
    expect(output()).toContain('✓ pass last-block');
    await answer('128m, 23068672'); // sizes, a list in order
    expect(output()).toContain('✓ pass sizes');
    expect(screen.getScreen()).toContain('Done? Check the cluster now');
    screen.keypress('enter'); // the setrep task, checked on the cluster
    await expect(outcome).resolves.toBe('passed');
    expect(output()).toContain('Exercise upload-basics passed. Next: `lab exercise concepts`.');

    const answers = readFileSync(exercisePaths(home).answers, 'utf8');
    expect(answers).toContain('block-count: "2"');
    expect(answers).toContain('last-block: 22 MB');
    // The hint taken is in the file the student submits, for lab grade to price.
    expect(parseAnswerSheet(answers).sheet.hints).toEqual({ 'upload-basics': 1 });
    const progress = JSON.parse(readFileSync(exercisePaths(home).progress, 'utf8'));
    const saved = progress.packs['fixture-basics'].exercises['upload-basics'];
    expect(saved.status).toBe('passed');
    expect(saved.hintsShown).toBe(1);
    expect(saved.step).toBe(2);
  });

  it('says what a hint costs before it is taken, and brings skipped questions back at the end', async () => {
    const pack = fixturePack();
    const { outcome } = startWalk(pack, 'upload-basics', clusterProbes());
    expect(screen.getScreen()).toContain('Show a hint (free)');
    await choose(1); // the first hint, free
    expect(screen.getScreen()).toContain('Show a hint (costs 1 point when graded)');
    await choose(2); // to the questions

    await answer('3'); // block-count, wrong
    await choose(3); // skip it for now
    // last-block waits for block-count; sizes and the task are asked.
    expect(output()).toContain('skipped for now: upload-basics/block-count must be right first');
    await answer('128m, 22m');
    expect(output()).toContain('✓ pass sizes');
    screen.keypress('enter'); // the task
    await screen.next();

    expect(output()).toContain('Back to the 2 questions left open');
    screen.keypress('backspace');
    await answer('2');
    expect(output()).toContain('✓ pass block-count');
    await answer('22m', { last: true });
    await expect(outcome).resolves.toBe('passed');
    expect(output()).toContain('✓ pass last-block');
  });

  it("after a wrong answer offers the question's own hints first, then the exercise's, and records them", async () => {
    const pack = fixturePack();
    const { outcome } = startWalk(pack, 'upload-basics', clusterProbes());
    await choose(2); // to the questions
    await answer('2'); // block-count
    await answer('9'); // last-block, wrong
    expect(screen.getScreen()).toContain('Show a hint for last-block (free)');
    await choose(2);
    expect(output()).toContain('Hint 1/2 for last-block: The last block holds what the full ones leave.');
    expect(screen.getScreen()).toContain('Show a hint for last-block (costs 1 point when graded)');
    await choose(2);
    expect(output()).toContain('Hint 2/2 for last-block (costs 1 point when graded): 150 MB − 128 MB.');
    // Its own hints taken, the exercise's come next.
    expect(screen.getScreen()).toContain('Show a hint (free)');
    await choose(0); // answer again
    screen.keypress('backspace');
    await answer('22m');
    expect(output()).toContain('✓ pass last-block');
    await answer('128m, 22m');
    screen.keypress('enter'); // the task
    await expect(outcome).resolves.toBe('passed');
    const answers = readFileSync(exercisePaths(home).answers, 'utf8');
    expect(parseAnswerSheet(answers).sheet.hints).toEqual({ 'upload-basics/last-block': 2 });
  });

  it('shows the explanation once a question is settled: right, or left wrong in the last round', async () => {
    const pack = fixturePack();
    const { outcome } = startWalk(pack, 'upload-basics', clusterProbes());
    await choose(2); // to the questions
    await answer('3'); // block-count, wrong
    await choose(3); // skip it for now: not settled, no explanation yet
    expect(output()).not.toContain('one full block and a last one of 22 MB');
    await answer('128m, 22m'); // sizes
    screen.keypress('enter'); // the task
    await screen.next();
    expect(output()).toContain('Back to the 2 questions left open');
    await answer(''); // block-count again, still 3
    for (let i = 0; i < 3; i++) screen.keypress('down');
    screen.keypress('enter'); // leave it as it is: settled, so the explanation comes (no prompt follows)
    await expect(outcome).resolves.toBe('finished');
    expect(output()).toContain('150 MB at 128 MB blocks is one full block and a last one of 22 MB.');
  });

  it('says unknown while the cluster has not settled, and passes when checked again', async () => {
    const pack = fixturePack();
    // Already at the questions, the first one right.
    const saved = new SavedState(home);
    const exercise = pack.exercises.find((e) => e.id === 'upload-basics')!;
    saved.recordStep(pack, exercise, 2);
    saved.recordChecks(pack, exercise, [
      {
        name: 'upload-basics/block-count',
        exercise: 'upload-basics',
        question: 'block-count',
        status: 'pass',
        score: 2,
        maxScore: 2,
        hidden: false,
        message: 'right',
      },
    ]);
    // file.blocks stays unsettled past the 2 s deadline of the first check (5 calls), then settles.
    const { outcome } = startWalk(pack, 'upload-basics', clusterProbes({ unsettledBlocks: 6 }));
    expect(output()).toContain('✓ block-count: already right');
    await answer('22m');
    expect(output()).toContain('? unknown last-block');
    expect(output()).toContain('the cluster has not settled (re-replication pending)');
    expect(screen.getScreen()).toContain('Check the same answer again');
    await choose(1);
    expect(output()).toContain('✓ pass last-block');
    // Ctrl-C at the next prompt: everything so far is saved.
    screen.keypress({ name: 'c', ctrl: true });
    await expect(outcome).resolves.toBe('cancelled');
    expect(output()).toContain('Stopped. Your answers and progress are saved');
    const answers = readFileSync(exercisePaths(home).answers, 'utf8');
    expect(answers).toContain('last-block: 22m');
  });

  it('asks choice, true/false, multiple choice and group questions with their own prompts', async () => {
    const pack = fixturePack();
    const { outcome } = startWalk(pack, 'concepts', fakeProbes({}));
    expect(screen.getScreen()).toContain('True or false?');
    await choose(1); // False: right
    expect(output()).toContain('✓ pass snn-standby');
    expect(screen.getScreen()).toContain('b) The DataNodes');
    await choose(1);
    expect(output()).toContain('✓ pass who-stores');
    screen.keypress('space'); // a) NameNode
    screen.keypress('down');
    screen.keypress('space'); // b) DataNode
    screen.keypress('enter');
    await screen.next();
    expect(output()).toContain('✓ pass daemons');
    await answer('/dfs//name/');
    expect(output()).toContain('✓ pass meta-dir');
    await answer('A Block');
    expect(output()).toContain('✓ pass word');
    expect(output()).toContain('Default replication?');
    await answer('3');
    await answer('128 MB', { last: true });
    // racks depends on upload-basics/block-count, which has not passed: skipped, not asked.
    await expect(outcome).resolves.toBe('finished');
    expect(output()).toContain('✓ pass parts: all 2 parts right');
    expect(output()).toContain('- skipped for now: upload-basics/block-count must be right first');
  });
});

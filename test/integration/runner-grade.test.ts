/**
 * A student's path, end to end, then the instructor's grade of what the runner wrote.
 *
 * The student (seed ci-1, the built-in pack, an empty lab home) works through the pack with the
 * interactive runner (`runExercise`, the code behind `lab exercise`, with a scripted prompter in
 * place of the terminal). The first setup is interrupted (Ctrl-C between steps) and resumed. In
 * "the other terminal" the student runs real `lab` commands through bin/lab.js: each task as the
 * reference solution does it (a 48 MB upload at 32 MB blocks, a setrep, a restart, a
 * checkpoint…) and uploads of their own that the pack never asked for, which move every later
 * block id, genstamp and inode id. Answers are read off the student's own cluster, as a student
 * reads them; every one must pass the runner's check. Three hints of upload-blocks are taken (the
 * third costs a point). Then `lab grade` (gradeOnCluster) of the answers file the runner wrote,
 * on a fresh cluster: full marks less the hint, because the file records what the student ran
 * and the hints they took.
 *
 * `npm run test:long` (LAB_LONG=1, run by .ci/run after `npm test`) walks the first three
 * exercises; `npm run pack-walk` (PACK_WALK=1, run by .ci/run after grade-shipped) walks every
 * exercise of the pack, and there the student also types every command the texts print — each
 * fenced block and inline `lab …` of the introductions, steps, questions and hints, as printed,
 * from their own folder with bin/ on PATH (text-scripts.ts) — and each must run: no unknown
 * command, no usage error, no non-zero exit the text does not announce. Two clusters of ten
 * DataNodes: slow (minutes, tens of minutes for the whole pack on a loaded machine). Runs from
 * dist/ (skipped until BUILT), with ephemeral ports; everything started is stopped.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stopNodes } from '../../cluster/launcher/launcher.js';
import { runExercise } from '../../lab/commands/exercise.js';
import type { RawAnswer } from '../../lab/pack/answer-types.js';
import { liveProbes } from '../../lab/checks/registry.js';
import { selectValue } from '../../lab/checks/probes.js';
import type { Prompter } from '../../lab/runner/prompts.js';
import { loadCatalog, findInCatalog, type FoundExercise } from '../../lab/runner/catalog.js';
import { startOptionsFor } from '../../lab/runner/cluster.js';
import { prepareCluster } from '../../lab/runner/prepare.js';
import { PLAIN } from '../../lab/runner/render.js';
import { readAnswersText } from '../../lab/answers/prepare.js';
import { exercisePaths, loadAnswers, loadProgress } from '../../lab/runner/store.js';
import type { PackQuestion } from '../../lab/pack/pack.js';
import type { LeafQuestion } from '../../lab/pack/schema.js';
import { gradeOnCluster } from '../../lab/grading/grade-cluster.js';
import { exerciseScripts } from '../../lab/pack/text-commands.js';
import { ScenarioRunner, scratchDirOf } from '../../lab/scenario/runner.js';
import { runTextScripts } from './text-scripts.js';
import { BUILT } from './requirements.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const SEED = 'ci-1';
/** The whole pack, typing the texts' commands, under `npm run pack-walk`; in `npm test`, the first three exercises. */
const WHOLE_PACK = process.env.PACK_WALK === '1';
/** Two ten-DataNode clusters and a walk: a minute or more, so not in `npm test`. */
const LONG = WHOLE_PACK || process.env.LAB_LONG === '1';
const MB = 1024 * 1024;

describe.skipIf(!BUILT || !LONG)(
  "a student's path through the runner, graded from the answers file it wrote",
  () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-grade-'));
    const home = path.join(root, 'home');
    // The student's second terminal: their own folder, outside the repository.
    const desk = path.join(root, 'desk');
    fs.mkdirSync(desk);
    const previousPorts = process.env.LAB_PORTS;
    process.env.LAB_PORTS = 'ephemeral';

    afterAll(async () => {
      await stopNodes(home).catch(() => []);
      if (previousPorts === undefined) delete process.env.LAB_PORTS;
      else process.env.LAB_PORTS = previousPorts;
      fs.rmSync(root, { recursive: true, force: true });
    });

    /** `lab …` typed in the student's terminal. */
    const lab = (...args: string[]) =>
      run(process.execPath, [path.join(repo, 'bin/lab.js'), ...args], {
        cwd: desk,
        env: { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral' },
        timeout: 180_000,
        maxBuffer: 16 * MB,
      });

    /** What the student does in the other terminal while an exercise's steps are shown. */
    const work: Record<string, () => Promise<void>> = {
      'upload-blocks': async () => {
        // An upload the pack never asked for, before the tasks: later ids move by its blocks.
        fs.writeFileSync(path.join(desk, 'notes.bin'), Buffer.alloc(3 * MB + 12345, 7));
        await lab('fs', '-put', 'notes.bin', '/notes.bin');
        // The 16 MB task; under pack-walk the student types the text's own commands for it.
        if (!WHOLE_PACK) {
          fs.writeFileSync(path.join(desk, 'forty-eight.bin'), Buffer.alloc(48 * MB, 1));
          await lab('fs', '-D', 'dfs.blocksize=32m', '-put', 'forty-eight.bin', '/e1/tail16.bin');
        }
        await lab('fs', '-ls', '/e1');
      },
      'who-talks': async () => {
        await lab('fs', '-mkdir', '/mine');
        fs.writeFileSync(path.join(desk, 'more.bin'), Buffer.alloc(2 * MB + 1, 3));
        await lab('fs', '-put', 'more.bin', '/mine/more.bin');
        await lab('fs', '-cat', '/e2/aaa.txt');
      },
      'block-files': async () => {
        await lab('fsck', '/e3/hello.txt', '-files', '-blocks');
      },
    };

    const catalog = loadCatalog({ seedOf: () => SEED });
    const found = (id: string): FoundExercise => {
      const f = findInCatalog(catalog, `hdfs-basics/${id}`);
      if (!f.ok) throw new Error(f.message);
      return f.found;
    };
    const entry = found('upload-blocks').entry;
    const EXERCISES = WHOLE_PACK
      ? entry.pack.exercises.map((e) => e.id)
      : ['upload-blocks', 'who-talks', 'block-files'];
    const reference = readAnswersText(
      fs.readFileSync(path.join(repo, 'solutions/hdfs-basics/answers.yaml'), 'utf8'),
      entry.scope,
    ).sheet.answers;

    /** Upload-blocks' first three hints: two free ones, then one that costs a point when graded. */
    const HINTS_TAKEN = 3;
    const hintCost = found('upload-blocks')
      .exercise.hints.slice(0, HINTS_TAKEN)
      .reduce((sum, h) => sum + h.cost, 0);

    /** The reference answer of a question, or of one part of a group question. */
    function referenceOf(exercise: string, question: PackQuestion, part?: LeafQuestion): RawAnswer {
      const stored = reference[exercise]?.[question.id];
      const answer =
        part === undefined
          ? stored
          : typeof stored === 'object' && !Array.isArray(stored)
            ? stored[part.id]
            : undefined;
      const name = `${exercise}/${question.id}${part === undefined ? '' : `/${part.id}`}`;
      if (answer === undefined) throw new Error(`no reference answer for ${name}`);
      return answer;
    }

    /** The answer a student reads off their own cluster, or the reference one where none is read. */
    async function answerFor(
      exercise: string,
      question: PackQuestion,
      part: LeafQuestion | undefined,
    ): Promise<RawAnswer> {
      const asked = part ?? question;
      const expect = 'expect' in asked ? asked.expect : undefined;
      if (
        expect !== undefined &&
        'probe' in expect &&
        !JSON.stringify(expect.args ?? {}).includes('$answer')
      ) {
        const outcome = await liveProbes(home).run(expect.probe as never, (expect.args ?? {}) as never);
        if (outcome.status === 'ok') {
          const selected = selectValue(outcome.value, expect.select);
          if (selected.ok)
            return Array.isArray(selected.value) ? selected.value.map(String) : String(selected.value);
        }
      }
      return referenceOf(exercise, question, part);
    }

    /**
     * A task, done in the other terminal as the reference solution does it: its `lab …` command
     * (a student types it as the solution writes it). Tasks whose solution is setup steps are done
     * by `work` above, the way a student would.
     */
    async function doTask(exercise: string, question: PackQuestion): Promise<void> {
      const solution = referenceOf(exercise, question);
      if (typeof solution !== 'string') return;
      // Typed already from the texts (pack-walk): a student does not run a task twice.
      if (textsRan.some((script) => script.split('\n').some((line) => line.trim() === solution.trim())))
        return;
      const [command, ...args] = solution.trim().split(/\s+/);
      if (command !== 'lab') throw new Error(`${exercise}/${question.id}: not a lab command: ${solution}`);
      await lab(...args);
    }

    const textProblems: string[] = [];
    const textsRan: string[] = [];
    /** The NameNode's name directory, as the texts' `<lab home>/dfs/name/current` reads. */
    const nameDir = () => path.join(home, 'dfs/name/current');
    const newest = (prefix: string) => async () => {
      const names = fs.readdirSync(nameDir()).filter((n) => n.startsWith(prefix) && !n.endsWith('.md5'));
      const last = names.sort().at(-1);
      if (last === undefined) throw new Error(`no ${prefix}* in ${nameDir()}`);
      return last;
    };
    const helloReplica = async () => {
      const outcome = await liveProbes(home).run('block.files', {
        path: '/e3/hello.txt',
        block: 0,
        datanode: 'dn3',
      });
      if (outcome.status !== 'ok')
        throw new Error(`block.files of /e3/hello.txt: ${JSON.stringify(outcome)}`);
      return outcome.value[0]!;
    };
    /** web-side's block 1 (/e15/web.txt has one replica of each block): its id and its file. */
    const webBlock1 = async (field: 'blockId' | 'blockFile') => {
      const outcome = await liveProbes(home).run('block.files', { path: '/e15/web.txt', block: 1 });
      if (outcome.status !== 'ok') throw new Error(`block.files of /e15/web.txt: ${JSON.stringify(outcome)}`);
      const replica = outcome.value[0]!;
      return field === 'blockFile' ? replica.blockFile : /blk_(\d+)$/.exec(replica.blockFile)![1]!;
    };
    /** What a student types for each placeholder of the texts. */
    const PLACEHOLDERS: Record<string, () => Promise<string>> = {
      '<lab home>': async () => home,
      '<that DataNode>': async () => {
        const step = found('corruption').exercise.setup.find((s) => 'corrupt' in s);
        if (step === undefined || !('corrupt' in step)) throw new Error('corruption has no corrupt step');
        return step.corrupt.replica!;
      },
      '<id of block 1>': async () => String(await webBlock1('blockId')),
      '<path find printed>': async () => String(await webBlock1('blockFile')),
      '<path to blk_…>': async () => (await helloReplica()).blockFile,
      '<path to blk_…_….meta>': async () => (await helloReplica()).metaFile,
      'edits_inprogress_…': newest('edits_inprogress_'),
      '<edits_inprogress_…>': async () => path.join(nameDir(), await newest('edits_inprogress_')()),
      'fsimage_<newest>': newest('fsimage_'),
      '<newest fsimage_…>': async () => path.join(nameDir(), await newest('fsimage_')()),
    };
    /** Inline spans that name a command in a sentence ("the shell's `lab fs -put`"), not one to run. */
    const MENTIONS = new Set([
      'lab fsck',
      'lab trace',
      'lab traffic',
      'lab distance',
      'lab slow',
      // The dashboard is interactive: a student opens it in a terminal of its own.
      'lab tui',
      'lab fs -put',
      'lab fs -put -d',
    ]);
    /** Commands the texts say fail: checkpoints' "`lab kill nn`, `lab fs -ls /` fails, `lab restart nn`". */
    const FAILURES = new Set(['lab fs -ls /']);

    /** The student types every command of the exercise's texts in the other terminal. */
    async function typeTexts(exerciseId: string): Promise<void> {
      const outcome = await runTextScripts({
        scripts: exerciseScripts(found(exerciseId).exercise),
        cwd: desk,
        env: { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral' },
        placeholders: PLACEHOLDERS,
        mentions: MENTIONS,
        failures: FAILURES,
      });
      textsRan.push(...outcome.ran);
      textProblems.push(...outcome.problems);
    }

    function scriptedIo(exerciseId: string, printed: string[]) {
      const exercise = found(exerciseId).exercise;
      let current: PackQuestion | undefined;
      let part: LeafQuestion | undefined;
      let worked = false;
      let hints = 0;
      const answer = async () => {
        if (current === undefined)
          throw new Error(`asked before any question was shown:\n${printed.slice(-3).join('\n')}`);
        const a = await answerFor(exerciseId, current, part);
        if (current.type === 'task' && typeof a === 'object' && !Array.isArray(a)) return a.input!;
        return a;
      };
      const asText = (a: RawAnswer) => (Array.isArray(a) ? a.join(', ') : String(a));
      const prompter: Prompter = {
        input: async (o) => {
          if (current?.type === 'task') await doTask(exerciseId, current);
          const text = asText(await answer());
          const valid = o.validate?.(text) ?? true;
          if (valid !== true) throw new Error(`${current?.id}: the runner refused ${text}: ${valid}`);
          return text;
        },
        number: async () => Number(asText(await answer())),
        select: async <V extends string>(o: { message: string; choices: { value: V }[] }) => {
          if (o.message.startsWith('Work in another terminal') && exerciseId === 'upload-blocks') {
            if (hints < HINTS_TAKEN) {
              hints++;
              return 'hint' as V;
            }
          }
          if (o.message.startsWith('Work in another terminal')) {
            if (!worked) {
              await work[exerciseId]?.();
              if (WHOLE_PACK) await typeTexts(exerciseId);
            }
            worked = true;
            const values = o.choices.map((c) => c.value as string);
            return (values.includes('questions') ? 'questions' : 'next') as V;
          }
          if (o.message === 'What now?')
            throw new Error(
              `${exerciseId}/${current?.id} was not accepted:\n${printed.slice(-3).join('\n')}`,
            );
          return asText(await answer()) as V;
        },
        checkbox: async <V extends string>() => (await answer()) as V[],
        confirm: async (o) => {
          if (o.message.startsWith('Done?') && current?.type === 'task') await doTask(exerciseId, current);
          return true;
        },
      };
      return {
        prompter,
        style: PLAIN,
        print: (text: string) => {
          printed.push(text);
          const shown = /^Question \d+\/\d+ · (\S+)/m.exec(text);
          if (shown) {
            current = exercise.questions.find((q) => q.id === shown[1]);
            part = undefined;
          }
          // A group asks part by part, each headed by the part's id.
          const head = /^(\S+)(?: \(.*\))?$/m.exec(text.split('\n', 1)[0] ?? '');
          if (head && current?.type === 'group') part = current.parts.find((p) => p.id === head[1]) ?? part;
        },
      };
    }

    it('records what the student ran, so lab grade of the runner-written answers gives full marks', async () => {
      // Ctrl-C during the first setup: it stops between steps, with the cluster running.
      const printed: string[] = [];
      const interrupt = new AbortController();
      const upload = found('upload-blocks');
      const cut = await prepareCluster({
        home,
        pack: upload.entry.pack,
        packDir: upload.entry.dir,
        exercise: upload.exercise,
        seed: SEED,
        ephemeralPorts: true,
        signal: interrupt.signal,
        io: {
          ...scriptedIo('upload-blocks', printed),
          print: (text) => {
            printed.push(text);
            if (text.includes('put /e1/zeros.dat')) interrupt.abort();
          },
        },
        stepsFor: (e, variant) =>
          new ScenarioRunner({
            baseDir: path.join(upload.entry.dir, path.dirname(e.file)),
            scratchDir: scratchDirOf(home),
            clusterDefaults: startOptionsFor(variant, {
              home,
              packDir: upload.entry.dir,
              ephemeralPorts: true,
            }),
          }),
      });
      expect(cut).toMatchObject({ ok: false });
      expect(printed.join('\n')).not.toContain('put /e1/mine.bin');

      // Resumed by `lab exercise`: the setup carries on (no "already exists"), then the walk.
      for (const id of EXERCISES) {
        const lines: string[] = [];
        const code = await runExercise(home, found(id), { setup: true }, scriptedIo(id, lines)).catch(
          (error: Error) => {
            throw new Error([error.message, ...textProblems].join('\n'), { cause: error });
          },
        );
        expect(code, [...lines, ...textProblems].join('\n')).toBe(0);
        expect(lines.join('\n')).toContain(`Exercise ${id} passed.`);
        if (id === 'upload-blocks') expect(lines.join('\n')).toContain('carrying on after step');
      }
      const progress = loadProgress(home).progress.packs['hdfs-basics']!;
      for (const id of EXERCISES) expect(progress.exercises[id]?.status).toBe('passed');

      // The extra uploads moved the ids: the reference solution's block id is not this student's.
      const { sheet } = loadAnswers({ home });
      expect(sheet.answers['block-files']?.['block-id']).not.toBe(reference['block-files']?.['block-id']);
      expect(sheet.ran?.['upload-blocks']).toEqual([
        { run: 'lab fs -put notes.bin /notes.bin', sizes: { 'notes.bin': String(3 * MB + 12345) } },
        // Under pack-walk the text's setrep comes first (the task is then done), then its upload.
        ...(WHOLE_PACK ? ['lab fs -setrep -w 2 /e1/mine.bin'] : []),
        {
          run: 'lab fs -D dfs.blocksize=32m -put forty-eight.bin /e1/tail16.bin',
          sizes: { 'forty-eight.bin': String(48 * MB) },
        },
        ...(WHOLE_PACK ? [] : ['lab fs -setrep -w 2 /e1/mine.bin']),
      ]);
      // The hints taken are in the file too, for the grader to price.
      expect(sheet.hints).toEqual({ 'upload-blocks': HINTS_TAKEN });
      expect(hintCost).toBeGreaterThan(0);

      // The instructor grades the file the student submits, from elsewhere, on a fresh cluster.
      const submitted = path.join(root, 'submitted.yaml');
      fs.copyFileSync(exercisePaths(home).answers, submitted);
      const report = await gradeOnCluster({
        packDir: upload.entry.dir,
        seed: SEED,
        answersFile: submitted,
        exercises: EXERCISES,
        ephemeralPorts: true,
        workDir: root,
      });
      const failed = report.tests.filter((t) => t.status !== 'pass');
      expect(
        failed.map((t) => t.name),
        JSON.stringify(failed, null, 2),
      ).toEqual([]);
      expect(report.unreadable).toEqual([]);
      expect(report.hints).toEqual([
        { exercise: 'upload-blocks', taken: HINTS_TAKEN, cost: hintCost, deducted: hintCost },
      ]);
      expect(report.score).toBe(report.maxScore - hintCost);
      // Every command the texts print ran as printed (pack-walk).
      expect(textProblems).toEqual([]);
      if (WHOLE_PACK) expect(textsRan.length).toBeGreaterThan(30);
    }, 3_600_000);
  },
);

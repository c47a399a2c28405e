/**
 * The exercise commands of students:
 *   lab exercises                  packs and exercises, with progress
 *   lab exercise ID [--seed S]     prepare the cluster, walk the steps, ask and check the questions
 *   lab check ID [--answers FILE]  re-check without prompting (saved answers, or a file)
 *   lab hint ID [QUESTION]         the next hint (a question's own first)
 *   lab progress                   points per exercise
 *   lab reset ID                   forget an exercise's progress, hints and answers
 * Every one takes `--pack DIR` (repeatable) besides the built-in packs of exercises/.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inspectHome, readDescription } from '../../cluster/home/home.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { collect } from '../cli/parse.js';
import { err, out, printJson } from '../cli/output.js';
import { formatUnreadable } from '../answers/answer-sheet.js';
import { markExercise, recordReset } from '../answers/command-log.js';
import { systemClock, type CheckEnv } from '../answers/judge.js';
import { liveProbes } from '../checks/registry.js';
import { questionHints, type Exercise, type PackQuestion } from '../pack/pack.js';
import { inquirerPrompter } from '../runner/prompts.js';
import { findInCatalog, loadCatalog, type Catalog, type FoundExercise } from '../runner/catalog.js';
import { checkSaved, renderCheck } from '../runner/check.js';
import { clusterState, startOptionsFor } from '../runner/cluster.js';
import { prepareCluster, resetCluster } from '../runner/prepare.js';
import { setupFolders } from '../runner/setup.js';
import { renderCatalog, renderHint, renderProgress, styleFor } from '../runner/render.js';
import { SavedState } from '../runner/saved.js';
import { walkExercise, type RunnerIo } from '../runner/walk.js';
import { readAnswersText } from '../answers/prepare.js';
import { settleTimes } from '../checks/settle-time.js';
import { prepareAnswers } from '../answers/prepare.js';
import { chooseVariant, type ClusterVariant } from '../pack/variant.js';
import { ScenarioRunner, scratchDirOf } from '../scenario/runner.js';

interface PackFlags {
  pack: string[];
}

function withPackOption(command: Command): Command {
  return command.option(
    '--pack <dir>',
    'also use this pack folder (or folder of packs); repeatable',
    collect,
    [],
  );
}

/** A pack id's seed: the one asked for, else the one saved in the student's progress. */
type SeedOf = (packId: string) => string | undefined;

function savedSeeds(saved: SavedState, asked?: string): SeedOf {
  return (packId) => asked ?? saved.progress.packs[packId]?.seed;
}

/**
 * Packs are rendered with the student's seed (their parameters and templates); without a saved or
 * given one, with their user name, as `lab exercise` would start.
 */
function catalogOf(flags: PackFlags, seedOf: SeedOf): Catalog {
  const catalog = loadCatalog({ extraDirs: flags.pack, seedOf });
  for (const problem of catalog.problems) err(`lab: ${problem}`);
  return catalog;
}

function find(flags: PackFlags, id: string, seedOf: SeedOf): FoundExercise {
  const found = findInCatalog(catalogOf(flags, seedOf), id);
  if (!found.ok) throw new UsageError(found.message);
  return found.found;
}

function savedState(home: string): SavedState {
  const saved = new SavedState(home);
  for (const warning of saved.warnings) err(`lab: ${warning}`);
  return saved;
}

function io(): RunnerIo {
  return { prompter: inquirerPrompter, print: out, style: styleFor(process.stdout) };
}

function checkEnv(home: string): CheckEnv {
  // Checks wait as long as this cluster's intervals need (lab/checks/settle-time.ts).
  return {
    probes: liveProbes(home),
    clock: systemClock,
    deadlineMsDefault: settleTimes(readDescription(home)?.conf).checkMs,
  };
}

/** lab exercises, exercise, check, hint, progress and reset: the commander declarations; the work is in lab/runner. */
export function registerExercise(program: Command): void {
  registerExercisesList(program);
  registerExerciseRun(program);
  registerCheck(program);
  registerHint(program);
  registerProgress(program);
  registerReset(program);
}

/** `lab exercises`: the packs and their exercises, with the saved progress. */
function registerExercisesList(program: Command): void {
  withPackOption(
    program
      .command('exercises')
      .description('list the exercise packs and their exercises, with your progress'),
  )
    .option('--json', 'print packs, exercises and progress as JSON')
    .action((flags: PackFlags & { json?: boolean }, command: Command) => {
      const saved = savedState(homeOf(command));
      const catalog = catalogOf(flags, savedSeeds(saved));
      if (flags.json === true)
        printJson({
          packs: catalog.packs.map(({ pack, dir }) => ({
            id: pack.id,
            title: pack.title,
            version: pack.version,
            dir,
            exercises: pack.exercises
              .filter((e) => !e.hidden)
              .map((e) => ({
                id: e.id,
                title: e.title,
                points: e.points,
                status: saved.progress.packs[pack.id]?.exercises[e.id]?.status ?? 'not-started',
              })),
          })),
        });
      else out(renderCatalog(catalog.packs, saved.progress, styleFor(process.stdout)));
    });
}

/** `lab exercise ID`: prepare the cluster, explain, ask and check. */
function registerExerciseRun(program: Command): void {
  withPackOption(
    program
      .command('exercise')
      .description('work through an exercise: the lab prepares the cluster, explains, asks and checks')
      .argument('<id>', 'exercise id (or pack/exercise)'),
  )
    .option('--seed <seed>', 'your seed (default: the one you used before, else your user name)')
    .option('--no-setup', "use the cluster as it is: do not start it or replay the exercises' setup")
    .action(async (id: string, flags: PackFlags & { seed?: string; setup: boolean }, command: Command) => {
      const home = homeOf(command);
      const found = find(flags, id, savedSeeds(savedState(home), flags.seed));
      const code = await runExercise(home, found, flags);
      if (code !== 0) throw new CommandExit(code);
    });
}

/** `lab check ID`: check saved answers (or an answers file) on the running cluster, without prompting. */
function registerCheck(program: Command): void {
  withPackOption(
    program
      .command('check')
      .description('check an exercise without prompting: your saved answers, or an answers file')
      .argument('<id>', 'exercise id (or pack/exercise)'),
  )
    .option('--answers <file>', 'an answers file (answers.yaml) instead of the saved answers')
    .option('--json', 'print the results as JSON')
    .action(async (id: string, flags: PackFlags & { answers?: string; json?: boolean }, command: Command) => {
      const home = homeOf(command);
      const saved = savedState(home);
      // The answers are checked against the running cluster: its seed chose the pack's parameters.
      const clusterSeed = readDescription(home)?.seed;
      const { entry, exercise } = find(
        flags,
        id,
        (packId) => clusterSeed ?? saved.progress.packs[packId]?.seed,
      );
      if (inspectHome(home).running.length === 0)
        throw new UsageError(
          `no cluster is running in ${home}: checks read the live cluster. Start it with \`lab exercise ${exercise.id}\` (or \`lab start\`).`,
        );
      let answers = saved.answersOf(exercise);
      if (flags.answers !== undefined) {
        const file = path.resolve(flags.answers);
        if (!existsSync(file)) throw new UsageError(`${flags.answers}: no such answers file`);
        // A pack's reference solution may use the pack's template variables ({{ corrupted }});
        // lab grade renders them the same way (readAnswersText).
        const read = readAnswersText(readFileSync(file, 'utf8'), entry.scope);
        for (const u of read.unreadable) err(`lab: ${formatUnreadable(u, flags.answers)}`);
        answers = Object.hasOwn(read.sheet.answers, exercise.id)
          ? read.sheet.answers[exercise.id]
          : undefined;
      }
      // A task is checked on this cluster: the commands an answers file records for it (for
      // \`lab grade\`, which replays them on a fresh cluster) are not run here.
      if (answers !== undefined) answers = prepareAnswers(exercise, answers).answers;
      const { results, exitCode } = await checkSaved({
        pack: entry.pack,
        exercise,
        answers,
        progress: saved.progress,
        env: checkEnv(home),
      });
      saved.recordChecks(entry.pack, exercise, results);
      if (flags.json === true) printJson({ exercise: `${entry.pack.id}/${exercise.id}`, results });
      else out(renderCheck(exercise, results, styleFor(process.stdout)));
      if (exitCode !== 0) throw new CommandExit(exitCode);
    });
}

/** `lab hint ID [QUESTION]`: the next hint of the exercise, or of one of its questions (its own first). */
function registerHint(program: Command): void {
  withPackOption(
    program
      .command('hint')
      .description("show the next hint: the question's own first, then the exercise's")
      .argument('<id>', 'exercise id (or pack/exercise)')
      .argument('[question]', "a question id of the exercise: that question's hints first"),
  ).action((id: string, questionId: string | undefined, flags: PackFlags, command: Command) => {
    const saved = savedState(homeOf(command));
    const { entry, exercise } = find(flags, id, savedSeeds(saved));
    const question = questionId === undefined ? undefined : questionOf(exercise, questionId);
    const turn = saved.takeHint(entry.pack, exercise, question);
    if (turn !== undefined) return out(renderHint(turn, styleFor(process.stdout)));
    const none =
      exercise.hints.length === 0 && (question === undefined || questionHints(question).length === 0);
    const of = question === undefined ? exercise.id : `${exercise.id}/${question.id}`;
    out(none ? `${of} has no hints.` : `No more hints for ${of}.`);
  });
}

/** A question of the exercise by its id; an unknown one names those there are. */
function questionOf(exercise: Exercise, id: string): PackQuestion {
  const question = exercise.questions.find((q) => q.id === id);
  if (question !== undefined) return question;
  throw new UsageError(
    `${exercise.id} has no question ${id}; its questions are: ${exercise.questions.map((q) => q.id).join(', ')}`,
  );
}

/** `lab progress`: the saved progress and points. */
function registerProgress(program: Command): void {
  withPackOption(program.command('progress').description('your progress and points, per exercise'))
    .option('--json', 'print the saved progress as JSON')
    .action((flags: PackFlags & { json?: boolean }, command: Command) => {
      const saved = savedState(homeOf(command));
      if (flags.json === true) printJson(saved.progress);
      else
        out(
          renderProgress(catalogOf(flags, savedSeeds(saved)).packs, saved.progress, styleFor(process.stdout)),
        );
    });
}

/** `lab reset ID`: an exercise started over, in the answers and on the cluster. */
function registerReset(program: Command): void {
  withPackOption(
    program
      .command('reset')
      .description(
        'start an exercise over: its folders removed and its setup run again on the running cluster; its progress, hints and answers forgotten',
      )
      .argument('<id>', 'exercise id (or pack/exercise)'),
  ).action(async (id: string, flags: PackFlags, command: Command) => {
    const home = homeOf(command);
    const saved = savedState(home);
    const { entry, exercise } = find(flags, id, savedSeeds(saved));
    saved.reset(entry.pack, exercise);
    out(`Forgot the progress, hints and answers of ${entry.pack.id}/${exercise.id}.`);
    const state = clusterState(home, chooseVariant(entry.pack.cluster, entry.seed));
    if (state.kind !== 'pack' || !state.running) {
      out(
        `The cluster in ${home} is not the pack's running cluster, so its part of it was left as it is; ` +
          `\`lab exercise ${exercise.id}\` starts the exercise again.`,
      );
      return;
    }
    out(
      `Resetting ${exercise.id}'s part of the cluster: ${setupFolders(exercise).join(', ') || 'nothing to remove'}, then its setup.`,
    );
    const reset = await resetCluster({
      home,
      pack: entry.pack,
      exercise,
      seed: entry.seed,
      io: io(),
      stepsFor: (e: Exercise, variant: ClusterVariant) => scenarioSteps(home, entry.dir, e, variant),
    });
    if (!reset.ok) throw new UsageError(reset.message);
    // lab grade does the same at this point of what the student ran (command-log.ts).
    recordReset(home, exercise.id);
    saved.save();
    out(`Done: \`lab exercise ${exercise.id}\` starts it again.`);
  });
}

/** The setup steps of an exercise of the pack in `packDir`, run on the cluster in `home`. */
function scenarioSteps(home: string, packDir: string, e: Exercise, variant: ClusterVariant): ScenarioRunner {
  return new ScenarioRunner({
    baseDir: path.join(packDir, path.dirname(e.file)),
    scratchDir: scratchDirOf(home),
    clusterDefaults: startOptionsFor(variant, { home, packDir }),
  });
}

/**
 * The interactive walk; returns the exit code (130 after Ctrl-C, as a shell reports it). Tests
 * give their own prompter (test/integration/runner-grade.test.ts).
 */
export async function runExercise(
  home: string,
  { entry, exercise }: FoundExercise,
  flags: { seed?: string; setup: boolean },
  runnerIo: RunnerIo = io(),
): Promise<number> {
  const saved = savedState(home);
  // The catalog rendered the pack with this seed (the one given, else saved, else the user name).
  const seed = entry.seed;
  if (saved.seedOf(entry.pack) !== seed) saved.setSeed(entry.pack, seed);
  const interrupt = new AbortController();
  let inSetup = false;
  // Outside a prompt (a setup step, a check), Ctrl-C is a signal: during setup, stop between steps;
  // elsewhere leave at once. Everything is saved already; the cluster runs in processes of its own.
  const onSigint = () => {
    if (inSetup && !interrupt.signal.aborted) {
      interrupt.abort();
      err('\nStopping after the current setup step; the cluster keeps running.');
      return;
    }
    err('\nStopped. Your answers and progress are saved; the cluster keeps running.');
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    if (flags.setup) {
      inSetup = true;
      const prepared = await prepareCluster({
        home,
        pack: entry.pack,
        packDir: entry.dir,
        exercise,
        seed,
        io: runnerIo,
        signal: interrupt.signal,
        stepsFor: (e: Exercise, variant: ClusterVariant) => scenarioSteps(home, entry.dir, e, variant),
      });
      inSetup = false;
      if (!prepared.ok) {
        err(`lab: ${prepared.message}`);
        return interrupt.signal.aborted ? 130 : 1;
      }
    }
    // From here on, what the student runs on the cluster is recorded under this exercise.
    markExercise(home, exercise.id);
    const outcome = await walkExercise({
      pack: entry.pack,
      exercise,
      saved,
      env: checkEnv(home),
      io: runnerIo,
    });
    return outcome === 'cancelled' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

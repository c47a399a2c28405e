/**
 * The I/O stage of `lab grade` and `lab pack test`: one fresh cluster in a temporary lab home,
 * booted as the student's variant; every exercise's setup replayed in pack order (as a student
 * working through the pack leaves it); after each exercise's setup, a visitor checks that
 * exercise; at the end — or on an error, or on Ctrl-C — every process it started is stopped and
 * the temporary home removed.
 *
 * Setup that cannot complete (a step that fails or times out) makes the rest of the pack
 * unknowable: the visitor is told, and grades say *unknown* rather than fail a student for a
 * cluster that did not converge.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../cluster/common/package-root.js';
import { stopNodes } from '../../cluster/launcher/launcher.js';
import { systemClock, type CheckEnv } from '../answers/judge.js';
import { liveProbes } from '../checks/registry.js';
import type { Exercise } from '../pack/pack.js';
import { startOptionsFor } from '../runner/cluster.js';
import { keepRunningCluster, LEAVE_SAFE_MODE } from '../runner/prepare.js';
import { setupFolders } from '../runner/setup.js';
import type { SeededPack } from '../pack/seeded.js';
import { settleTimes } from '../checks/settle-time.js';
import { formatOutcome, ScenarioRunner } from '../scenario/runner.js';
import { describeStep, stepName, type Step, type StepContext, type StepRunner } from '../scenario/steps.js';
import type { TaskCommand } from '../answers/task-commands.js';
import {
  GRADING_COMMAND_TIMEOUT_MS,
  GRADING_COMMAND_OUTPUT_CHARS_MAX,
} from '../../cluster/protocol/limits.js';

export interface PackClusterOptions {
  /** A seeded, valid pack (loadSeededPack). */
  seeded: SeededPack & { pack: NonNullable<SeededPack['pack']>; variant: NonNullable<SeededPack['variant']> };
  /** Only these exercises are visited (the setups of those before them still run). */
  exercises?: readonly string[] | undefined;
  /**
   * An exercise before the visited ones, after its setup: what a student does there that later
   * ids depend on (`lab pack test --exercises` runs the solution's task commands here).
   */
  passBy?:
    ((exercise: Exercise, stage: Extract<ExerciseStage, { ready: true }>) => Promise<void>) | undefined;
  /** Where the temporary home goes; default the OS temp folder. */
  workDir?: string | undefined;
  /** Keep the temporary home afterwards (to read its logs). */
  keepHome?: boolean | undefined;
  ephemeralPorts?: boolean | undefined;
  daemonScript?: string | undefined;
  readyTimeoutMs?: number | undefined;
  /** How long a check waits for the cluster (default: from the cluster's intervals, lab/checks/settle-time.ts). */
  deadlineMsDefault?: number | undefined;
  signal?: AbortSignal | undefined;
  log?: ((line: string) => void) | undefined;
}

export interface CommandOutcome {
  command: string;
  ok: boolean;
  /** A line for the report: `ok`, or the error and the command's last output. */
  detail: string;
}

export type ExerciseStage =
  | {
      ready: true;
      home: string;
      env: CheckEnv;
      /** Run a task's commands on this cluster, in order, stopping at none (each is reported). */
      runCommands(commands: readonly TaskCommand[], cwd: string): Promise<CommandOutcome[]>;
    }
  | { ready: false; reason: string };

/** Which exercises are visited, and up to which one setups are replayed. */
export function exercisesToVisit(exercises: readonly Exercise[], only?: readonly string[]): Exercise[] {
  if (only === undefined) return [...exercises];
  const unknown = only.filter((id) => !exercises.some((e) => e.id === id));
  if (unknown.length > 0) throw new Error(`the pack has no exercise ${unknown.join(', ')}`);
  const last = Math.max(...only.map((id) => exercises.findIndex((e) => e.id === id)));
  return exercises.slice(0, last + 1);
}

/** The repository (or installed package) root: bin/lab.js and package.json live there. */
export const labRoot = packageRoot;

export function labVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(labRoot(), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function withPackCluster(
  options: PackClusterOptions,
  visit: (exercise: Exercise, stage: ExerciseStage) => Promise<void>,
): Promise<void> {
  const { pack, variant, dir: packDir, seed } = options.seeded;
  const log = options.log ?? (() => {});
  const plan = exercisesToVisit(pack.exercises, options.exercises);
  const visited = new Set(options.exercises ?? plan.map((e) => e.id));
  const root = fs.mkdtempSync(path.join(options.workDir ?? os.tmpdir(), 'hdfs-lab-grade-'));
  const home = path.join(root, 'home');
  // The same options `lab exercise` boots a student's cluster with (an inline topology is written
  // into the temporary home).
  const clusterDefaults = startOptionsFor(variant, {
    home,
    packDir,
    ephemeralPorts: options.ephemeralPorts ?? process.env.LAB_PORTS === 'ephemeral',
  });
  const runnerOptions = {
    clusterDefaults,
    ephemeralPorts: clusterDefaults.ephemeralPorts,
    ...(options.daemonScript === undefined ? {} : { daemonScript: options.daemonScript }),
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
  };
  const context: StepContext = {
    home,
    seed,
    log,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const env: CheckEnv = {
    probes: liveProbes(home),
    clock: systemClock,
    // Checks wait as long as the student's cluster needs (its heartbeat and recheck intervals).
    deadlineMsDefault: options.deadlineMsDefault ?? settleTimes(variant.conf).checkMs,
  };
  let broken: string | undefined;
  try {
    for (const [index, exercise] of plan.entries()) {
      if (options.signal?.aborted) broken ??= 'interrupted (Ctrl-C)';
      if (broken === undefined) {
        const steps = keepRunningCluster(
          home,
          new ScenarioRunner({ ...runnerOptions, baseDir: path.join(packDir, exercise.id) }),
        );
        // An exercise's setup without `start` runs on the cluster as it is (out of safe mode).
        const setup =
          exercise.setup[0] !== undefined && stepName(exercise.setup[0]) === 'start'
            ? exercise.setup
            : index === 0
              ? [{ start: {} } as Step, ...exercise.setup]
              : [LEAVE_SAFE_MODE, ...exercise.setup];
        broken = await replay(exercise.id, setup, steps, context);
      }
      const stage: ExerciseStage =
        broken !== undefined
          ? { ready: false, reason: broken }
          : {
              ready: true,
              home,
              env,
              runCommands: (commands, cwd) =>
                runCommands(commands, {
                  home,
                  cwd,
                  context,
                  runnerOptions,
                  packDir: path.join(packDir, exercise.id),
                  reset: async (id) => {
                    const target = pack.exercises.find((e) => e.id === id);
                    if (target === undefined) return `the pack has no exercise ${id}`;
                    const steps = keepRunningCluster(
                      home,
                      new ScenarioRunner({ ...runnerOptions, baseDir: path.join(packDir, target.id) }),
                    );
                    // As \`lab reset\` did on the student's cluster (lab/runner/setup.ts resetSetup).
                    for (const folder of setupFolders(target))
                      await steps.run({ rm: { path: folder, recursive: true } } as Step, context);
                    return replay(target.id, target.setup, steps, context);
                  },
                }),
            };
      if (visited.has(exercise.id)) await visit(exercise, stage);
      else if (stage.ready) await options.passBy?.(exercise, stage);
    }
  } finally {
    const stopped = await stopNodes(home).catch(() => []);
    const count = stopped.filter((s) => s.outcome !== 'not running').length;
    if (count > 0) log(`stopped ${count} processes of the grading cluster`);
    if (options.keepHome === true) log(`the grading cluster's home is kept in ${home}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

/** One exercise's setup; undefined when done, else why the cluster is not the one expected. */
async function replay(
  exercise: string,
  setup: readonly Step[],
  steps: StepRunner,
  context: StepContext,
): Promise<string | undefined> {
  context.log(`setup of ${exercise}:`);
  for (const step of setup) {
    if (context.signal?.aborted) return 'interrupted (Ctrl-C)';
    const outcome = await steps.run(step, context);
    context.log(`  ${describeStep(step)}: ${formatOutcome(outcome)}`);
    if (outcome.status !== 'done')
      return `the setup of ${exercise} stopped at \`${describeStep(step)}\`: ${formatOutcome(outcome)}`;
  }
  return undefined;
}

async function runCommands(
  commands: readonly TaskCommand[],
  where: {
    home: string;
    cwd: string;
    context: StepContext;
    runnerOptions: ConstructorParameters<typeof ScenarioRunner>[0];
    packDir: string;
    /** Reset an exercise's part of the cluster; undefined when done, else why not. */
    reset(exercise: string): Promise<string | undefined>;
  },
): Promise<CommandOutcome[]> {
  const outcomes: CommandOutcome[] = [];
  for (const command of commands) {
    if (where.context.signal?.aborted) break;
    if (command.kind === 'reset') {
      const problem = await where.reset(command.exercise);
      outcomes.push({ command: command.text, ok: problem === undefined, detail: problem ?? 'ok' });
    } else if (command.kind === 'step') {
      const runner = keepRunningCluster(
        where.home,
        new ScenarioRunner({ ...where.runnerOptions, baseDir: where.cwd }),
      );
      const outcome = await runner.run(command.step, where.context);
      outcomes.push({ command: command.text, ok: outcome.status === 'done', detail: formatOutcome(outcome) });
    } else outcomes.push(await runLab(command, where));
  }
  return outcomes;
}

/**
 * A local file a student's command uploaded, recreated at its recorded size (command-log.ts):
 * zeros, since ids, block counts and lengths follow from the size alone.
 */
function withLocalFiles(
  argv: readonly string[],
  sizes: Readonly<Record<string, number>>,
): {
  argv: string[];
  cleanup(): void;
} {
  if (Object.keys(sizes).length === 0) return { argv: [...argv], cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdfs-lab-replay-'));
  const stand = new Map<string, string>();
  for (const [index, [word, bytes]] of Object.entries(sizes).entries()) {
    const file = path.join(dir, `local-${index}${path.extname(word)}`);
    fs.writeFileSync(file, '');
    fs.truncateSync(file, bytes);
    stand.set(word, file);
  }
  return {
    argv: argv.map((w) => stand.get(w) ?? w),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function runLab(
  command: Extract<TaskCommand, { kind: 'lab' }>,
  where: { home: string; cwd: string },
): Promise<CommandOutcome> {
  const bin = path.join(labRoot(), 'bin', 'lab.js');
  const local = withLocalFiles(command.argv, command.sizes ?? {});
  return new Promise<CommandOutcome>((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, '--home', where.home, ...local.argv],
      {
        cwd: where.cwd,
        env: { ...process.env, CI: 'true', LAB_HOME: where.home },
        timeout: GRADING_COMMAND_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        local.cleanup();
        const tail = `${stderr}${stdout}`.trim().slice(-GRADING_COMMAND_OUTPUT_CHARS_MAX);
        if (!error) resolve({ command: command.text, ok: true, detail: 'ok' });
        else
          resolve({
            command: command.text,
            ok: false,
            detail: `exit ${String(error.code ?? error.signal ?? '?')}${tail === '' ? '' : `: ${tail}`}`,
          });
      },
    );
    // A command that read standard input (`lab fs -put - /x`) reads an empty one here.
    child.stdin?.end();
  });
}

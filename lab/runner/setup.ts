/**
 * Replaying exercises' setup on the student's cluster. Doing a pack in order leaves the cluster
 * with every earlier exercise's setup applied; jumping to an exercise replays the setups of those
 * before it (and of the exercises it names in `depends`) that this cluster has not had, so the
 * cluster is the one the exercise was written for. Which setups a cluster has had is kept in
 * `<home>/exercises/setup.json`, keyed by the cluster's id (a new cluster starts afresh).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeStep, type Step, type StepContext, type StepRunner } from '../scenario/steps.js';
import type { Exercise, Pack } from '../pack/pack.js';
import { exercisePaths } from './store.js';

export interface SetupRecord {
  /** The NameNode's cluster id (from `lab dfsadmin -report`): survives restarts, not a reformat. */
  clusterId: string;
  /** `pack/exercise` whose setup ran on this cluster, in the order they ran. */
  applied: string[];
  /**
   * A setup cut short (Ctrl-C, a closed terminal): its first `done` steps are done; `running`
   * when the next one had begun, so it may have left a half-uploaded file. The next replay
   * carries on from there instead of redoing what exists.
   */
  partial?: { key: string; done: number; running: boolean };
}

export function setupKey(pack: Pack, exercise: Exercise): string {
  return `${pack.id}/${exercise.id}`;
}

/** The exercises whose setup must run before `exercise` is worked on, in pack order. */
export function setupPlan(pack: Pack, exercise: Exercise, applied: ReadonlySet<string>): Exercise[] {
  const index = pack.exercises.findIndex((e) => e.id === exercise.id);
  const wanted = new Set(pack.exercises.slice(0, index + 1).map((e) => e.id));
  const pending = [...exercise.depends];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (wanted.has(id)) continue;
    wanted.add(id);
    pending.push(...(pack.exercises.find((e) => e.id === id)?.depends ?? []));
  }
  return pack.exercises.filter(
    (e) => wanted.has(e.id) && e.setup.length > 0 && !applied.has(setupKey(pack, e)),
  );
}

function recordFile(home: string): string {
  return path.join(exercisePaths(home).dir, 'setup.json');
}

/** The setups applied to the cluster with this id (none for another cluster or an unreadable file). */
export function loadSetupRecord(home: string, clusterId: string): SetupRecord {
  const file = recordFile(home);
  if (!existsSync(file)) return { clusterId, applied: [] };
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<SetupRecord>;
    if (value.clusterId === clusterId && Array.isArray(value.applied)) {
      const applied = value.applied.filter((a): a is string => typeof a === 'string');
      const p = value.partial;
      const partial =
        p !== undefined && typeof p.key === 'string' && Number.isInteger(p.done) && p.done >= 0
          ? { partial: { key: p.key, done: p.done, running: p.running === true } }
          : {};
      return { clusterId, applied, ...partial };
    }
  } catch {
    // A file that is not ours: the next save replaces it.
  }
  return { clusterId, applied: [] };
}

export function saveSetupRecord(home: string, record: SetupRecord): void {
  const file = recordFile(home);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, file);
}

export type SetupResult =
  | { status: 'done'; ran: string[] }
  | { status: 'failed'; exercise: string; step: string; message: string; ran: string[] };

/**
 * Run the planned setups one exercise at a time, recording each step as it ends and each exercise
 * once all its steps are done. Stops at the first step that fails (or at Ctrl-C, between steps),
 * naming it. A setup cut short earlier carries on after its last finished step; an upload that
 * had begun is removed first, so the step runs whole again rather than failing on what it left.
 */
export async function replaySetup(options: {
  home: string;
  pack: Pack;
  plan: readonly Exercise[];
  record: SetupRecord;
  steps: StepRunner;
  context: StepContext;
}): Promise<SetupResult> {
  const { home, pack, plan, steps, context } = options;
  let record: SetupRecord = { ...options.record, applied: [...options.record.applied] };
  const ran: string[] = [];
  for (const exercise of plan) {
    const key = setupKey(pack, exercise);
    const partial = record.partial?.key === key ? record.partial : undefined;
    const first = Math.min(partial?.done ?? 0, exercise.setup.length);
    context.log(
      first > 0 ? `setup of ${exercise.id} (carrying on after step ${first}):` : `setup of ${exercise.id}:`,
    );
    for (let index = first; index < exercise.setup.length; index++) {
      const step = exercise.setup[index]!;
      const line = describeStep(step);
      if (context.signal?.aborted)
        return { status: 'failed', exercise: exercise.id, step: line, message: 'interrupted', ran };
      if (index === first && partial?.running === true) await clearHalfDone(step, steps, context);
      record = { ...record, partial: { key, done: index, running: true } };
      saveSetupRecord(home, record);
      context.log(`  ${line}`);
      const outcome = await steps.run(step, context);
      if (outcome.status !== 'done') {
        const what = outcome.status === 'timeout' ? 'did not happen in time' : 'failed';
        return {
          status: 'failed',
          exercise: exercise.id,
          step: line,
          message: `${what}: ${outcome.message}`,
          ran,
        };
      }
      record = { ...record, partial: { key, done: index + 1, running: false } };
      saveSetupRecord(home, record);
      if (outcome.note !== undefined) context.log(`    ${outcome.note}`);
    }
    const { partial: _done, ...rest } = record;
    record = { ...rest, applied: [...record.applied, key] };
    saveSetupRecord(home, record);
    ran.push(exercise.id);
  }
  return { status: 'done', ran };
}

/** What an upload cut short may have left: the file, or the shell's `._COPYING_` beside it. */
async function clearHalfDone(step: Step, steps: StepRunner, context: StepContext): Promise<void> {
  if (!('put' in step)) return;
  const target = step.put.path;
  for (const p of [target, `${target}._COPYING_`]) {
    const outcome = await steps.run({ rm: { path: p } } as Step, context);
    if (outcome.status === 'done') context.log(`  removed ${p}, left by the setup cut short`);
  }
}

/**
 * The exercise's part of the namespace: the top folders its setup makes or uploads into
 * (`/e8` for `put /e8/data.bin`). `lab reset` removes them before the setup runs again.
 */
export function setupFolders(exercise: Exercise): string[] {
  const folders = new Set<string>();
  for (const step of exercise.setup) {
    const target = 'mkdir' in step ? step.mkdir.path : 'put' in step ? step.put.path : undefined;
    const top = target?.split('/').filter((part) => part !== '')[0];
    if (top !== undefined) folders.add(`/${top}`);
  }
  return [...folders];
}

/**
 * Reset an exercise's part of the cluster: remove its folders and run its setup again, whole.
 * The same steps run for `lab reset ID` on a student's cluster and for `lab reset ID` in an
 * answers file's `ran` on the grader's, so both clusters stay alike.
 */
export async function resetSetup(options: {
  home: string;
  pack: Pack;
  exercise: Exercise;
  record: SetupRecord;
  steps: StepRunner;
  context: StepContext;
}): Promise<SetupResult> {
  const { exercise, steps, context } = options;
  for (const folder of setupFolders(exercise)) {
    const outcome = await steps.run({ rm: { path: folder, recursive: true } } as Step, context);
    context.log(`  rm -r ${folder}: ${outcome.status === 'done' ? 'removed' : 'not there'}`);
  }
  const key = setupKey(options.pack, exercise);
  const { partial: _cut, ...rest } = options.record;
  const record = { ...rest, applied: rest.applied.filter((a) => a !== key) };
  saveSetupRecord(options.home, record);
  return replaySetup({ ...options, plan: [exercise], record });
}

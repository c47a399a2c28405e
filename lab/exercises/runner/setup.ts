/**
 * Replaying exercises' setup on the student's cluster. Doing a pack in order leaves the cluster
 * with every earlier exercise's setup applied; jumping to an exercise replays the setups of those
 * before it (and of the exercises it names in `depends`) that this cluster has not had, so the
 * cluster is the one the exercise was written for. Which setups a cluster has had is kept in
 * `<home>/exercises/setup.json`, keyed by the cluster's id (a new cluster starts afresh).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeStep, type StepContext, type StepRunner } from '../../scenario/steps.js';
import type { Exercise, Pack } from '../pack.js';
import { exercisePaths } from '../store.js';

export interface SetupRecord {
  /** The NameNode's cluster id (from `lab dfsadmin -report`): survives restarts, not a reformat. */
  clusterId: string;
  /** `pack/exercise` whose setup ran on this cluster, in the order they ran. */
  applied: string[];
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
    if (value.clusterId === clusterId && Array.isArray(value.applied))
      return { clusterId, applied: value.applied.filter((a): a is string => typeof a === 'string') };
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
 * Run the planned setups one exercise at a time, recording each exercise once all its steps are
 * done. Stops at the first step that fails (or at Ctrl-C, between steps), naming it.
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
  const record = { ...options.record, applied: [...options.record.applied] };
  const ran: string[] = [];
  for (const exercise of plan) {
    context.log(`setup of ${exercise.id}:`);
    for (const step of exercise.setup) {
      const line = describeStep(step);
      if (context.signal?.aborted)
        return { status: 'failed', exercise: exercise.id, step: line, message: 'interrupted', ran };
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
      if (outcome.note !== undefined) context.log(`    ${outcome.note}`);
    }
    record.applied.push(setupKey(pack, exercise));
    saveSetupRecord(home, record);
    ran.push(exercise.id);
  }
  return { status: 'done', ran };
}

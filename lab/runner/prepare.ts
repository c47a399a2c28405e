/**
 * Getting the student's cluster ready for an exercise: the pack's cluster with their seed, running,
 * with the setups of this exercise and the ones before it replayed. A cluster that is not the
 * pack's is replaced only when the student agrees (it wipes its HDFS data); declining keeps it.
 */
import { inspectHome, readDescription } from '../../cluster/home/home.js';
import { fetchNamenodeStatus, NamenodeHttpError } from '../../cluster/client/namenode-http-client.js';
import { DASHBOARD_CLIENT_ID } from '../traffic/lines.js';
import { stepName, type Step, type StepContext, type StepRunner } from '../scenario/steps.js';
import type { Exercise, Pack } from '../pack/pack.js';
import { chooseVariant, type ClusterVariant } from '../pack/variant.js';
import { bootCluster, clusterState, wipeCluster } from './cluster.js';
import { loadSetupRecord, replaySetup, resetSetup, setupPlan } from './setup.js';
import type { RunnerIo } from './walk.js';

export interface Preparation {
  home: string;
  pack: Pack;
  packDir: string;
  exercise: Exercise;
  seed: string;
  io: RunnerIo;
  /** A step runner for an exercise's setup (its `put local:` files are beside its exercise.yaml). */
  stepsFor(exercise: Exercise, variant: ClusterVariant): StepRunner;
  signal?: AbortSignal;
  ephemeralPorts?: boolean;
}

export type PrepareOutcome = { ok: true } | { ok: false; message: string };

export async function prepareCluster(p: Preparation): Promise<PrepareOutcome> {
  const variant = chooseVariant(p.pack.cluster, p.seed);
  const log = (line: string) => p.io.print(p.io.style.dim(line));
  const boot = async (what: string) => {
    p.io.print(`${what} (${variant.datanodes} DataNodes, seed ${p.seed})…`);
    await bootCluster(variant, {
      home: p.home,
      packDir: p.packDir,
      log,
      ...(p.ephemeralPorts === undefined ? {} : { ephemeralPorts: p.ephemeralPorts }),
    });
  };
  const state = clusterState(p.home, variant);
  if (state.kind === 'none') await boot("Starting the pack's cluster");
  else if (state.kind === 'pack' && !state.running)
    await boot("Starting the pack's cluster again, with its data");
  else if (state.kind === 'other') {
    p.io.print(`The cluster in ${p.home} is not the one ${p.pack.id} needs: ${state.reasons.join('; ')}.`);
    const choice = await p.io.prompter.select<'replace' | 'keep' | 'quit'>({
      message: 'What should the lab do?',
      choices: [
        { value: 'replace', name: "Replace it with the pack's cluster (its HDFS data is deleted)" },
        { value: 'keep', name: 'Keep it and carry on (answers are still checked against it)' },
        { value: 'quit', name: 'Quit (nothing is changed)' },
      ],
    });
    if (choice === 'quit') return { ok: false, message: 'Nothing was changed.' };
    if (choice === 'replace') {
      await wipeCluster(p.home);
      await boot("Starting the pack's cluster");
    } else if (!state.running) await boot('Starting the existing cluster');
  }
  return replay(p, variant);
}

/** The running cluster's id (NameNodeInfo's ClusterId, as a monitoring tool reads it from /jmx). */
async function clusterIdOf(home: string): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
  const description = readDescription(home);
  if (!description) return { ok: false, message: `no cluster description in ${home}` };
  try {
    const status = await fetchNamenodeStatus({ home, description }, { selfId: DASHBOARD_CLIENT_ID });
    return { ok: true, id: status.clusterId };
  } catch (error) {
    if (!(error instanceof NamenodeHttpError)) throw error;
    return { ok: false, message: `the NameNode does not answer (${error.message}); see \`lab status\`` };
  }
}

async function replay(p: Preparation, variant: ClusterVariant): Promise<PrepareOutcome> {
  const id = await clusterIdOf(p.home);
  if (!id.ok) return id;
  const clusterId = id.id;
  const record = loadSetupRecord(p.home, clusterId);
  const plan = setupPlan(p.pack, p.exercise, new Set(record.applied));
  if (plan.length === 0) return { ok: true };
  const earlier = plan.filter((e) => e.id !== p.exercise.id).map((e) => e.id);
  p.io.print(
    earlier.length > 0
      ? `Preparing the cluster: the setup of ${earlier.join(', ')} (the exercises before this one), then of ${p.exercise.id}.`
      : `Preparing the cluster for ${p.exercise.id}.`,
  );
  let applied = record;
  for (const exercise of plan) {
    const result = await replaySetup({
      home: p.home,
      pack: p.pack,
      plan: [exercise],
      record: applied,
      steps: keepRunningCluster(p.home, p.stepsFor(exercise, variant)),
      context: setupContext(p),
    });
    if (result.status === 'failed')
      return {
        ok: false,
        message:
          `The setup of ${result.exercise} stopped at \`${result.step}\`: ${result.message}.\n` +
          `The cluster is left as it is; see \`lab status\` and the logs in ${p.home}/logs, then run the exercise again.`,
      };
    applied = loadSetupRecord(p.home, clusterId);
  }
  return { ok: true };
}

/** What a setup's steps run with: the student's home and seed, its lines dimmed, the runner's abort. */
function setupContext(p: Pick<Preparation, 'home' | 'seed' | 'io' | 'signal'>): StepContext {
  return {
    home: p.home,
    seed: p.seed,
    log: (line) => p.io.print(p.io.style.dim(line)),
    ...(p.signal === undefined ? {} : { signal: p.signal }),
  };
}

/**
 * Before a setup on a cluster that is up, as a student's cluster has by the time they move on: a
 * NameNode the student restarted (the checkpoints exercise's `lab restart nn`) is out of safe
 * mode, which it leaves once the DataNodes have reported their blocks (`hdfs dfsadmin -safemode
 * wait`). A setup's mkdir or put in safe mode would fail as HDFS fails it.
 */
export const LEAVE_SAFE_MODE = { 'wait-for': { condition: 'safemode-off', deadline: '120s' } } as Step;

/**
 * Exercise setups begin with `start: {}` so that each can run on a clean lab home; on the cluster
 * the runner (or the grader) has prepared, the pack's with the student's seed, that step is
 * already done once the running NameNode is out of safe mode.
 */
export function keepRunningCluster(home: string, inner: StepRunner): StepRunner {
  return {
    run: async (step, context) => {
      if (stepName(step) !== 'start' || inspectHome(home).running.length === 0)
        return inner.run(step, context);
      const settled = await inner.run(LEAVE_SAFE_MODE, context);
      return settled.status === 'done' ? { status: 'done', note: 'the cluster is already running' } : settled;
    },
  };
}

/**
 * `lab reset ID` on a running cluster: the exercise's folders removed and its setup run again
 * (setup.ts resetSetup), so the exercise starts over on the cluster as well as in the answers.
 */
export async function resetCluster(
  p: Omit<Preparation, 'exercise' | 'packDir'> & { exercise: Exercise },
): Promise<PrepareOutcome> {
  const variant = chooseVariant(p.pack.cluster, p.seed);
  const id = await clusterIdOf(p.home);
  if (!id.ok) return id;
  const result = await resetSetup({
    home: p.home,
    pack: p.pack,
    exercise: p.exercise,
    record: loadSetupRecord(p.home, id.id),
    steps: keepRunningCluster(p.home, p.stepsFor(p.exercise, variant)),
    context: setupContext(p),
  });
  if (result.status === 'failed')
    return {
      ok: false,
      message: `The setup of ${result.exercise} stopped at \`${result.step}\`: ${result.message}; run \`lab reset ${p.exercise.id}\` again.`,
    };
  return { ok: true };
}

/**
 * Checks: a question's answer against the truth. Each check says pass, fail, unknown (the cluster
 * had not settled by the deadline, or the expected answer could not be computed) or skip (a
 * prerequisite did not pass). A failure says what was expected, what was found and where to look.
 *
 * `judge` is pure: a question, the student's answer and what the probe gave. `checkExercise`
 * drives it: it asks the probes, retries unsettled ones with an injected clock until the deadline,
 * and skips questions whose prerequisites did not pass.
 */
import { parseDuration } from '../../cluster/common/units.js';
import type { ProbeExpectation } from '../checks/expectation.js';
import {
  compareAnswer,
  displayAnswer,
  displayValue,
  readAnswer,
  readInput,
  toRaw,
  type RawAnswer,
  type ReadableQuestion,
  type Value,
} from '../pack/answer-types.js';
import type { Exercise, PackQuestion } from '../pack/pack.js';
import { selectValue, type ProbeOutcome, type ProbeRunner } from '../checks/probes.js';
import { lookAt } from '../checks/registry.js';
import type { LeafQuestion, ProbeRef } from '../pack/schema.js';
import type { ProbeArgs, ProbeName } from '../checks/registry.js';
import { satisfies } from '../checks/expectation.js';

export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'skip';

export interface CheckResult {
  /** `exercise/question`, or `exercise/question/part` for a part. */
  name: string;
  exercise: string;
  question: string;
  status: CheckStatus;
  score: number;
  maxScore: number;
  /** Details withheld from feedback (the grade reports print `hiddenMessage`). */
  hidden: boolean;
  /** One paragraph: what was expected, what was found, where to look next. */
  message: string;
  expected?: string;
  found?: string;
  lookAt?: string;
  parts?: CheckResult[];
}

/** Time, injected so tests and the simulator drive it. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const CHECK_LIMITS = {
  /** Re-replication after a DataNode is declared dead takes a few heartbeats (3 s each in the lab). */
  deadlineMsDefault: 15_000,
  /** Between probes of a cluster that has not settled: a heartbeat is 3 s, so 0.5 s misses little. */
  retryIntervalMs: 500,
} as const;

export interface CheckEnv {
  probes: ProbeRunner;
  clock: Clock;
  deadlineMsDefault?: number;
  /**
   * Judge a task on one reading instead of waiting for it to be done: for `lab pack test`'s
   * unsolved pass and for `lab grade` before the student's first command, where nothing was done
   * and nothing is coming.
   */
  tasksOnce?: boolean;
}

export const HIDDEN_MESSAGE = 'hidden check: details are not shown';

/** The message a student may see: a hidden check's details are withheld. */
export function publicMessage(result: CheckResult): string {
  if (!result.hidden || result.status === 'pass') return result.hidden ? 'passed' : result.message;
  return result.status === 'skip' ? result.message : HIDDEN_MESSAGE;
}

// ---- the pure judge --------------------------------------------------------------------------

/** What the cluster (or the pack) says the answer is. */
export type Expected =
  | { kind: 'stored'; value: unknown }
  | { kind: 'probe'; ref: ProbeRef; outcome: ProbeOutcome<unknown> }
  | { kind: 'none' };

interface Verdict {
  status: CheckStatus;
  fraction: number;
  message: string;
  expected?: string;
  found?: string;
  lookAt?: string;
}

function lookAtRef(ref: { probe: string; args?: Record<string, unknown> }): string {
  return lookAt(ref.probe as ProbeName, (ref.args ?? {}) as ProbeArgs<ProbeName>);
}

/** Expected value read from stored or probed data; a Verdict when it cannot be had. */
function expectedValue(
  question: ReadableQuestion,
  expected: Expected,
): { value: Value | undefined; raw?: RawAnswer } | Verdict {
  if (expected.kind === 'none') return { value: undefined };
  if (expected.kind === 'stored') {
    const raw = toRaw(expected.value);
    const read = readAnswer(question, raw);
    return read.ok
      ? { value: read.value, raw }
      : unknownVerdict(`the pack's answer cannot be read: ${read.message}`);
  }
  const where = lookAtRef(expected.ref);
  const { outcome } = expected;
  if (outcome.status === 'unsettled')
    return unknownVerdict(`the cluster has not settled (${outcome.reason}); try again in a moment`, where);
  if (outcome.status === 'error')
    return unknownVerdict(
      `the expected answer could not be read from the cluster: ${outcome.message}`,
      where,
    );
  const selected = selectValue(outcome.value, expected.ref.select);
  if (!selected.ok)
    return unknownVerdict(
      `the expected answer could not be read from the cluster: ${selected.message}`,
      where,
    );
  const raw = toRaw(selected.value);
  const read = readAnswer(question, raw);
  return read.ok
    ? { value: read.value, raw }
    : unknownVerdict(`the cluster's value cannot be read as ${question.type}: ${read.message}`, where);
}

function unknownVerdict(message: string, where?: string): Verdict {
  return { status: 'unknown', fraction: 0, message, ...(where === undefined ? {} : { lookAt: where }) };
}

/** A question with a written answer (every type but task). */
export function judgeAnswer(
  question: ReadableQuestion,
  answer: RawAnswer | undefined,
  expected: Expected,
): Verdict {
  const where = expected.kind === 'probe' ? lookAtRef(expected.ref) : undefined;
  const withWhere = (text: string) => (where === undefined ? text : `${text}; look at: ${where}`);
  if (answer === undefined || answer === '') return { status: 'fail', fraction: 0, message: 'no answer' };
  const found = readAnswer(question, answer);
  if (!found.ok)
    return { status: 'fail', fraction: 0, message: `your answer could not be read: ${found.message}` };
  const exp = expectedValue(question, expected);
  if ('status' in exp) return exp;
  const fraction = compareAnswer(question, found.value, exp.value);
  const foundText = displayAnswer(question, answer) ?? displayValue(question, found.value);
  const expectedText =
    exp.value === undefined
      ? describeTextRule(question)
      : ((exp.raw === undefined ? undefined : displayAnswer(question, exp.raw)) ??
        displayValue(question, exp.value));
  const texts = {
    expected: expectedText,
    found: foundText,
    ...(where === undefined ? {} : { lookAt: where }),
  };
  if (fraction >= 1) return { status: 'pass', fraction: 1, message: `right: ${foundText}`, ...texts };
  const partly = fraction > 0 ? ` (partly right: ${Math.round(fraction * 100)}%)` : '';
  return {
    status: 'fail',
    fraction,
    message: withWhere(`expected ${expectedText}, found ${foundText}${partly}`),
    ...texts,
  };
}

function describeTextRule(question: ReadableQuestion): string {
  // The pattern itself is the pack's business: a student is told the form in words.
  return question.type === 'text' && question.regex !== undefined
    ? 'an answer of the form the question describes'
    : 'an answer';
}

/** Substitute a task's input for "$answer" in its probe arguments. */
export function taskArgs(check: ProbeExpectation, input: Value | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(check.args ?? {}).map(([k, v]) => [k, v === '$answer' ? input : v]),
  );
}

/** A task: the cluster must show what the task asks. */
export function judgeTask(
  check: ProbeExpectation,
  outcome: ProbeOutcome<unknown>,
  args: Record<string, unknown>,
): Verdict {
  const where = lookAtRef({ probe: check.probe, args });
  if (outcome.status === 'unsettled')
    return unknownVerdict(`the cluster has not settled (${outcome.reason})`, where);
  if (outcome.status === 'error')
    return { status: 'fail', fraction: 0, message: `${outcome.message}; look at: ${where}`, lookAt: where };
  const selected = selectValue(outcome.value, check.select);
  if (!selected.ok)
    return { status: 'fail', fraction: 0, message: `${selected.message}; look at: ${where}`, lookAt: where };
  const verdict = satisfies(check, selected.value);
  const found = JSON.stringify(selected.value) ?? 'nothing';
  const subject = check.select === undefined ? check.probe : `${check.probe} ${check.select}`;
  if (verdict.ok)
    return { status: 'pass', fraction: 1, message: `done: ${subject} is ${found}`, found, lookAt: where };
  return {
    status: 'fail',
    fraction: 0,
    message: `expected ${subject} ${verdict.expected}, found ${found}; look at: ${where}`,
    expected: verdict.expected,
    found,
    lookAt: where,
  };
}

// ---- the driver ------------------------------------------------------------------------------

/**
 * How long a question waits for the cluster: what the cluster's intervals need (the env's
 * default, from lab/checks/settle-time.ts), or the question's own deadline when that is longer — a deadline
 * written for an idle machine never makes a busy one fail a right answer.
 */
function deadlineMs(question: { deadline?: string | number | undefined }, env: CheckEnv): number {
  const cluster = env.deadlineMsDefault ?? CHECK_LIMITS.deadlineMsDefault;
  if (question.deadline === undefined) return cluster;
  return Math.max(cluster, parseDuration(String(question.deadline), 's'));
}

/** Run a probe until it settles or the deadline passes; the last outcome. */
export async function probeUntilSettled(
  env: CheckEnv,
  name: string,
  args: Record<string, unknown>,
  deadline: number,
): Promise<ProbeOutcome<unknown>> {
  const end = env.clock.now() + deadline;
  for (;;) {
    const outcome = (await env.probes.run(
      name as ProbeName,
      args as ProbeArgs<ProbeName>,
    )) as ProbeOutcome<unknown>;
    if (outcome.status !== 'unsettled' || env.clock.now() >= end) return outcome;
    await env.clock.sleep(Math.min(CHECK_LIMITS.retryIntervalMs, Math.max(0, end - env.clock.now())));
  }
}

/**
 * A task is judged on the cluster's state, which follows the student's command by a heartbeat or
 * more (a restarted DataNode is live once it has registered; a bad replica is reported after the
 * read): re-read until the task is seen done or the deadline passes, then judge the last reading.
 */
async function taskUntilDone(
  env: CheckEnv,
  check: ProbeExpectation,
  args: Record<string, unknown>,
  deadline: number,
): Promise<Verdict> {
  const end = env.clock.now() + deadline;
  // Counted as well as timed: a clock that stands still (a test's) must not read forever.
  const readingsMax = Math.ceil(deadline / CHECK_LIMITS.retryIntervalMs) + 1;
  for (let reading = 1; ; reading++) {
    const left = Math.max(0, end - env.clock.now());
    const verdict = judgeTask(check, await probeUntilSettled(env, check.probe, args, left), args);
    if (verdict.status === 'pass' || env.tasksOnce === true || reading >= readingsMax) return verdict;
    if (env.clock.now() >= end) return verdict;
    await env.clock.sleep(Math.min(CHECK_LIMITS.retryIntervalMs, Math.max(0, end - env.clock.now())));
  }
}

async function verdictOf(
  question: LeafQuestion,
  answer: RawAnswer | undefined,
  env: CheckEnv,
): Promise<Verdict> {
  const deadline = deadlineMs(question, env);
  if (question.type === 'task') {
    let input: Value | undefined;
    if (question.input !== undefined) {
      if (answer === undefined || answer === '') return { status: 'fail', fraction: 0, message: 'no answer' };
      const read = readInput(question.input, answer);
      if (!read.ok)
        return { status: 'fail', fraction: 0, message: `your answer could not be read: ${read.message}` };
      input = read.value;
    }
    return taskUntilDone(env, question.check, taskArgs(question.check, input), deadline);
  }
  if (answer === undefined || answer === '') return { status: 'fail', fraction: 0, message: 'no answer' };
  let expected: Expected = { kind: 'none' };
  if (question.answer !== undefined) expected = { kind: 'stored', value: question.answer };
  else if (question.expect !== undefined) {
    const ref = question.expect;
    expected = {
      kind: 'probe',
      ref,
      outcome: await probeUntilSettled(env, ref.probe, ref.args ?? {}, deadline),
    };
  }
  return judgeAnswer(question, answer, expected);
}

function resultOf(
  exercise: string,
  path: string[],
  question: { points?: number | undefined; hidden?: boolean | undefined },
  verdict: Verdict,
): CheckResult {
  const maxScore = question.points ?? 0;
  const score =
    verdict.status === 'pass' ? maxScore : verdict.status === 'fail' ? maxScore * verdict.fraction : 0;
  const { fraction: _fraction, ...rest } = verdict;
  return {
    name: [exercise, ...path].join('/'),
    exercise,
    question: path[0]!,
    ...rest,
    score: Math.round(score * 100) / 100,
    maxScore,
    hidden: question.hidden ?? false,
  };
}

/** Check one question (with its parts), given what its prerequisites did. */
export async function checkQuestion(
  exercise: string,
  question: PackQuestion,
  answer: RawAnswer | undefined,
  env: CheckEnv,
): Promise<CheckResult> {
  if (question.type !== 'group')
    return resultOf(exercise, [question.id], question, await verdictOf(question, answer, env));
  const byPart = answer !== undefined && typeof answer === 'object' && !Array.isArray(answer) ? answer : {};
  const parts: CheckResult[] = [];
  for (const part of question.parts) {
    const verdict = await verdictOf(part, ownAnswer(byPart, part.id), env);
    parts.push(
      resultOf(
        exercise,
        [question.id, part.id],
        { ...part, hidden: part.hidden ?? question.hidden },
        verdict,
      ),
    );
  }
  const status: CheckStatus = parts.some((p) => p.status === 'fail')
    ? 'fail'
    : parts.some((p) => p.status === 'unknown')
      ? 'unknown'
      : 'pass';
  // Every part right earns the question's points exactly: three parts of 4 points, each rounded
  // to 1.33, must not add up to 3.99.
  const score = status === 'pass' ? question.points : parts.reduce((sum, p) => sum + p.score, 0);
  const passed = parts.filter((p) => p.status === 'pass').length;
  const message =
    status === 'pass'
      ? `all ${parts.length} parts right`
      : `${passed} of ${parts.length} parts right; ${parts
          .filter((p) => p.status !== 'pass')
          .map((p) => `${p.name.split('/').pop()}: ${p.hidden ? HIDDEN_MESSAGE : p.message}`)
          .join('; ')}`;
  return {
    name: `${exercise}/${question.id}`,
    exercise,
    question: question.id,
    status,
    score: Math.round(score * 100) / 100,
    maxScore: question.points,
    hidden: question.hidden ?? false,
    message,
    parts,
  };
}

/** An answer by id, never one inherited from Object.prototype (a question called `constructor`). */
function ownAnswer(
  answers: Readonly<Record<string, RawAnswer>> | undefined,
  id: string,
): RawAnswer | undefined {
  return answers !== undefined && Object.hasOwn(answers, id) ? answers[id] : undefined;
}

/** Which prerequisite (if any) keeps a question from being checked. */
export function blockedBy(
  exercise: string,
  question: PackQuestion,
  results: ReadonlyMap<string, CheckResult>,
): { name: string; status: CheckStatus } | undefined {
  for (const dep of question.depends ?? []) {
    const name = dep.includes('/') ? dep : `${exercise}/${dep}`;
    const status = results.get(name)?.status ?? 'skip';
    if (status !== 'pass') return { name, status };
  }
  return undefined;
}

/**
 * Check every question of an exercise in order. `earlier` holds results of other exercises for
 * cross-exercise dependencies; the results of this one are added to it.
 */
export async function checkExercise(
  exercise: Exercise,
  answers: Readonly<Record<string, RawAnswer>> | undefined,
  env: CheckEnv,
  earlier: Map<string, CheckResult> = new Map(),
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const question of exercise.questions) {
    const blocker = blockedBy(exercise.id, question, earlier);
    const result = blocker
      ? resultOf(exercise.id, [question.id], question, {
          status: 'skip',
          fraction: 0,
          message: `skipped: ${blocker.name} must pass first (it is ${blocker.status})`,
        })
      : await checkQuestion(exercise.id, question, ownAnswer(answers, question.id), env);
    earlier.set(result.name, result);
    results.push(result);
  }
  return results;
}

/**
 * Pack validation, pure: from a pack's files (relative path → text) to a Pack, or to diagnostics
 * that name the file, line and column of each problem. Schema problems come from schema.ts; the
 * rules here need more than one value or file (ids that exist, answers readable as their type,
 * probes and their arguments, points that add up).
 */
import { validateOverrides } from '../../cluster/config/config.js';
import { STEP_NAMES, stepName, type Step } from '../scenario/steps.js';
import { readAnswer, toleranceProblem, toRaw } from './answer-types.js';
import {
  questionHints,
  toHint,
  type Diagnostic,
  type Exercise,
  type Pack,
  type PackQuestion,
  type StepText,
} from './pack.js';
import {
  ExerciseSchema,
  PackSchema,
  type ExerciseFile,
  type LeafQuestion,
  type PackFile,
  type Question,
} from './schema.js';
import { check, type SchemaIssue } from '../cli/schema-check.js';
import { isProbeName, PROBE_NAMES, probeArgSchema } from '../checks/registry.js';
import { locate, parseYaml, type Position, type YamlNode } from '../cli/yaml.js';

export const PACK_FILE = 'pack.yaml';
export const EXERCISE_FILE = 'exercise.yaml';
export const EXERCISE_README = 'README.md';

export interface ValidationResult {
  /** Present when there are no errors (warnings allowed). */
  pack?: Pack;
  diagnostics: Diagnostic[];
}

/** Reports problems of one YAML file at positions in it. */
class FileReport {
  constructor(
    readonly file: string,
    readonly root: YamlNode | undefined,
    private readonly out: Diagnostic[],
  ) {}

  at(
    path: readonly PropertyKey[],
    message: string,
    options: { atKey?: boolean; severity?: 'error' | 'warning' } = {},
  ): void {
    const { pos } = locate(this.root, path, options);
    this.atPos(pos, message, options.severity);
  }

  atPos(pos: Position, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.out.push({ file: this.file, line: pos.line, column: pos.column, severity, message });
  }

  posOf(path: readonly PropertyKey[]): Position {
    return locate(this.root, path).pos;
  }
}

/** Parse and schema-check one YAML file; undefined (with diagnostics) if unusable. */
function readYamlFile<T>(
  files: ReadonlyMap<string, string>,
  file: string,
  schema: Parameters<typeof check>[0],
  diagnostics: Diagnostic[],
  describeIssue: (issue: SchemaIssue) => string | undefined = () => undefined,
): { value: T; report: FileReport } | undefined {
  const text = files.get(file);
  if (text === undefined) return undefined;
  const parsed = parseYaml(text);
  const report = new FileReport(file, parsed.root, diagnostics);
  if (parsed.errors.length > 0) {
    for (const e of parsed.errors) report.atPos(e.pos, `YAML: ${e.message}`);
    return undefined;
  }
  const result = check(schema, parsed.value);
  if (!result.ok) {
    for (const issue of result.issues) {
      report.at(issue.path, describeIssue(issue) ?? issue.message, { atKey: issue.atKey });
    }
    return undefined;
  }
  return { value: result.value as T, report };
}

export function validatePack(files: ReadonlyMap<string, string>): ValidationResult {
  const diagnostics: Diagnostic[] = [];
  if (!files.has(PACK_FILE)) {
    diagnostics.push({
      file: PACK_FILE,
      line: 1,
      column: 1,
      severity: 'error',
      message: 'no pack.yaml in this folder',
    });
    return { diagnostics };
  }
  const packRead = readYamlFile<PackFile>(files, PACK_FILE, PackSchema, diagnostics);
  if (!packRead) return { diagnostics };
  const { value: packFile, report } = packRead;
  checkCluster(packFile, report, files);

  const exercises: Exercise[] = [];
  const seen = new Set<string>();
  packFile.exercises.forEach((id, index) => {
    if (seen.has(id)) return report.at(['exercises', index], `exercise ${id} is listed twice`);
    seen.add(id);
    const file = `${id}/${EXERCISE_FILE}`;
    if (!files.has(file)) return report.at(['exercises', index], `exercise ${id}: no ${file} in the pack`);
    const exercise = readExercise(files, file, id, exercises, diagnostics);
    if (exercise) exercises.push(exercise);
  });

  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const { $schema: _schema, exercises: _ids, ...head } = packFile;
  return { pack: { ...head, exercises }, diagnostics };
}

function checkCluster(pack: PackFile, report: FileReport, files: ReadonlyMap<string, string>): void {
  const cluster = pack.cluster;
  if (cluster.racks !== undefined && cluster.topology !== undefined) {
    report.at(['cluster', 'topology'], 'give racks or topology, not both');
  }
  const minDatanodes = typeof cluster.datanodes === 'number' ? cluster.datanodes : cluster.datanodes.min;
  if (typeof cluster.topology === 'string' && !files.has(cluster.topology)) {
    report.at(['cluster', 'topology'], `no topology file ${cluster.topology} in the pack`);
  }
  if (typeof cluster.topology === 'object' && typeof cluster.datanodes === 'number') {
    const count = Object.keys(cluster.topology).length;
    if (count !== cluster.datanodes) {
      report.at(
        ['cluster', 'topology'],
        `topology places ${count} DataNodes but datanodes is ${cluster.datanodes}`,
      );
    }
  }
  const replications =
    cluster.replication === undefined
      ? []
      : typeof cluster.replication === 'number'
        ? [cluster.replication]
        : cluster.replication.oneOf;
  if (replications.some((r) => r > minDatanodes)) {
    report.at(
      ['cluster', 'replication'],
      `replication above the ${minDatanodes} DataNodes a student may get`,
    );
  }
  const conf = Object.fromEntries(Object.entries(cluster.conf ?? {}).map(([k, v]) => [k, String(v)]));
  for (const warning of validateOverrides(conf)) {
    const key = /^Unknown key (\S+):/.exec(warning)?.[1] ?? '';
    report.at(['cluster', 'conf', key], warning, { atKey: true, severity: 'warning' });
  }
}

function unknownStepMessage(path: PropertyKey[]): string | undefined {
  const n = path.length;
  if (n >= 3 && path[n - 3] === 'setup' && typeof path[n - 2] === 'number') {
    return `unknown step '${String(path[n - 1])}'; steps are: ${STEP_NAMES.join(', ')}`;
  }
  return undefined;
}

function readExercise(
  files: ReadonlyMap<string, string>,
  file: string,
  folderId: string,
  before: readonly Exercise[],
  diagnostics: Diagnostic[],
): Exercise | undefined {
  const read = readYamlFile<ExerciseFile>(files, file, ExerciseSchema, diagnostics, (issue) =>
    issue.atKey ? unknownStepMessage(issue.path) : undefined,
  );
  if (!read) return undefined;
  const { value: ex, report } = read;
  const errorsBefore = diagnostics.filter((d) => d.severity === 'error').length;
  const folder = file.slice(0, file.lastIndexOf('/'));

  if (ex.id !== folderId) report.at(['id'], `id ${ex.id} differs from its folder ${folderId}`);
  (ex.depends ?? []).forEach((dep, i) => {
    if (!before.some((e) => e.id === dep))
      report.at(['depends', i], `depends on ${dep}, which is not an earlier exercise of the pack`);
  });

  const steps: StepText[] = [];
  (ex.steps ?? []).forEach((step, i) => {
    if (typeof step === 'object' && 'text' in step) return steps.push({ ...step, markdown: step.text });
    const ref = typeof step === 'string' ? step : step.file;
    const text = files.get(`${folder}/${ref}`);
    if (text === undefined) return report.at(['steps', i], `no file ${folder}/${ref} in the pack`);
    steps.push({ markdown: text, file: `${folder}/${ref}` });
  });

  (ex.setup ?? []).forEach((step, i) => checkStep(step, ['setup', i], report));
  const questions = settleQuestions(ex, before, report);
  checkHints(ex.hints, ['hints'], report);
  const hints = (ex.hints ?? []).map(toHint);

  if (diagnostics.filter((d) => d.severity === 'error').length > errorsBefore) return undefined;
  const intro = files.get(`${folder}/${EXERCISE_README}`);
  return {
    id: ex.id,
    title: ex.title,
    points: questions.reduce((sum, q) => sum + q.points, 0),
    depends: ex.depends ?? [],
    hidden: ex.hidden ?? false,
    setup: ex.setup ?? [],
    ...(intro === undefined ? {} : { intro }),
    steps,
    questions,
    hints,
    file,
  };
}

function checkStep(step: Step, path: PropertyKey[], report: FileReport): void {
  checkLocalPath(step, path, report);
  if (stepName(step) !== 'expect' || !('expect' in step)) return;
  checkProbe(step.expect.probe, step.expect.args ?? {}, [...path, 'expect'], report, undefined);
}

/**
 * A setup step's `local` file stays inside the pack (put reads a file of the pack) or the lab home's
 * scratch folder (get writes there): a relative path without `..`, so a pack someone hands a
 * student can neither read nor overwrite the student's own files.
 */
function checkLocalPath(step: Step, path: PropertyKey[], report: FileReport): void {
  const name = stepName(step);
  if (name !== 'put' && name !== 'get') return;
  const local = ((step as Record<string, unknown>)[name] as { local?: unknown } | undefined)?.local;
  if (typeof local !== 'string' || isPackRelative(local)) return;
  const where = name === 'put' ? 'a file of the pack' : "a file in the lab home's scratch folder";
  report.at(
    [...path, name, 'local'],
    `local ${local} leaves its folder: ${name} names ${where}, so give a relative path without '..'`,
  );
}

function isPackRelative(file: string): boolean {
  const parts = file.split(/[\\/]/);
  return (
    file !== '' &&
    !file.startsWith('/') &&
    !file.startsWith('\\') &&
    !/^[a-zA-Z]:/.test(file) &&
    !parts.includes('..')
  );
}

/** A probe name and its arguments; "$answer" stands for a task's input, of type `input`. */
function checkProbe(
  name: string,
  args: Record<string, unknown>,
  path: PropertyKey[],
  report: FileReport,
  input: 'number' | 'text' | 'path' | undefined,
): void {
  if (!isProbeName(name)) {
    report.at([...path, 'probe'], `unknown probe '${name}'; probes are: ${PROBE_NAMES.join(', ')}`);
    return;
  }
  const sample = { number: 1, text: 'x', path: '/x' };
  const concrete: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === '$answer' && input === undefined) {
      report.at(
        [...path, 'args', key],
        '"$answer" needs the task to ask for an input (input: path|text|number)',
      );
    }
    concrete[key] = value === '$answer' && input !== undefined ? sample[input] : value;
  }
  const result = check(probeArgSchema(name), concrete);
  if (!result.ok) {
    for (const issue of result.issues) {
      report.at([...path, 'args', ...issue.path], `${name}: ${issue.message}`, { atKey: issue.atKey });
    }
  }
}

/** Settle points, check ids, dependencies, answers and probes of an exercise's questions. */
function settleQuestions(ex: ExerciseFile, before: readonly Exercise[], report: FileReport): PackQuestion[] {
  const questions = ex.questions ?? [];
  const ids = new Set<string>();
  questions.forEach((q, i) => {
    const path = ['questions', i];
    if (ids.has(q.id)) report.at([...path, 'id'], `question id ${q.id} is used twice in this exercise`);
    (q.depends ?? []).forEach((dep, j) => {
      if (!dependencyExists(dep, ids, before)) {
        report.at(
          [...path, 'depends', j],
          `depends on ${dep}, which is not an earlier question (id, or exercise/id)`,
        );
      }
    });
    ids.add(q.id);
    checkHints(q.hints, [...path, 'hints'], report);
    if (q.type === 'group') {
      const partIds = new Set<string>();
      q.parts.forEach((part, j) => {
        if (partIds.has(part.id)) report.at([...path, 'parts', j, 'id'], `part id ${part.id} is used twice`);
        partIds.add(part.id);
        if (part.hints !== undefined)
          report.at(
            [...path, 'parts', j, 'hints'],
            `part ${part.id} has hints: the runner asks a group as one question, so give them to the group (${q.id})`,
            { atKey: true },
          );
        checkLeaf(part, [...path, 'parts', j], report);
      });
    } else {
      checkLeaf(q, path, report);
    }
  });

  const fixed = questions.reduce((sum, q) => sum + (q.points ?? 0), 0);
  const open = questions.filter((q) => q.points === undefined).length;
  let share = 1;
  if (ex.points !== undefined) {
    if (open === 0 && Math.abs(fixed - ex.points) > 1e-9) {
      report.at(['points'], `points ${ex.points} differ from the sum of the questions' points, ${fixed}`);
    } else if (open > 0 && fixed > ex.points) {
      report.at(['points'], `points ${ex.points} are fewer than the questions' own points, ${fixed}`);
    }
    share = open > 0 ? (ex.points - fixed) / open : 0;
  }
  return questions.map((q, i) => {
    const points = q.points ?? share;
    const pos = report.posOf(['questions', i]);
    checkHintCost(q, points, ['questions', i, 'hints'], report);
    if (q.type !== 'group') return { ...q, points, pos };
    const partFixed = q.parts.reduce((sum, p) => sum + (p.points ?? 0), 0);
    const partOpen = q.parts.filter((p) => p.points === undefined).length;
    const partShare = partOpen > 0 ? Math.max(0, points - partFixed) / partOpen : 0;
    const parts = q.parts.map((p) => ({ ...p, points: p.points ?? partShare }));
    const total = parts.reduce((sum, p) => sum + p.points, 0);
    return { ...q, parts, points: total, pos };
  });
}

/** Hints say something: a blank one would cost a student a turn (and perhaps points) for nothing. */
function checkHints(hints: ExerciseFile['hints'], path: PropertyKey[], report: FileReport): void {
  (hints ?? []).forEach((hint, i) => {
    if (toHint(hint).text.trim() === '')
      report.at([...path, i], 'a hint with no text: write what it tells the student');
  });
}

/** A question's hints that cost more than it earns take points from the exercise's other answers. */
function checkHintCost(question: Question, points: number, path: PropertyKey[], report: FileReport): void {
  const cost = questionHints(question).reduce((sum, h) => sum + h.cost, 0);
  if (cost <= points) return;
  report.at(
    path,
    `question ${question.id}'s hints cost ${cost} points, more than its ${points}: a student who takes them all loses points of other questions`,
    { severity: 'warning' },
  );
}

function dependencyExists(dep: string, earlier: ReadonlySet<string>, before: readonly Exercise[]): boolean {
  const slash = dep.indexOf('/');
  if (slash < 0) return earlier.has(dep);
  const exercise = before.find((e) => e.id === dep.slice(0, slash));
  return exercise?.questions.some((q) => q.id === dep.slice(slash + 1)) ?? false;
}

/**
 * Logs that grow with everything a student does: the edit log and the journal. Which of their
 * arguments name a fixed object (a file's records, an operation's frames, a txid range).
 */
const GROWING_LOGS: Readonly<Record<string, readonly string[]>> = {
  'edits.ops': ['path', 'toTxid'],
  'journal.rpcOrder': ['op'],
  'journal.bytes': ['op'],
  'journal.messages': ['op'],
  'journal.senders': ['op'],
};

/**
 * The rule of docs/instructors.md, "Questions name fixed objects": an answer `lab check` accepted
 * must stay right while the student goes on working, and must be what `lab grade` finds on a
 * cluster that replayed the student's commands. Reading the end of a growing log (`select: -1`),
 * or counting all of it (`length`), changes with the student's next upload; a question names the
 * object instead: `edits.ops` with `path` (or a `toTxid`), `journal.*` with `op`. A pattern that
 * matches anywhere in the log (`matches:`) stays true once true, and is allowed.
 */
function checkStableReading(
  probe: { probe: string; args?: Record<string, unknown> | undefined; select?: string | undefined },
  path: PropertyKey[],
  report: FileReport,
): void {
  const naming = GROWING_LOGS[probe.probe];
  if (naming === undefined || naming.some((key) => probe.args?.[key] !== undefined)) return;
  const segments = (probe.select ?? '').split('.').map((s) => s.trim());
  const fromEnd = segments.some((s) => /^-\d+$/.test(s));
  const counts = segments[0] === 'length';
  if (!fromEnd && !counts) return;
  report.at(
    [...path, 'select'],
    `${probe.probe} select ${probe.select ?? ''} reads ${fromEnd ? 'the end' : 'the size'} of a log that grows with everything the student does: name the object instead (${naming.map((k) => `args.${k}`).join(' or ')}), so an answer once right stays right`,
  );
}

function checkLeaf(q: LeafQuestion, path: PropertyKey[], report: FileReport): void {
  if (q.type === 'task') {
    checkProbe(q.check.probe, q.check.args ?? {}, [...path, 'check'], report, q.input);
    checkStableReading(q.check, [...path, 'check'], report);
    return;
  }
  if ('tolerance' in q && q.tolerance !== undefined) {
    const problem = toleranceProblem({ type: 'number', unit: q.unit, tolerance: q.tolerance });
    if (problem) report.at([...path, 'tolerance'], problem);
  }
  const regexOnly = q.type === 'text' && q.regex !== undefined;
  if (q.type === 'text' && q.regex !== undefined) {
    try {
      new RegExp(q.regex, 'u');
    } catch (error) {
      report.at(
        [...path, 'regex'],
        `regex does not compile: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (q.answer !== undefined && q.expect !== undefined) {
    report.at([...path, 'expect'], 'give answer (stored) or expect (from the cluster), not both');
  } else if (q.answer === undefined && q.expect === undefined && !regexOnly) {
    report.at(path, `question ${q.id} needs an answer (stored) or expect (a probe of the cluster)`);
  }
  if (q.answer !== undefined) {
    const read = readAnswer(q, toRaw(q.answer));
    if (!read.ok) report.at([...path, 'answer'], `the answer cannot be read as ${q.type}: ${read.message}`);
  }
  if (q.expect !== undefined) {
    checkProbe(q.expect.probe, q.expect.args ?? {}, [...path, 'expect'], report, undefined);
    checkStableReading(q.expect, [...path, 'expect'], report);
  }
}

/** Every question of an exercise with its test name, groups expanded into parts. */
export function questionName(exercise: { id: string }, question: Pick<Question, 'id'>): string {
  return `${exercise.id}/${question.id}`;
}

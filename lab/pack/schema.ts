/**
 * The pack format, as zod schemas: `pack.yaml`, each exercise's `exercise.yaml` and their
 * questions (the arguments of every probe are in lab/checks/registry.ts). This file is the format's one definition: the loader validates
 * with it, schema/*.schema.json is generated from it (json-schema.ts) and docs/instructors.md
 * describes it. Rules that need more than one file (ids that must exist, answers that must be
 * readable as their question's type) are checked in validate.ts.
 */
import { z } from 'zod';
import { StepSchema } from '../scenario/steps.js';
import { DurationSchema, ProbeExpectationSchema, SizeSchema } from '../checks/expectation.js';

/** Limits of a pack, with why. Keep them together. */
export const PACK_LIMITS = {
  /** A teaching pack is tens of exercises; more is a sign of a folder picked by mistake. */
  exercisesMax: 200,
  questionsPerExerciseMax: 100,
  /** One lab laptop runs every DataNode as a process. */
  datanodesMax: 32,
  /** Files read from a pack folder, and their total size: packs are text. */
  filesMax: 2000,
  bytesMax: 32 * 1024 * 1024,
} as const;

export const IdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, {
    message: 'an id is lower-case letters, digits and dashes, e.g. upload-basics',
  })
  .max(64);

/** A fixed value, or bounds that the student's seed chooses within. */
function intOrRange(min: number, max: number) {
  const int = z.number().int().min(min).max(max);
  return z.union([
    int,
    z
      .strictObject({ min: int, max: int })
      .refine((r) => r.min <= r.max, { message: 'min must not exceed max' })
      .meta({ description: 'The seed picks a value within these bounds.' }),
  ]);
}

function valueOrOneOf<T extends z.ZodType>(value: T) {
  return z.union([
    value,
    z.strictObject({ oneOf: z.array(value).min(1) }).meta({ description: 'The seed picks one of these.' }),
  ]);
}

export const ClusterSpecSchema = z.strictObject({
  datanodes: intOrRange(1, PACK_LIMITS.datanodesMax).meta({ description: 'Number of DataNodes.' }),
  racks: intOrRange(1, PACK_LIMITS.datanodesMax)
    .optional()
    .meta({ description: 'DataNodes spread round-robin over this many racks (/rack1, /rack2, …).' }),
  topology: z
    .union([z.string(), z.record(z.string().regex(/^dn\d+$/), z.string().regex(/^(\/[^/\s]+)+$/))])
    .optional()
    .meta({ description: 'A topology table file of the pack, or dnN: /dc1/rack1 entries. Not with racks.' }),
  blockSize: valueOrOneOf(SizeSchema).optional().meta({ description: 'dfs.blocksize, e.g. 1m.' }),
  replication: valueOrOneOf(z.number().int().min(1).max(PACK_LIMITS.datanodesMax))
    .optional()
    .meta({ description: 'dfs.replication.' }),
  conf: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .meta({ description: '-D overrides, e.g. dfs.heartbeat.interval: 3s (intervals go here).' }),
});

export const PackSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: IdSchema,
    title: z.string().min(1),
    version: z.string().regex(/^\d+\.\d+\.\d+([-+][\w.-]+)?$/, { message: 'a version like 1.0.0' }),
    description: z.string().optional(),
    cluster: ClusterSpecSchema,
    exercises: z
      .array(IdSchema)
      .min(1)
      .max(PACK_LIMITS.exercisesMax)
      .meta({ description: 'Exercise ids in order; each is a folder beside pack.yaml.' }),
  })
  .meta({ title: 'hdfs-lab pack (pack.yaml)' });

// ---------------------------------------------------------------------------------------------
// Questions

/** A stored answer (concept questions): a scalar, or a list for list / set / multiple choice. */
const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const StoredAnswer = z.union([Scalar, z.array(Scalar)]);

/** The expected answer read from the live cluster. */
export const ProbeRefSchema = z
  .strictObject({
    probe: z.string().meta({ description: 'A probe name, e.g. file.blocks.' }),
    args: z.record(z.string(), z.unknown()).optional(),
    select: z
      .string()
      .optional()
      .meta({ description: 'A path into the result: 0.numBytes, -1.numBytes, *.numBytes, length.' }),
  })
  .meta({ description: 'Compute the expected answer from the live cluster.' });

/** A hint: Markdown, free (a string) or with the points it costs when graded. */
const Hint = z
  .union([z.string(), z.strictObject({ text: z.string(), cost: z.number().nonnegative().optional() })])
  .meta({ id: 'Hint' });

const questionBase = {
  id: IdSchema,
  prompt: z.string().min(1).meta({ description: 'The question, in Markdown.' }),
  points: z.number().nonnegative().optional(),
  depends: z
    .array(z.string())
    .optional()
    .meta({ description: 'Question ids (or exercise/question) that must pass first; else this is skipped.' }),
  hidden: z
    .boolean()
    .optional()
    .meta({ description: 'Graded, but its expected answer never appears in feedback.' }),
  explanation: z.string().optional().meta({ description: 'Shown once the answer passes.' }),
  hints: z.array(Hint).optional().meta({
    description:
      "This question's hints, shown one at a time while the student is on it (before the exercise's); not on a group's parts.",
  }),
  deadline: DurationSchema.optional().meta({ description: 'How long to retry while the cluster converges.' }),
};

const expected = {
  answer: StoredAnswer.optional(),
  expect: ProbeRefSchema.optional(),
};

const ItemType = z.enum(['number', 'text', 'path']);
const Unit = z
  .enum(['bytes', 'ms', 's'])
  .meta({ description: 'bytes: 128m, "128 MB" and 134217728 are equal.' });
const Tolerance = z
  .union([z.number().nonnegative(), z.string()])
  .meta({ description: 'Absolute (0.5, 1m for bytes) or relative ("5%").' });

const ChoiceOption = z.union([
  z.string(),
  z.strictObject({ id: z.string().min(1), text: z.string().min(1) }),
]);

export const NumberQuestionSchema = z
  .strictObject({
    ...questionBase,
    ...expected,
    type: z.literal('number'),
    unit: Unit.optional(),
    tolerance: Tolerance.optional(),
  })
  .meta({ id: 'NumberQuestion' });
export const TextQuestionSchema = z
  .strictObject({
    ...questionBase,
    ...expected,
    type: z.literal('text'),
    caseSensitive: z.boolean().optional(),
    accept: z.array(z.string()).optional().meta({ description: 'Other answers that are also right.' }),
    regex: z
      .string()
      .optional()
      .meta({ description: 'An answer matching this (whole, case-insensitive) is right.' }),
  })
  .meta({ id: 'TextQuestion' });
export const PathQuestionSchema = z
  .strictObject({ ...questionBase, ...expected, type: z.literal('path') })
  .meta({ id: 'PathQuestion' });
export const ChoiceQuestionSchema = z
  .strictObject({
    ...questionBase,
    ...expected,
    type: z.literal('choice'),
    options: z.array(ChoiceOption).min(2).meta({ description: 'Strings (ids a, b, c…) or { id, text }.' }),
  })
  .meta({ id: 'ChoiceQuestion' });
export const MultipleChoiceQuestionSchema = z
  .strictObject({
    ...questionBase,
    ...expected,
    type: z.literal('multiple-choice'),
    options: z.array(ChoiceOption).min(2),
    partialCredit: z.boolean().optional(),
  })
  .meta({ id: 'MultipleChoiceQuestion' });
export const TrueFalseQuestionSchema = z
  .strictObject({ ...questionBase, ...expected, type: z.literal('true-false') })
  .meta({ id: 'TrueFalseQuestion' });
const collection = {
  ...questionBase,
  ...expected,
  items: ItemType.optional().meta({ description: 'How each element is read (default text).' }),
  unit: Unit.optional(),
  tolerance: Tolerance.optional(),
  caseSensitive: z.boolean().optional(),
  partialCredit: z.boolean().optional(),
};
export const ListQuestionSchema = z
  .strictObject({ ...collection, type: z.literal('list') })
  .meta({ id: 'ListQuestion' });
export const SetQuestionSchema = z
  .strictObject({ ...collection, type: z.literal('set') })
  .meta({ id: 'SetQuestion' });
export const TaskQuestionSchema = z
  .strictObject({
    ...questionBase,
    type: z.literal('task'),
    check: ProbeExpectationSchema.meta({
      description: 'What the cluster must show; "$answer" in args is the input.',
    }),
    input: ItemType.optional().meta({
      description: 'Ask the student for a value (e.g. the path they used).',
    }),
  })
  .meta({ id: 'TaskQuestion' });

const leafQuestions = [
  NumberQuestionSchema,
  TextQuestionSchema,
  PathQuestionSchema,
  ChoiceQuestionSchema,
  MultipleChoiceQuestionSchema,
  TrueFalseQuestionSchema,
  ListQuestionSchema,
  SetQuestionSchema,
  TaskQuestionSchema,
] as const;

export const LeafQuestionSchema = z.discriminatedUnion('type', leafQuestions);

export const GroupQuestionSchema = z.strictObject({
  ...questionBase,
  type: z.literal('group'),
  parts: z
    .array(LeafQuestionSchema)
    .min(1)
    .meta({ description: 'Sub-questions; each passing part earns its share (partial credit).' }),
});

export const QuestionSchema = z.discriminatedUnion('type', [...leafQuestions, GroupQuestionSchema]);

const StepText = z.union([
  z.string().meta({ description: 'A Markdown file of the exercise folder, e.g. steps/01-upload.md.' }),
  z.strictObject({ file: z.string() }),
  z.strictObject({ title: z.string().optional(), text: z.string() }),
]);

export const ExerciseSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: IdSchema,
    title: z.string().min(1),
    points: z
      .number()
      .nonnegative()
      .optional()
      .meta({ description: 'Total; split over questions without points.' }),
    depends: z
      .array(IdSchema)
      .optional()
      .meta({ description: 'Exercises whose setup this one builds on (replayed first).' }),
    hidden: z.boolean().optional().meta({ description: 'Graded only: not listed to students.' }),
    setup: z.array(StepSchema).optional(),
    steps: z.array(StepText).optional(),
    questions: z.array(QuestionSchema).max(PACK_LIMITS.questionsPerExerciseMax).optional(),
    hints: z
      .array(Hint)
      .optional()
      .meta({ description: "Shown one at a time, in order (after a question's own hints)." }),
  })
  .meta({ title: 'hdfs-lab exercise (exercise.yaml)' });

export type ClusterSpec = z.output<typeof ClusterSpecSchema>;
export type PackFile = z.output<typeof PackSchema>;
export type ExerciseFile = z.output<typeof ExerciseSchema>;
export type Question = z.output<typeof QuestionSchema>;
export type LeafQuestion = z.output<typeof LeafQuestionSchema>;
export type QuestionType = Question['type'];
export type ProbeRef = z.output<typeof ProbeRefSchema>;
export type ChoiceOptionSpec = z.output<typeof ChoiceOption>;
export type HintSpec = z.output<typeof Hint>;

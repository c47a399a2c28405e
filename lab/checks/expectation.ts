/**
 * What a check expects of a probe's answer — `{ probe, args, select, equals | atLeast | atMost |
 * matches | notMatches, deadline }` — the one shape of a scenario's `expect` step and an exercise
 * task's `check`, with the judge of a value against it, and the written forms of sizes and
 * durations that packs, scenarios and expectations share. Sizes are written as Hadoop and the lab's
 * flags read them (`150m`, `128 MB`, `134217728`), durations as Configuration.getTimeDuration does
 * (`30s`, a bare number is seconds).
 */
import { z } from 'zod';
import { parseDuration, parseSize } from '../../cluster/common/units.js';

function isSize(value: string | number): boolean {
  try {
    return parseSize(String(value)) >= 0;
  } catch {
    return false;
  }
}

function isDuration(value: string | number): boolean {
  try {
    return parseDuration(String(value), 's') >= 0;
  } catch {
    return false;
  }
}

/** A byte count: 150m, "128 MB", 134217728. */
export const SizeSchema = z
  .union([z.number().int().nonnegative(), z.string()])
  .refine(isSize, { message: 'expected a size: bytes (134217728), 64m, 1g or "128 MB"' })
  .meta({ id: 'Size', description: 'A size: bytes (134217728), a Hadoop suffix (64m, 1g) or "128 MB".' });

/** A duration: 30s, 500ms, 2m; a bare number is seconds. */
export const DurationSchema = z
  .union([z.number().int().nonnegative(), z.string()])
  .refine(isDuration, { message: 'expected a duration: 30s, 500ms, 2m (a bare number is seconds)' })
  .meta({ id: 'Duration', description: 'A duration: 30s, 500ms, 2m; a bare number is seconds.' });

/** The check of an `expect` step; tasks of exercises use the same shape. */
export const ProbeExpectationSchema = z
  .strictObject({
    probe: z.string().meta({ description: 'A probe name, e.g. file.blockCount (see docs/instructors.md).' }),
    args: z.record(z.string(), z.unknown()).optional(),
    select: z
      .string()
      .optional()
      .meta({ description: 'A path into the probe result: 0.numBytes, *.numBytes, length.' }),
    equals: z.unknown().optional(),
    atLeast: z.number().optional(),
    atMost: z.number().optional(),
    matches: z.string().optional(),
    notMatches: z
      .string()
      .optional()
      .meta({ description: 'The value must not match this regular expression (e.g. a journal line).' }),
    deadline: DurationSchema.optional(),
  })
  .meta({ description: 'Observe the cluster through a probe and compare.' });

export type ProbeExpectation = z.output<typeof ProbeExpectationSchema>;

/** Does the observed value satisfy the task's condition? A reason when it does not. */
export function satisfies(
  check: ProbeExpectation,
  value: unknown,
): { ok: true } | { ok: false; expected: string } {
  const conditions: string[] = [];
  let ok = true;
  if (check.equals !== undefined) {
    conditions.push(`= ${JSON.stringify(check.equals)}`);
    ok &&= looselyEqual(value, check.equals);
  }
  if (check.atLeast !== undefined) {
    conditions.push(`≥ ${check.atLeast}`);
    ok &&= typeof value === 'number' && value >= check.atLeast;
  }
  if (check.atMost !== undefined) {
    conditions.push(`≤ ${check.atMost}`);
    ok &&= typeof value === 'number' && value <= check.atMost;
  }
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  if (check.matches !== undefined) {
    conditions.push(`matching /${check.matches}/`);
    ok &&= new RegExp(check.matches, 'mu').test(text);
  }
  if (check.notMatches !== undefined) {
    conditions.push(`not matching /${check.notMatches}/`);
    ok &&= !new RegExp(check.notMatches, 'mu').test(text);
  }
  if (conditions.length === 0) conditions.push('present');
  return ok ? { ok: true } : { ok: false, expected: conditions.join(' and ') };
}

/** `equals: 16m` matches 16777216; `equals: [dn1, dn2]` matches the same list; objects field by field. */
function looselyEqual(value: unknown, expected: unknown): boolean {
  if (typeof value === 'number' && typeof expected === 'string') {
    try {
      return parseSize(expected) === value;
    } catch {
      return String(value) === expected.trim();
    }
  }
  if (Array.isArray(value) && Array.isArray(expected)) {
    return value.length === expected.length && value.every((v, i) => looselyEqual(v, expected[i]));
  }
  if (value !== null && expected !== null && typeof value === 'object' && typeof expected === 'object') {
    return Object.entries(expected).every(([k, v]) => looselyEqual((value as Record<string, unknown>)[k], v));
  }
  return value === expected || (typeof value !== 'object' && String(value) === String(expected));
}

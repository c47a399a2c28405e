/**
 * Running a zod schema over a value read from YAML, with the problems flattened to the most
 * specific ones, for the readers of packs, answers files, task commands and probe arguments to
 * place in the file.
 */
import type { z } from 'zod';

/** Path and message of each problem zod found, for validate.ts to place in the file. */
export interface SchemaIssue {
  path: PropertyKey[];
  message: string;
  /** Point at the key (unknown keys) rather than the value. */
  atKey: boolean;
}

/** Run a schema; on failure, the issues flattened to the most specific ones. */
export function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; value: z.output<T> } | { ok: false; issues: SchemaIssue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => flattenIssue(issue, [])) };
}

type Issue = z.core.$ZodIssue;

/**
 * Zod reports a union that failed as one issue holding every branch's issues. The useful branch
 * is the one that got furthest into the value (its deepest issue), e.g. for a choice option the
 * object form when an object was written.
 */
function flattenIssue(issue: Issue, prefix: PropertyKey[]): SchemaIssue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const depth = (branch: Issue[]) =>
      Math.max(...branch.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
    if (depth(best) > 0) return best.flatMap((i) => flattenIssue(i, path));
  }
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key '${key}'`, atKey: true }));
  }
  return [{ path, message: issue.message, atKey: false }];
}

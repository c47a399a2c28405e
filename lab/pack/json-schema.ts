/**
 * JSON Schema of pack.yaml and exercise.yaml for editors (YAML language servers complete keys
 * and show descriptions). Generated from schema.ts; schema/*.schema.json are these texts, kept
 * in step by a test (UPDATE_SCHEMA=1 rewrites them).
 */
import { z } from 'zod';
import { ExerciseSchema, PackSchema } from './schema.js';

export const SCHEMA_FILES = {
  pack: 'schema/pack.schema.json',
  exercise: 'schema/exercise.schema.json',
} as const;

function toText(schema: z.ZodType, id: string): string {
  // Input side: what an author writes (sizes as strings, defaults optional).
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  return `${JSON.stringify({ ...json, $id: id }, null, 2)}\n`;
}

export function jsonSchemas(): Record<keyof typeof SCHEMA_FILES, string> {
  return {
    pack: toText(PackSchema, 'https://hdfs-lab.invalid/schema/pack.schema.json'),
    exercise: toText(ExerciseSchema, 'https://hdfs-lab.invalid/schema/exercise.schema.json'),
  };
}

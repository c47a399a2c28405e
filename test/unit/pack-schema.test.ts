import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { jsonSchemas, SCHEMA_FILES } from '../../lab/pack/json-schema.js';

describe('JSON Schema files for editors', () => {
  it('schema/*.schema.json are generated from the zod schemas (UPDATE_SCHEMA=1 rewrites them)', async () => {
    const schemas = jsonSchemas();
    for (const [name, file] of Object.entries(SCHEMA_FILES)) {
      // Stored as the repo's formatter writes them, so `prettier --check` and this test agree.
      const text = await format(schemas[name as keyof typeof schemas], {
        ...(await resolveConfig(file)),
        filepath: file,
      });
      if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, text);
      expect(
        readFileSync(file, 'utf8'),
        `${file} is stale: UPDATE_SCHEMA=1 npx vitest run ${__filename}`,
      ).toBe(text);
    }
  });

  it('lists the step names and question types for completion', () => {
    const exercise = JSON.parse(jsonSchemas().exercise) as {
      $defs: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(Object.keys(exercise.$defs.Step?.properties ?? {})).toContain('wait-for');
    expect(Object.keys(exercise.$defs)).toEqual(
      expect.arrayContaining(['NumberQuestion', 'TaskQuestion', 'Step']),
    );
  });
});

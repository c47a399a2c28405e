/**
 * A scenario file (`lab run SCENARIO.yaml`): a name, an optional seed and the steps of
 * ./steps.ts. Problems are reported as FILE:LINE:COLUMN with what was expected.
 *
 *   name: a DataNode dies
 *   seed: 7
 *   steps:
 *     - start: { datanodes: 4, racks: 2, blockSize: 1m }
 *     - put: { path: /a.bin, size: 3m }
 *     - kill: { datanode: dn1 }
 *     - wait-for: { condition: dead, target: dn1, deadline: 30s }
 */
import fs from 'node:fs';
import { z } from 'zod';
import { locate, parseYaml } from '../cli/yaml.js';
import { StepSchema, type Step } from './steps.js';

export const ScenarioSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  seed: z.union([z.string(), z.number()]).optional(),
  steps: z.array(StepSchema).min(1),
});

export interface Scenario {
  name: string;
  seed: string | undefined;
  steps: Step[];
}

export class ScenarioFileError extends Error {
  override readonly name = 'ScenarioFileError';
}

export function parseScenario(text: string, file: string): Scenario {
  const parsed = parseYaml(text);
  const first = parsed.errors[0];
  if (first) throw new ScenarioFileError(`${file}:${first.pos.line}:${first.pos.column}: ${first.message}`);
  const result = ScenarioSchema.safeParse(parsed.value);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((issue) => {
      const { pos } = locate(parsed.root, issue.path, { atKey: issue.code === 'unrecognized_keys' });
      const where = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
      return `${file}:${pos.line}:${pos.column}: ${issue.message}${where}`;
    });
    throw new ScenarioFileError(problems.join('\n'));
  }
  const value = result.data;
  return {
    name: value.name ?? file,
    seed: value.seed === undefined ? undefined : String(value.seed),
    steps: value.steps,
  };
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioFileError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseScenario(text, file);
}

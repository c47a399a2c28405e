/**
 * `lab pack new ID [--dir DIR]` scaffolds a pack that validates; `lab pack validate DIR` checks one
 * and prints each problem as FILE:LINE:COLUMN: severity: message (exit 1 on errors).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../cli/commander.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { err, out } from '../cli/output.js';
import { formatDiagnostic } from '../pack/pack.js';
import { scaffoldPack } from '../pack/scaffold.js';
import { IdSchema } from '../pack/schema.js';
import { describeParams, loadSeededPack } from '../pack/seeded.js';
import { startOptionsFor } from '../runner/cluster.js';
import { parseIdList, parseWholeNumber } from '../cli/parse.js';
import { homeOf } from '../cli/context.js';
import { startCluster } from '../../cluster/launcher/launcher.js';
import { formatPackTest, packTest, packTestStatus, testSeeds } from '../grading/pack-test.js';
import { exitCodeOf } from '../answers/score.js';
import { PackError } from '../grading/grade-cluster.js';
import { summary } from './start.js';

export function registerPack(program: Command): void {
  const pack = program.command('pack').description('exercise pack tooling for instructors');
  pack
    .command('new')
    .description('create a small, valid pack to start from')
    .argument('<id>', 'pack id: lower-case letters, digits and dashes')
    .option('--dir <dir>', 'folder to create (default: ./<id>)')
    .option('--title <title>', 'pack title')
    .action((id: string, flags: { dir?: string; title?: string }) => {
      out(newPack(id, flags));
    });
  pack
    .command('validate')
    .description('check a pack against the format; problems as file:line:column')
    .argument('<dir>', 'the pack folder (holding pack.yaml)')
    .option('--seed <seed>', "render the pack's template variables for this seed (default: pack-validate)")
    .action((dir: string, flags: { seed?: string }) => {
      const { text, errors } = validateFolder(dir, flags.seed);
      if (text !== '') (errors > 0 ? err : out)(text);
      if (errors > 0) throw new CommandExit(1);
    });
  pack
    .command('test')
    .description(
      'on fresh clusters, for several seeds: every reference solution passes, every unsolved exercise fails',
    )
    .argument('<dir>', 'the pack folder (holding pack.yaml)')
    .option('--seeds <N>', 'how many seeds (pack-test-1 … pack-test-N; default 3)', parseWholeNumber)
    .option('--seed <seed...>', 'these seeds instead')
    .option('--solutions <dir>', 'the reference solution (default: solutions/<pack-id> beside the pack)')
    .option(
      '--exercises <ids>',
      'only these exercises (comma-separated; earlier setups still run)',
      parseIdList,
    )
    .option('--verbose', 'print every setup step')
    .action(async (dir: string, flags: PackTestFlags) => {
      const code = await testPack(dir, flags);
      if (code !== 0) throw new CommandExit(code);
    });
  pack
    .command('start')
    .description(
      "boot a student's cluster for a pack and seed (like lab start --detach) and print their parameters",
    )
    .argument('<dir>', 'the pack folder (holding pack.yaml)')
    .requiredOption('--seed <seed>', "the student's seed")
    .option('--ephemeral-ports', 'bind every process to a free ephemeral port')
    .action(async (dir: string, flags: { seed: string; ephemeralPorts?: boolean }, command: Command) => {
      out(await startPack(dir, flags, homeOf(command)));
    });
  for (const command of pack.commands) command.exitOverride();
  pack.exitOverride();
}

export function newPack(id: string, flags: { dir?: string; title?: string }): string {
  if (!IdSchema.safeParse(id).success)
    throw new UsageError(`pack new: '${id}' is not an id (lower-case letters, digits, dashes)`);
  const dir = flags.dir ?? id;
  if (existsSync(dir)) throw new UsageError(`pack new: ${dir} exists already; choose another --dir`);
  for (const [file, text] of scaffoldPack(id, flags.title)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return `created pack ${id} in ${dir}; check it with: lab pack validate ${dir}`;
}

/** The report of `lab pack validate`: diagnostics (or a one-line success) and the error count. */
export function validateFolder(dir: string, seed?: string): { text: string; errors: number } {
  if (!existsSync(dir)) throw new UsageError(`pack validate: no folder ${dir}`);
  // A pack with template variables is validated as one student sees it; one without, as written.
  const loaded = loadSeededPack(dir, seed ?? 'pack-validate');
  const lines = loaded.diagnostics.map((d) => formatDiagnostic(d, dir));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  if (loaded.pack) {
    const questions = loaded.pack.exercises.reduce((n, e) => n + e.questions.length, 0);
    lines.push(
      `${dir}: pack ${loaded.pack.id} ${loaded.pack.version} is valid: ${loaded.pack.exercises.length} exercises, ${questions} questions (${loaded.hash})`,
    );
  }
  return { text: lines.join('\n'), errors };
}

interface PackTestFlags {
  seeds?: number;
  seed?: string[];
  solutions?: string;
  exercises?: string[];
  verbose?: boolean;
}

/** Exit 0 when the pack is proven for every seed, 1 when not, 2 when a cluster did not settle. */
export async function testPack(dir: string, flags: PackTestFlags): Promise<number> {
  if (!existsSync(dir)) throw new UsageError(`pack test: no folder ${dir}`);
  const seeds = flags.seed ?? testSeeds(flags.seeds ?? 3);
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const results = await packTest({
      packDir: dir,
      seeds,
      solutionsDir: flags.solutions,
      exercises: flags.exercises,
      signal: controller.signal,
      log: flags.verbose === true ? err : (line) => (/^seed /.test(line) ? err(line) : undefined),
    });
    out(formatPackTest(results));
    return controller.signal.aborted ? 130 : exitCodeOf(packTestStatus(results));
  } catch (error) {
    if (error instanceof PackError) throw new UsageError(`pack test: ${error.message}`);
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** `lab pack start DIR --seed S`: the student's cluster, detached, and the values of their pack. */
export async function startPack(
  dir: string,
  flags: { seed: string; ephemeralPorts?: boolean },
  home: string,
): Promise<string> {
  const seeded = loadSeededPack(dir, flags.seed);
  if (!seeded.pack || !seeded.variant || !seeded.scope)
    throw new UsageError(`pack start: the pack does not validate; run lab pack validate ${dir}`);
  const cluster = await startCluster({
    ...startOptionsFor(seeded.variant, {
      home,
      packDir: dir,
      ephemeralPorts: flags.ephemeralPorts === true || process.env.LAB_PORTS === 'ephemeral',
    }),
    log: (line) => err(line),
  });
  return [
    summary(cluster, true),
    '',
    `Your values for ${seeded.pack.id} (seed ${flags.seed}):`,
    ...describeParams(seeded.scope).map((l) => `  ${l}`),
  ].join('\n');
}

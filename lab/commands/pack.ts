/**
 * `lab pack new ID [--dir DIR]` scaffolds a pack that validates; `lab pack validate DIR` checks one
 * and prints each problem as FILE:LINE:COLUMN: severity: message (exit 1 on errors).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../cli/commander.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { err, out } from '../cli/output.js';
import { loadPack } from '../exercises/load.js';
import { formatDiagnostic } from '../exercises/pack.js';
import { scaffoldPack } from '../exercises/scaffold.js';
import { IdSchema } from '../exercises/schema.js';

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
    .action((dir: string) => {
      const { text, errors } = validateFolder(dir);
      if (text !== '') (errors > 0 ? err : out)(text);
      if (errors > 0) throw new CommandExit(1);
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
export function validateFolder(dir: string): { text: string; errors: number } {
  if (!existsSync(dir)) throw new UsageError(`pack validate: no folder ${dir}`);
  const loaded = loadPack(dir);
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

/**
 * Running a `lab` command inside the test process, as the CLI would (the same program table and
 * error boundary), and collecting what it writes to stdout and stderr.
 */
import { vi } from 'vitest';
import { runCli } from '../../lab/cli/boundary.js';
import { buildProgram } from '../../lab/program.js';

export interface CapturedOutput {
  stdout: string[];
  stderr: string[];
}

/** Spies on process.stdout / process.stderr writes until vi.restoreAllMocks(). */
export function captureOutput(): CapturedOutput {
  const output: CapturedOutput = { stdout: [], stderr: [] };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => output.stdout.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => output.stderr.push(String(chunk)) > 0);
  return output;
}

/** `lab --home HOME ARGS…`; resolves to its exit code. */
export async function labInProcess(home: string, ...args: string[]): Promise<number> {
  const argv = ['--home', home, ...args];
  return runCli(await buildProgram(argv), argv);
}

/**
 * `lab run SCENARIO.yaml [--seed S]`: drive the cluster in the lab home from a file of steps
 * (lab/scenario/steps.ts), printing each step and its outcome. Exit 0 when every step is done,
 * 1 on a failed step or expectation, 2 on a deadline (the cluster did not get there in time).
 * Ctrl-C stops between steps and leaves the cluster as it is.
 */
import path from 'node:path';
import { readDescription } from '../../cluster/home/home.js';
import { runScenario } from '../scenario/runner.js';
import { loadScenario, ScenarioFileError } from '../scenario/scenario-file.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a scenario file of steps against the cluster (start, put, kill, wait-for, expect …)')
    .argument('<scenario>', 'a YAML file with steps:')
    .option('--seed <seed>', "the seed of generated data (default: the file's, else the cluster's, else 1)")
    .action(async (file: string, flags: { seed?: string }, command: Command) => {
      const home = homeOf(command);
      let scenario;
      try {
        scenario = loadScenario(file);
      } catch (error) {
        if (error instanceof ScenarioFileError) throw new UsageError(error.message);
        throw error;
      }
      const seed = flags.seed ?? scenario.seed ?? readDescription(home)?.seed ?? '1';
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      out(`Scenario ${scenario.name}: ${scenario.steps.length} steps, seed ${seed}, home ${home}`);
      try {
        const report = await runScenario(
          scenario.steps,
          { home, seed, log: out, signal: abort.signal },
          { baseDir: path.dirname(path.resolve(file)) },
        );
        const last = report.steps.at(-1)?.outcome;
        if (report.ok) {
          out(`Scenario passed: ${report.steps.length} steps.`);
          return;
        }
        out(`Scenario failed at step ${report.steps.length} of ${scenario.steps.length}.`);
        throw new CommandExit(last?.status === 'timeout' ? 2 : 1);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

/**
 * The program's hook before every command: a student working through a pack has what they run on
 * their cluster recorded for `lab grade` (lab/answers/command-log.ts). buildProgram installs it
 * whichever command module it loads (`lab fs` loads only fs's), and the recording code is loaded
 * only once the runner has started the log, so any other run pays one stat.
 */
import { existsSync } from 'node:fs';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { ranLogFile } from '../answers/command-log.js';

export function installRecordHook(program: Command): void {
  program.hook('preAction', async (_program, action) => {
    const home = homeOf(action);
    if (!existsSync(ranLogFile(home))) return;
    const { recordStudentCommand } = await import('../runner/store.js');
    // Commander keeps the arguments it parsed (`from: 'user'`: the words after `lab`) in rawArgs,
    // which its typings leave out.
    recordStudentCommand(home, (program as unknown as { rawArgs: string[] }).rawArgs, process.cwd());
  });
}

/**
 * The `lab` command (bin/lab.js imports the compiled copy): build the program and run it inside
 * the one error boundary, which turns every failure into a message and an exit code.
 */
import { loadProtocolTables } from '../cluster/protocol/registry/index.js';
import { runCli } from './cli/boundary.js';
import { buildProgram } from './program.js';

// `lab traffic | head`: a reader that went away is not an error of the lab.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// Every protocol's table: `lab traffic` and the other viewers describe any process's frames.
await loadProtocolTables();

const argv = process.argv.slice(2);
process.exitCode = await runCli(await buildProgram(argv), argv);

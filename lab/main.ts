/**
 * The `lab` command (bin/lab.js imports the compiled copy): build the program and run it inside
 * the one error boundary, which turns every failure into a message and an exit code.
 */
import { runCli } from './cli/boundary.js';
import { buildProgram } from './cli/program.js';

process.exitCode = await runCli(buildProgram(), process.argv.slice(2));

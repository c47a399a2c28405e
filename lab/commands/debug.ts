/**
 * `lab debug recoverLease -path <path> [-retries <num-retries>]` — HDFS's DebugAdmin
 * RecoverLeaseCommand: asks the NameNode to recover an open file's lease now (ClientProtocol
 * .recoverLease), retrying every 5 s while it answers false (its last block is being recovered),
 * with DebugAdmin's lines and exit codes.
 */
import { randomInt } from 'node:crypto';
import { clientNameFor } from '../../cluster/client/plan.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { err, out } from '../cli/output.js';
import { withSession } from '../cli/session.js';

/** DebugAdmin.RecoverLeaseCommand.TIMEOUT_MS: the wait between two tries. */
const RECOVER_LEASE_RETRY_MS = 5000;

const USAGE = `Usage: lab debug <command> [arguments]

These commands are for advanced users only.

Incorrect usages may result in data loss. Use at your own risk.

recoverLease -path <path> [-retries <num-retries>]`;

/** StringUtils.popOptionWithArgument: the value after `name`, removed from `args` with it. */
function popOption(args: string[], name: string): string | null {
  const i = args.indexOf(name);
  if (i === -1) return null;
  const value = args[i + 1];
  if (value === undefined) throw new UsageError(`option ${name} requires an argument.`, USAGE);
  args.splice(i, 2);
  return value;
}

export function registerDebug(program: Command): void {
  program
    .command('debug')
    .description('advanced: recoverLease -path P [-retries N] (HDFS debug admin)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      const [sub, ...rest] = args;
      if (sub !== 'recoverLease') {
        out(USAGE);
        throw new CommandExit(1);
      }
      const path = popOption(rest, '-path');
      const retries = popOption(rest, '-retries');
      if (path === null) {
        err('You must supply a -path argument to recoverLease.');
        throw new CommandExit(1);
      }
      const maxRetries = retries === null ? 1 : Number(retries);
      if (!Number.isSafeInteger(maxRetries))
        throw new UsageError(`-retries: not a number: ${retries}`, USAGE);
      const code = await withSession(homeOf(command), (session) =>
        recoverLease(path, maxRetries, (src) =>
          session.namenode.call('recoverLease', {
            src,
            clientName: clientNameFor(randomInt(0, 2 ** 31 - 1)),
          }),
        ),
      );
      if (code !== 0) throw new CommandExit(code);
    });
}

async function recoverLease(
  path: string,
  maxRetries: number,
  call: (src: string) => Promise<boolean>,
): Promise<number> {
  const src = path.startsWith('hdfs://') ? path.replace(/^hdfs:\/\/[^/]*/, '') || '/' : path;
  for (let retry = 0; ;) {
    let recovered = false;
    let failure: RemoteError | null = null;
    try {
      recovered = await call(src);
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      if (error.errorClass === 'FileNotFoundException') {
        err(`recoverLease got exception: ${error.message}`);
        err(`Giving up on recoverLease for ${path} after 1 try`);
        return 1;
      }
      failure = error;
    }
    if (recovered) {
      out(`recoverLease SUCCEEDED on ${path}`);
      return 0;
    }
    err(failure ? `recoverLease got exception: ${failure.message}` : 'recoverLease returned false.');
    retry++;
    if (retry >= maxRetries) break;
    err(`Retrying in ${RECOVER_LEASE_RETRY_MS} ms...`);
    await new Promise((resolve) => setTimeout(resolve, RECOVER_LEASE_RETRY_MS));
    err(`Retry #${retry}`);
  }
  err(`Giving up on recoverLease for ${path} after ${maxRetries}${maxRetries === 1 ? ' try.' : ' tries.'}`);
  return 1;
}

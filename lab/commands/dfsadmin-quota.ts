/**
 * `lab dfsadmin -setQuota / -clrQuota / -setSpaceQuota / -clrSpaceQuota` (DFSAdmin's quota
 * commands): one setQuota RPC per directory, Long.MAX (QUOTA_DONT_SET) for the quota left alone
 * and -1 (QUOTA_RESET) for the one cleared. Silent on success; a failing directory prints
 * `<cmd>: <message>` and the command exits 255 (DFSAdmin's -1), as Hadoop's does.
 */
import { parseSize, UnitParseError } from '../../cluster/common/units.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { err } from '../cli/output.js';
import type { ClusterSession } from '../cli/session.js';
import { dfsadminUsage } from './dfsadmin-help.js';
import { qualify } from './fs-command.js';

const QUOTA_DONT_SET = '9223372036854775807';
const QUOTA_RESET = '-1';
/** DFSAdmin exits -1 on failure, which a shell sees as 255. */
const EXIT_FAILURE = 255;

const QUOTA_COMMANDS = ['-setQuota', '-clrQuota', '-setSpaceQuota', '-clrSpaceQuota'] as const;

export type QuotaCommand = (typeof QUOTA_COMMANDS)[number];

export function isQuotaCommand(sub: string | undefined): sub is QuotaCommand {
  return (QUOTA_COMMANDS as readonly (string | undefined)[]).includes(sub);
}

/** An IllegalArgumentException out of the command: `<cmd>: <message>`, its usage, exit -1. */
function usageError(cmd: QuotaCommand, message: string): UsageError {
  return new UsageError(`${cmd.slice(1)}: ${message}`, dfsadminUsage(cmd), EXIT_FAILURE);
}

/** TraditionalBinaryPrefix.string2long: `10`, `1k`, `5m`, `2g` (binary multiples). */
function quotaValue(cmd: QuotaCommand, text: string): string {
  try {
    const n = cmd === '-setQuota' && !/^-?\d+$/.test(text.trim()) ? Number.NaN : parseSize(text);
    if (!Number.isSafeInteger(n)) throw new UnitParseError(text);
    return String(n);
  } catch {
    throw usageError(cmd, `"${text}" is not a valid value for a quota.`);
  }
}

/** The (nsQuota, ssQuota) pair a command sends, with DFSClient.setQuota's argument check. */
function quotasFor(
  cmd: QuotaCommand,
  args: string[],
): { quotas: { nsQuota: string; ssQuota: string }; dirs: string[] } {
  const takesValue = cmd === '-setQuota' || cmd === '-setSpaceQuota';
  if (args.includes('-storageType'))
    throw usageError(cmd, 'the lab has one storage type (DISK): -storageType is not supported');
  if (args.length < (takesValue ? 2 : 1)) throw usageError(cmd, 'Not enough arguments');
  const dirs = takesValue ? args.slice(1) : args;
  let quotas: { nsQuota: string; ssQuota: string };
  if (cmd === '-setQuota') quotas = { nsQuota: quotaValue(cmd, args[0]!), ssQuota: QUOTA_DONT_SET };
  else if (cmd === '-setSpaceQuota') quotas = { nsQuota: QUOTA_DONT_SET, ssQuota: quotaValue(cmd, args[0]!) };
  else if (cmd === '-clrQuota') quotas = { nsQuota: QUOTA_RESET, ssQuota: QUOTA_DONT_SET };
  else quotas = { nsQuota: QUOTA_DONT_SET, ssQuota: QUOTA_RESET };
  const ns = BigInt(quotas.nsQuota);
  const ss = BigInt(quotas.ssQuota);
  if ((ns <= 0n && ns !== -1n) || (ss < 0n && ss !== -1n)) {
    throw usageError(cmd, `Invalid values for quota : ${quotas.nsQuota} and ${quotas.ssQuota}`);
  }
  return { quotas, dirs };
}

export async function runQuotaCommand(
  cmd: QuotaCommand,
  args: string[],
  session: ClusterSession,
): Promise<void> {
  const { quotas, dirs } = quotasFor(cmd, args);
  let failed = false;
  for (const dir of dirs) {
    try {
      await session.namenode.call('setQuota', { src: qualify(dir), ...quotas });
    } catch (error) {
      if (!(error instanceof RemoteError)) throw error;
      err(`${cmd.slice(1)}: ${error.message.split('\n')[0]}`);
      failed = true;
    }
  }
  if (failed) throw new CommandExit(EXIT_FAILURE);
}

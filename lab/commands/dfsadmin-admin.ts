/**
 * The persistence sub-commands of `lab dfsadmin` (DFSAdmin.java): `-rollEdits`, `-saveNamespace`,
 * `-safemode get|enter|leave|wait|forceExit`, `-refreshNodes` (reread dfs.hosts / dfs.hosts.exclude),
 * `-fetchImage DIR` (the newest fsimage over /imagetransfer), `-setBalancerBandwidth` (the
 * NameNode passes it to every DataNode on a heartbeat reply) and `-metasave FILE` (the NameNode's
 * block and DataNode state, written under its log directory). lab/commands/dfsadmin.ts dispatches
 * here; output as Hadoop's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { log4jLine, type Log4jLevel } from '../../cluster/common/log4j.js';
import { string2long } from '../../cluster/common/units.js';
import { fetchNewestImage } from '../../cluster/client/namenode-http-client.js';
import { safemodeGetLine } from '../format/safemode.js';
import { DFSADMIN_FAILED, dfsadminUsage, refuseUnknownCommand } from './dfsadmin-help.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { err, out, printJson } from '../cli/output.js';
import type { OpenFileEntry, OpenFilesType } from '../../cluster/protocol/messages.js';
import type { ClusterSession } from '../cli/session.js';
import { isQuotaCommand, runQuotaCommand } from './dfsadmin-quota.js';
import { isSnapshotAdminCommand, runSnapshotAdmin } from './snapshot.js';

export interface DfsadminAdminContext {
  session: ClusterSession;
  json: boolean;
}

/** How often `-safemode wait` asks the NameNode (DFSAdmin polls every 5 s; a lab cluster is quicker). */
export const SAFEMODE_WAIT_POLL_MS = 200;

const SAFEMODE_ACTIONS = {
  get: 'SAFEMODE_GET',
  enter: 'SAFEMODE_ENTER',
  leave: 'SAFEMODE_LEAVE',
  wait: 'SAFEMODE_GET',
  forceexit: 'SAFEMODE_FORCE_EXIT',
} as const;

/** Commands this module carries out; lab/commands/dfsadmin.ts has checked their argument counts. */
export async function runDfsadminAdmin(argv: readonly string[], ctx: DfsadminAdminContext): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case '-rollEdits':
      return rollEdits(ctx);
    case '-saveNamespace':
      // DFSAdmin.saveNamespace looks only for -beforeShutdown after the command.
      if (rest[0] === '-beforeShutdown') {
        throw new UsageError(
          "saveNamespace: -beforeShutdown is not the lab's yet: a lab NameNode saves only when asked",
          dfsadminUsage(sub),
          DFSADMIN_FAILED,
        );
      }
      return saveNamespace(ctx);
    case '-safemode':
      return safemode(rest[0] as string, ctx);
    case '-refreshNodes':
      return refreshNodes(ctx);
    case '-fetchImage':
      return fetchImage(rest[0] as string, ctx);
    case '-listOpenFiles':
      return listOpenFiles(rest, ctx);
    case '-setBalancerBandwidth':
      return setBalancerBandwidth(rest[0] as string, ctx);
    case '-metasave':
      return metaSave(rest[0] as string, ctx);
    default:
      if (isQuotaCommand(sub)) return runQuotaCommand(sub, rest, ctx.session);
      if (isSnapshotAdminCommand(sub)) return runSnapshotAdmin(sub, rest, ctx.session);
      return refuseUnknownCommand(sub ?? '-');
  }
}

/**
 * DFSAdmin.setBalancerBandwidth's reading of its argument, before it connects: the value as
 * TraditionalBinaryPrefix.string2long reads it (`10m`); a NumberFormatException prints its message
 * and the usage, a negative value one line, both exit -1 (an IllegalArgumentException reaches
 * DFSAdmin.run: `setBalancerBandwidth: …` and the usage).
 */
export function balancerBandwidthArg(text: string): number {
  const parsed = string2long(text);
  if ('error' in parsed) {
    if (parsed.error === 'IllegalArgumentException') {
      const usage = dfsadminUsage('-setBalancerBandwidth').trimEnd();
      throw new UsageError(`setBalancerBandwidth: ${parsed.message}`, usage, DFSADMIN_FAILED);
    }
    err(`NumberFormatException: ${parsed.message}`);
    process.stderr.write(dfsadminUsage('-setBalancerBandwidth'));
    throw new CommandExit(DFSADMIN_FAILED);
  }
  if (parsed.value < 0n) {
    err('Bandwidth should be a non-negative integer');
    throw new CommandExit(DFSADMIN_FAILED);
  }
  return Number(parsed.value);
}

/** DFSAdmin.setBalancerBandwidth: ClientProtocol.setBalancerBandwidth, then its line. */
async function setBalancerBandwidth(text: string, ctx: DfsadminAdminContext): Promise<void> {
  const bandwidth = balancerBandwidthArg(text);
  try {
    await ctx.session.namenode.call('setBalancerBandwidth', { bandwidth });
  } catch (error) {
    err('Balancer bandwidth is set failed.');
    throw error;
  }
  if (ctx.json) return printJson({ bandwidth });
  out(`Balancer bandwidth is set to ${bandwidth}`);
}

/**
 * DFSAdmin.metaSave: ClientProtocol.metaSave writes the file under the NameNode's log directory
 * (hadoop.log.dir: the lab home's logs/), then its line names the file system's URI.
 */
async function metaSave(filename: string, ctx: DfsadminAdminContext): Promise<void> {
  await ctx.session.namenode.call('metaSave', { filename });
  const uri = ctx.session.config.get('fs.defaultFS').replace(/\/$/, '');
  if (ctx.json) return printJson({ filename, namenode: uri });
  out(`Created metasave file ${filename} in the log directory of namenode ${uri}`);
}

async function rollEdits(ctx: DfsadminAdminContext): Promise<void> {
  const { txid } = await ctx.session.namenode.call('rollEdits', {});
  if (ctx.json) return printJson({ newSegmentTxid: txid });
  out('Successfully rolled edit logs.');
  out(`New segment starts at txid ${txid}`);
}

async function saveNamespace(ctx: DfsadminAdminContext): Promise<void> {
  const { txid } = await ctx.session.namenode.call('saveNamespace', {});
  if (ctx.json) return printJson({ imageTxid: txid });
  out('Save namespace successful');
}

/**
 * DFSAdmin.fetchImage: TransferFsImage downloads the NameNode's newest fsimage_N into the local
 * directory, logging the connection (and an overwrite) as its log4j lines do.
 */
async function fetchImage(dir: string, ctx: DfsadminAdminContext): Promise<void> {
  const session = ctx.session;
  const image = await fetchNewestImage(session, { selfId: 'client', journal: session.journal });
  const log = (level: Log4jLevel, logger: string, message: string): void =>
    err(log4jLine(level, logger, message, new Date()));
  log('INFO', 'namenode.TransferFsImage', `Opening connection to ${image.url}`);
  const file = path.join(dir, image.name);
  if (fs.existsSync(file)) {
    log('WARN', 'common.Util', `Overwriting existing file ${file} with file downloaded from ${image.url}`);
  }
  try {
    fs.writeFileSync(file, image.bytes);
  } catch (e) {
    log('WARN', 'common.Util', `Unable to download file ${file}: ${(e as Error).message}`);
    // DFSAdmin.run prints the exception's message after the command's name and exits -1.
    err('fetchImage: Unable to download to any storage directory');
    throw new CommandExit(DFSADMIN_FAILED);
  }
  if (ctx.json) printJson({ file, bytes: image.bytes.length });
}

/** DFSAdmin.printOpenFiles' header and rows: `%-20s\t%-20s\t%s` and `%-20s\t%-20s\t%20s`. */
export function openFilesLines(entries: readonly OpenFileEntry[]): string[] {
  return [
    `${'Client Host'.padEnd(20)}\t${'Client Name'.padEnd(20)}\tOpen File Path`,
    ...entries.map(
      (e) => `${e.clientMachine.padEnd(20)}\t${e.clientName.padEnd(20)}\t${e.path.padStart(20)}`,
    ),
  ];
}

/**
 * DFSAdmin.listOpenFiles: `-blockingDecommission` and `-path P` are popped from the arguments (the
 * rest ignored); the NameNode is asked batch after batch (OpenFilesIterator, the last inode id as
 * cursor) and each file printed as it comes.
 */
async function listOpenFiles(args: readonly string[], ctx: DfsadminAdminContext): Promise<void> {
  const rest = [...args];
  const blocking = popOption(rest, '-blockingDecommission');
  const pathAt = rest.indexOf('-path');
  if (pathAt >= 0 && pathAt === rest.length - 1) {
    // StringUtils.popOptionWithArgument's IllegalArgumentException, as DFSAdmin.run prints it.
    err('listOpenFiles: option -path requires 1 argument.');
    process.stderr.write(dfsadminUsage('-listOpenFiles'));
    throw new CommandExit(DFSADMIN_FAILED);
  }
  const path = pathAt >= 0 ? (rest[pathAt + 1] as string).trim() || '/' : '/';
  const types: OpenFilesType[] = [blocking ? 'BLOCKING_DECOMMISSION' : 'ALL_OPEN_FILES'];
  const all: OpenFileEntry[] = [];
  if (!ctx.json) out(openFilesLines([])[0] as string);
  let prevId = 0;
  for (;;) {
    let batch: { entries: OpenFileEntry[]; hasMore: boolean };
    try {
      batch = await ctx.session.namenode.call('listOpenFiles', { prevId, types, path });
    } catch (error) {
      err('List open files failed.');
      throw error;
    }
    if (ctx.json) all.push(...batch.entries);
    else for (const line of openFilesLines(batch.entries).slice(1)) out(line);
    const last = batch.entries.at(-1);
    if (!batch.hasMore || last === undefined) break;
    prevId = last.inodeId;
  }
  if (ctx.json) printJson(all);
}

/** StringUtils.popOption: whether `name` was there (before any `--`), removed. */
function popOption(args: string[], name: string): boolean {
  const end = args.indexOf('--');
  const at = args.indexOf(name);
  if (at < 0 || (end >= 0 && at > end)) return false;
  args.splice(at, 1);
  return true;
}

/** DFSAdmin.refreshNodes against one NameNode (no HA): its one line. */
async function refreshNodes(ctx: DfsadminAdminContext): Promise<void> {
  await ctx.session.namenode.call('refreshNodes', {});
  if (ctx.json) return printJson({ refreshed: true });
  out('Refresh nodes successful');
}

async function safemode(word: string, ctx: DfsadminAdminContext): Promise<void> {
  const action = SAFEMODE_ACTIONS[word.toLowerCase() as keyof typeof SAFEMODE_ACTIONS];
  if (action === undefined) {
    // DFSAdmin.setSafeMode prints the usage and returns normally: the exit status is 0.
    process.stderr.write(dfsadminUsage('-safemode'));
    return;
  }
  const nn = ctx.session.namenode;
  let status = await nn.call('setSafeMode', { action });
  if (word.toLowerCase() === 'wait') {
    // DFSAdmin -safemode wait polls until safe mode is off, however long that takes.
    while (status.on) {
      await new Promise((resolve) => setTimeout(resolve, SAFEMODE_WAIT_POLL_MS));
      status = await nn.call('setSafeMode', { action: 'SAFEMODE_GET' });
    }
  }
  if (ctx.json) return printJson(status);
  out(safemodeGetLine(status.on));
}

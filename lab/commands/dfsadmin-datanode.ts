/**
 * The DataNode sub-commands of `lab dfsadmin` (DFSAdmin.java), each one ClientDatanodeProtocol call
 * to the DataNode's IPC port named as `<datanode_host:ipc_port>` (`lab start` and `lab dfsadmin
 * -report` show it): `-getDatanodeInfo`, `-triggerBlockReport [-incremental] [-namenode …]`, `-shutdownDatanode
 * [upgrade]` and `-getBalancerBandwidth`. They need no NameNode. Output, messages and exit codes
 * as DFSAdmin's.
 */
import { connectDatanodeIpc } from '../../cluster/client/datanode-ipc-client.js';
import { homePaths } from '../../cluster/home/description.js';
import { requireDescription } from '../../cluster/home/home.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { Journal } from '../../cluster/transport/journal.js';
import type { RpcClient } from '../../cluster/transport/rpc-client.js';
import { CommandExit } from '../cli/errors.js';
import { err, out, printJson } from '../cli/output.js';
import { DFSADMIN_FAILED, dfsadminUsage } from './dfsadmin-help.js';

/** What `triggerBlockReport` returns for a failure it reports itself (DFSAdmin.triggerBlockReport). */
const TRIGGER_FAILED = 1;

interface DatanodeCommandContext {
  home: string;
  json: boolean;
}

/** Runs one DataNode command; lab/commands/dfsadmin.ts has checked its argument count. */
export async function runDatanodeCommand(
  argv: readonly string[],
  ctx: DatanodeCommandContext,
): Promise<void> {
  const [sub, ...rest] = argv as [string, ...string[]];
  if (sub === '-triggerBlockReport') return triggerBlockReport(rest, ctx);
  const target = rest[0] as string;
  if (sub === '-shutdownDatanode' && rest.length === 2 && rest[1]?.toLowerCase() !== 'upgrade')
    usageExit(sub);
  const forUpgrade = rest.length === 2;
  await withDatanode(sub, target, ctx, async (dn) => {
    switch (sub) {
      case '-getDatanodeInfo': {
        const info = await unreachableIfFailed(dn.call('getDatanodeInfo', {}));
        if (ctx.json) return printJson(info);
        // DatanodeLocalInfo.getDatanodeLocalReport.
        return out(
          `Uptime: ${info.uptimeSec}, Software version: ${info.softwareVersion}, Config version: ${info.configVersion}`,
        );
      }
      case '-getBalancerBandwidth': {
        const { bytesPerSec } = await unreachableIfFailed(dn.call('getBalancerBandwidth', {}));
        if (ctx.json) return printJson({ bytesPerSec });
        return out(`Balancer bandwidth is ${bytesPerSec} bytes per second.`);
      }
      default:
        await dn.call('shutdownDatanode', { forUpgrade });
        if (ctx.json) return printJson({ submitted: true, datanode: target, forUpgrade });
        return out(`Submitted a shutdown request to datanode ${target}`);
    }
  });
}

/**
 * DFSAdmin.triggerBlockReport: `-namenode <host:port>` taken out first (only that NameNode gets
 * the report, HDFS 3.3), then `-incremental` anywhere; the first other word is the DataNode.
 * Anything left over, or no DataNode, is refused with exit 1, as is a failed call; a `-namenode`
 * without its address, or an address that is no host:port, is DFSAdmin.run's
 * IllegalArgumentException (message, usage, exit -1).
 */
async function triggerBlockReport(args: readonly string[], ctx: DatanodeCommandContext): Promise<void> {
  const { rest: withoutNamenode, value: nnAddress } = popOptionWithArgument('-namenode', args);
  if (nnAddress !== undefined && !hostPort(nnAddress)) {
    err(`triggerBlockReport: Does not contain a valid host:port authority: ${nnAddress}`);
    usageExit('-triggerBlockReport');
  }
  const rest = withoutNamenode.filter((a) => a !== '-incremental');
  const incremental = rest.length < withoutNamenode.length;
  const target = rest.find((a) => !a.startsWith('-'));
  if (target === undefined) {
    err('You must specify a host:port pair.');
    throw new CommandExit(TRIGGER_FAILED);
  }
  const leftover = rest.filter((a) => a !== target);
  if (leftover.length > 0) {
    process.stderr.write(`Can't understand arguments: ${leftover.join(' ')}\n`);
    throw new CommandExit(TRIGGER_FAILED);
  }
  await withDatanode('-triggerBlockReport', target, ctx, async (dn) => {
    try {
      await dn.call('triggerBlockReport', { incremental, ...(nnAddress ? { nnAddress } : {}) });
    } catch (error) {
      err(`triggerBlockReport error: ${javaString(error)}`);
      throw new CommandExit(TRIGGER_FAILED);
    }
    if (ctx.json) {
      return printJson({
        triggered: incremental ? 'incremental' : 'full',
        datanode: target,
        ...(nnAddress ? { namenode: nnAddress } : {}),
      });
    }
    const to = nnAddress === undefined ? '' : ` to namenode ${nnAddress}`;
    out(`Triggering ${incremental ? 'an incremental' : 'a full'} block report on ${target}${to}.`);
  });
}

/**
 * StringUtils.popOptionWithArgument: `name` and the word after it leave the list (parsing stops at
 * `--`); `name` last, with nothing after it, is IllegalArgumentException "option <name> requires 1
 * argument.", which DFSAdmin.run prints with the command's usage (exit -1).
 */
function popOptionWithArgument(
  name: string,
  args: readonly string[],
): { rest: string[]; value: string | undefined } {
  const end = args.indexOf('--');
  const at = args.findIndex((a, i) => a === name && (end < 0 || i < end));
  if (at < 0) return { rest: [...args], value: undefined };
  const value = args[at + 1];
  if (value === undefined) {
    err(`triggerBlockReport: option ${name} requires 1 argument.`);
    usageExit('-triggerBlockReport');
  }
  return { rest: [...args.slice(0, at), ...args.slice(at + 2)], value };
}

/**
 * NetUtils.createSocketAddr, then a connection to the DataNode's IPC port for `body`. A target
 * that is no host:port is DFSAdmin.run's IllegalArgumentException (message, usage, exit -1); a
 * failure of the call is its `<cmd>: <message>` (exit -1). The calls go to the journal.
 */
async function withDatanode(
  sub: string,
  target: string,
  ctx: DatanodeCommandContext,
  body: (dn: RpcClient) => Promise<void>,
): Promise<void> {
  const address = hostPort(target);
  if (!address) {
    err(`${sub.slice(1)}: Does not contain a valid host:port authority: ${target}`);
    usageExit(sub);
  }
  const description = requireDescription(ctx.home);
  const journal = new Journal(homePaths(ctx.home).journal, 'client');
  let dn: RpcClient | null = null;
  try {
    dn = await connectDatanodeIpc({ description, journal, ...address }).catch((error: unknown) => {
      if (sub === '-triggerBlockReport') {
        // The proxy connects on the first call, inside triggerBlockReport's own try.
        err(`triggerBlockReport error: ${javaString(error)}`);
        throw new CommandExit(TRIGGER_FAILED);
      }
      if (sub === '-shutdownDatanode') throw error;
      throw unreachable(error);
    });
    await body(dn);
  } catch (error) {
    if (error instanceof CommandExit) throw error;
    err(`${sub.slice(1)}: ${firstLine(error)}`);
    throw new CommandExit(DFSADMIN_FAILED);
  } finally {
    dn?.close();
    journal.close();
  }
}

/** `host:port` as NetUtils.createSocketAddr reads it with no default port, or null. */
function hostPort(target: string): { host: string; port: number } | null {
  const m = /^([^:/\s]+):(\d{1,5})$/.exec(target);
  if (!m) return null;
  const port = Number(m[2]);
  return port <= 65535 ? { host: m[1] as string, port } : null;
}

/** getDatanodeInfo and getBalancerBandwidth wrap any failure as `Datanode unreachable. <exception>`. */
async function unreachableIfFailed<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw unreachable(error);
  }
}

function unreachable(error: unknown): Error {
  return new Error(`Datanode unreachable. ${javaString(error)}`);
}

/** How Java prints the exception: a server's error as RemoteException(<class>), a refused connection as ConnectException. */
function javaString(error: unknown): string {
  if (error instanceof RemoteError)
    return `org.apache.hadoop.ipc.RemoteException(${error.javaClassName}): ${firstLine(error)}`;
  return `java.net.ConnectException: ${firstLine(error)}`;
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0] as string;
}

function usageExit(cmd: string): never {
  process.stderr.write(dfsadminUsage(cmd));
  throw new CommandExit(DFSADMIN_FAILED);
}

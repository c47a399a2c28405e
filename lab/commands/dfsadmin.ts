/**
 * `lab dfsadmin -report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] |
 * -printTopology | -safemode … | -rollEdits | -saveNamespace | -refreshNodes` — HDFS's admin
 * command, answered by the NameNode.
 */
import { datanodeReport } from '../../cluster/client/datanode-report.js';
import { fetchNamenodeStatus } from '../../cluster/client/namenode-http-client.js';
import { staleIntervalMs } from '../../cluster/config/config.js';
import { printTopology, NetworkTopology } from '../../cluster/net/topology.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { Command } from '../cli/commander.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { err, out, printJson } from '../cli/output.js';
import { withSession, type ClusterSession } from '../cli/session.js';
import { formatDfsadminReport, type DfsadminReportOptions } from '../format/dfsadmin-report.js';
import {
  DATANODE_COMMANDS,
  DFSADMIN_FAILED,
  dfsadminHelp,
  dfsadminUsage,
  refuseUnknownCommand,
} from './dfsadmin-help.js';
import { xferAddr } from '../../cluster/protocol/types.js';

/**
 * DFSAdmin.run's argument-count checks (argv with the command itself): a miscounted command
 * prints only its usage line and exits -1.
 */
const ARGUMENT_COUNTS: Readonly<Record<string, (count: number) => boolean>> = {
  '-safemode': (n) => n === 2,
  '-allowSnapshot': (n) => n === 2,
  '-disallowSnapshot': (n) => n === 2,
  '-report': (n) => n <= 7,
  '-saveNamespace': (n) => n === 1 || n === 2,
  '-rollEdits': (n) => n === 1,
  '-refreshNodes': (n) => n === 1,
  '-printTopology': (n) => n === 1,
  '-fetchImage': (n) => n === 2,
  '-listOpenFiles': (n) => n <= 4,
  '-setBalancerBandwidth': (n) => n === 2,
  '-getBalancerBandwidth': (n) => n === 2,
  '-shutdownDatanode': (n) => n === 2 || n === 3,
  '-getDatanodeInfo': (n) => n === 2,
  '-metasave': (n) => n === 2,
  '-triggerBlockReport': (n) => n >= 2 && n <= 5,
};

/** printUsage(cmd) on stderr, then exit -1. */
function usageExit(cmd: string): never {
  process.stderr.write(dfsadminUsage(cmd));
  throw new CommandExit(DFSADMIN_FAILED);
}

export function registerDfsadmin(program: Command): void {
  registerHadoopCommand(program, {
    name: 'dfsadmin',
    description:
      'cluster administration: -report, -safemode, -rollEdits, -saveNamespace, -refreshNodes, -printTopology, -setQuota, -setSpaceQuota, -allowSnapshot, -getDatanodeInfo, -triggerBlockReport',
    run: async ({ args: rest, json, home, settings }) => {
      const sub = rest[0];
      if (!sub) usageExit('');
      if (sub === '--help' || sub === '-help') {
        // DFSAdmin.printHelp; help needs no cluster.
        process.stdout.write(dfsadminHelp(rest[1]));
        return;
      }
      if (!(ARGUMENT_COUNTS[sub]?.(rest.length) ?? true)) usageExit(sub);
      try {
        refuseUnknownCommand(sub);
        if (sub === '-setBalancerBandwidth') {
          // DFSAdmin.setBalancerBandwidth reads its argument before it connects.
          const { balancerBandwidthArg } = await import('./dfsadmin-admin.js');
          balancerBandwidthArg(rest[1] as string);
        }
        if (DATANODE_COMMANDS.has(sub)) {
          // A DataNode's IPC port, not the NameNode's: no session.
          const { runDatanodeCommand } = await import('./dfsadmin-datanode.js');
          return await runDatanodeCommand(rest, { home, json });
        }
        await withSession(
          home,
          async (session) => {
            switch (sub) {
              case '-report':
                return report(session, rest.slice(1), json);
              case '-printTopology':
                return topology(session, json);
              default: {
                const { runDfsadminAdmin } = await import('./dfsadmin-admin.js');
                return runDfsadminAdmin(rest, { session, json });
              }
            }
          },
          { settings: settings() },
        );
      } catch (error) {
        failed(sub, error);
      }
    },
  });
}

/**
 * DFSAdmin.run's catch blocks: a RemoteException prints the command and its message's first line;
 * an IllegalArgumentException (a UsageError here, whose message already names the command) prints
 * its message and the command's usage — neither with the lab's own `lab:` prefix; exit -1.
 */
function failed(sub: string, error: unknown): never {
  if (error instanceof RemoteError) {
    err(`${sub.slice(1)}: ${error.message.split('\n')[0]}`);
    throw new CommandExit(DFSADMIN_FAILED);
  }
  if (error instanceof UsageError) {
    err(error.message);
    if (error.hint !== undefined) err(error.hint);
    throw new CommandExit(error.exitCode);
  }
  throw error;
}

async function report(session: ClusterSession, args: string[], json: boolean): Promise<void> {
  const filters = {
    '-live': 'live',
    '-dead': 'dead',
    '-decommissioning': 'decommissioning',
    '-enteringmaintenance': 'enteringMaintenance',
    '-inmaintenance': 'inMaintenance',
  } as const;
  // DFSAdmin.report pops the filters it knows (StringUtils.popOption) and ignores anything else.
  const options: DfsadminReportOptions = {};
  for (const a of args) if (Object.hasOwn(filters, a)) options[filters[a as keyof typeof filters]] = true;
  const [status, datanodes] = await Promise.all([
    fetchNamenodeStatus(session, { selfId: 'client', journal: session.journal }),
    // DFSAdmin.report: the LIVE and DEAD reports (DatanodeInfoProto carries no liveness).
    datanodeReport(session.namenode, { nowMs: Date.now(), staleIntervalMs: staleIntervalMs(session.config) }),
  ]);
  if (json) {
    printJson({ status, datanodes });
    return;
  }
  const text = formatDfsadminReport(
    {
      capacity: status.capacity,
      used: status.dfsUsed,
      remaining: status.remaining,
      safeMode: status.safemode.on,
      lowRedundancyBlocks: status.underReplicated,
      corruptBlocks: status.corruptBlocks,
      missingBlocks: status.missingBlocks,
      missingReplicationOneBlocks: 0,
      highestPriorityLowRedundancyBlocks: 0,
      pendingDeletionBlocks: status.pendingDeletion,
    },
    datanodes,
    options,
  );
  out(text);
}

async function topology(session: ClusterSession, json: boolean): Promise<void> {
  const datanodes = await session.namenode.call('getDatanodeReport', { type: 'ALL' });
  const topo = new NetworkTopology(
    datanodes.map((d) => ({
      name: d.name,
      location: d.networkLocation,
      address: xferAddr(d),
    })),
  );
  if (json) printJson(topo.toTree());
  else out(printTopology(topo));
}

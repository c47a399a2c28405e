/**
 * `lab balancer [-threshold P]`: Hadoop's balancer as a client-side tool. Its run
 * (cluster/balancer/balancer.ts) iterates over what this module asks the cluster: the DataNodes'
 * storage reports (getDatanodeReport) and the block map (/fsck of /); it plans moves with the pure
 * planner (cluster/balancer/plan.ts), and this module carries each one out over
 * DataTransfer as HDFS's Dispatcher does: REPLACE_BLOCK to the target, which copies the replica
 * from the source with COPY_BLOCK, DataNode to DataNode, throttled by the source to
 * dfs.datanode.balance.bandwidthPerSec. The target reports RECEIVED with the source as delete
 * hint to the NameNode, which then holds one replica too many and deletes the source's (the
 * planner only picks moves where the hint, or the NameNode's own excess choice, names the source).
 * It prints Hadoop's progress lines and exits when the cluster is balanced.
 */
import {
  BALANCER_EXIT,
  runBalancer,
  type BalancerIo,
  type BalancerResult,
} from '../../cluster/balancer/balancer.js';
import type { BlockReplicas, PlannedMove } from '../../cluster/balancer/plan.js';
import { fetchBlockMap } from '../../cluster/client/namenode-http-client.js';
import { waitFor } from '../../cluster/launcher/wait.js';
import type { DatanodeInfo } from '../../cluster/protocol/types.js';
import { replaceBlock } from '../../cluster/client/datanode-ops.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';
import { withSession, type ClusterSession } from '../cli/session.js';

/** Runs the balancer (cluster/balancer/balancer.ts) against the session's cluster. */
export function balanceCluster(
  session: ClusterSession,
  options: { thresholdPct: number; print: (line: string) => void },
): Promise<BalancerResult> {
  return runBalancer(balancerIo(session), options);
}

function balancerIo(session: ClusterSession): BalancerIo {
  const heartbeatIntervalMs = session.config.ms('dfs.heartbeat.interval');
  return {
    namenodeUri: `hdfs://${session.description.namenode.host}:${session.description.namenode.port}`,
    heartbeatIntervalMs,
    nowMs: Date.now,
    liveDatanodes: () => session.namenode.call('getDatanodeReport', { type: 'LIVE' }),
    blockMap: () => blockMap(session),
    dispatch: (move, byName) => dispatch(session, move, byName),
    settle: (before) => settle(session, before, heartbeatIntervalMs),
  };
}

/** Every complete block with its live replicas, from the NameNode's /fsck walk of / (the lab has no getBlocks RPC). */
async function blockMap(session: ClusterSession): Promise<BlockReplicas[]> {
  const fsck = await fetchBlockMap(session, '/', { selfId: 'client', journal: session.journal });
  return fsck.files
    .filter((f) => !f.isDir && !f.underConstruction)
    .flatMap((f) =>
      f.blocks.map((b) => ({
        blockId: b.block.blockId,
        genStamp: b.block.genStamp,
        numBytes: b.block.numBytes,
        expected: f.replication,
        replicas: b.live.map((r) => r.name),
      })),
    );
}

/** Moves dispatched by this process, numbering their operation ids. */
let moveCounter = 0;

/**
 * One move, as HDFS's Dispatcher does it: REPLACE_BLOCK to the target, which copies the replica
 * from the source DataNode (COPY_BLOCK, throttled there to dfs.datanode.balance.bandwidthPerSec)
 * and answers when the copy is finalized; the source is the delete hint.
 */
async function dispatch(
  session: ClusterSession,
  move: PlannedMove,
  byName: ReadonlyMap<string, DatanodeInfo>,
): Promise<boolean> {
  const source = byName.get(move.source);
  const target = byName.get(move.target);
  if (!source || !target) return false;
  const poolId = (await session.namenode.call('versionRequest', {})).blockPoolId;
  const localAddress = session.description.loopbackAliases ? session.description.client.host : undefined;
  await replaceBlock({
    selfId: 'balancer',
    journal: session.journal,
    localAddress,
    // `balancer-<pid>-<n>`, the shape of the lab's operation ids, so the DataNodes' frames join the move's trace.
    op: `balancer-${process.pid}-${++moveCounter}`,
    target,
    proxy: source,
    delHint: source.datanodeUuid,
    poolId,
    block: { blockId: move.blockId, genStamp: move.genStamp, numBytes: move.numBytes },
  });
  return true;
}

/**
 * Before the next iteration the storage reports must show the moves: every DataNode heartbeats
 * again after the copies (Hadoop waits two heartbeat intervals between iterations for this).
 */
async function settle(
  session: ClusterSession,
  before: readonly DatanodeInfo[],
  heartbeatMs: number,
): Promise<void> {
  const sinceMs = Date.now() + heartbeatMs;
  await waitFor(
    async () => {
      const infos = await session.namenode.call('getDatanodeReport', { type: 'LIVE' });
      return before.every((b) => (infos.find((i) => i.name === b.name)?.lastUpdate ?? Infinity) >= sinceMs);
    },
    {
      deadlineMs: 20 * heartbeatMs,
      what: 'the DataNodes to report their storage after the moves',
      intervalMs: 100,
    },
  ).catch(() => undefined);
}

export function registerBalancer(program: Command): void {
  program
    .command('balancer')
    .description('move replicas from over- to under-used DataNodes (hdfs balancer)')
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[], _flags: unknown, command: Command) => {
      const thresholdPct = parseThreshold(args);
      const result = await withSession(homeOf(command), (session) =>
        balanceCluster(session, { thresholdPct, print: out }),
      );
      if (result.exit !== 'SUCCESS') throw new CommandExit(BALANCER_EXIT[result.exit] & 0xff);
    });
}

/** `-threshold P` (1–100, default 10), as Balancer.Cli.parse. */
export function parseThreshold(args: readonly string[]): number {
  let threshold = 10;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.toLowerCase() === '-threshold') {
      const value = Number(args[++i]);
      if (!Number.isFinite(value) || value < 1 || value > 100)
        throw new UsageError(
          `Number out of range: threshold = ${args[i] ?? '(missing)'}`,
          'Usage: lab balancer [-threshold <threshold>]',
        );
      threshold = value;
    } else {
      throw new UsageError(
        `balancer: unknown argument ${arg}`,
        'Usage: lab balancer [-threshold <threshold>]',
      );
    }
  }
  return threshold;
}

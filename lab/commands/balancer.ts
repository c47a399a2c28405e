/**
 * `lab balancer [-threshold P]`: Hadoop's balancer as a client-side tool. Each iteration asks the
 * NameNode for the DataNodes' storage reports (getDatanodeReport) and the block map (/fsck of /),
 * plans moves with the pure planner (cluster/balancer/plan.ts), and carries each one out over
 * DataTransfer as HDFS's Dispatcher does: REPLACE_BLOCK to the target, which copies the replica
 * from the source with COPY_BLOCK, DataNode to DataNode, throttled by the source to
 * dfs.datanode.balance.bandwidthPerSec. The target reports RECEIVED to the NameNode, which then
 * holds one replica too many and deletes the source's (the planner only picks moves where the
 * NameNode's excess choice is the source — what HDFS's REPLACE_BLOCK with a delete hint does).
 * It prints Hadoop's progress lines and exits when the cluster is balanced.
 */
import { formatByteDesc } from '../../cluster/common/units.js';
import {
  classify,
  IDLE_ITERATIONS_MAX,
  isBalanced,
  planMoves,
  type BlockReplicas,
  type PlannedMove,
  type StorageReport,
} from '../../cluster/balancer/plan.js';
import { fetchBlockMap } from '../../cluster/client/namenode-http-client.js';
import { waitFor } from '../../cluster/launcher/wait.js';
import type { DatanodeInfo } from '../../cluster/protocol/types.js';
import { replaceBlock } from '../../cluster/client/datanode-ops.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';
import { withSession, type ClusterSession } from '../cli/session.js';

/** Hadoop's Balancer ExitStatus codes (as a process exit status: & 0xff). */
export const BALANCER_EXIT = { SUCCESS: 0, NO_MOVE_BLOCK: -2, NO_MOVE_PROGRESS: -3 } as const;
export type BalancerExit = keyof typeof BALANCER_EXIT;

export const BALANCER_HEADER =
  'Time Stamp               Iteration#  Bytes Already Moved  Bytes Left To Move  Bytes Being Moved  NameNode';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Java's DateFormat.getDateTimeInstance() in en_US (`Nov 21, 2026, 5:30:01 AM`), in UTC as the lab prints. */
export function javaDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  const hours = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ` +
    `${hours}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`
  );
}

/** One progress line: `%-24s %10d  %19s  %18s  %17s  %s` as Balancer's Result.print. */
export function progressLine(row: {
  nowMs: number;
  iteration: number;
  bytesMoved: number;
  bytesLeftToMove: number;
  bytesBeingMoved: number;
  namenodeUri: string;
}): string {
  return (
    `${javaDateTime(row.nowMs).padEnd(24)} ${String(row.iteration).padStart(10)}  ` +
    `${formatByteDesc(row.bytesMoved).padStart(19)}  ${formatByteDesc(row.bytesLeftToMove).padStart(18)}  ` +
    `${formatByteDesc(row.bytesBeingMoved).padStart(17)}  ${row.namenodeUri}`
  );
}

export interface BalancerResult {
  exit: BalancerExit;
  iterations: number;
  bytesMoved: number;
  moves: PlannedMove[];
}

export async function runBalancer(
  session: ClusterSession,
  options: { thresholdPct: number; print: (line: string) => void; nowMs?: () => number },
): Promise<BalancerResult> {
  const now = options.nowMs ?? Date.now;
  const startMs = now();
  const heartbeatMs = session.config.ms('dfs.heartbeat.interval');
  const uri = `hdfs://${session.description.namenode.host}:${session.description.namenode.port}`;
  options.print(BALANCER_HEADER);
  let bytesMoved = 0;
  let idle = 0;
  const allMoves: PlannedMove[] = [];
  for (let iteration = 0; ; iteration++) {
    const infos = await session.namenode.call('getDatanodeReport', { type: 'LIVE' });
    const classification = classify(infos.map(storageReport), options.thresholdPct);
    const row = { nowMs: now(), iteration, bytesMoved, namenodeUri: uri };
    const finish = (exit: BalancerExit, message: string): BalancerResult => {
      options.print(message);
      options.print(
        `${javaDateTime(now())}  Balancing took ${((now() - startMs) / 1000).toFixed(3)} seconds`,
      );
      return { exit, iterations: iteration + 1, bytesMoved, moves: allMoves };
    };
    if (isBalanced(classification)) {
      options.print(progressLine({ ...row, bytesLeftToMove: 0, bytesBeingMoved: 0 }));
      return finish('SUCCESS', 'The cluster is balanced. Exiting...');
    }
    const moves = planMoves({
      classification,
      blocks: await blockMap(session),
      nowMs: now(),
      heartbeatIntervalMs: heartbeatMs,
    });
    const bytesBeingMoved = moves.reduce((sum, m) => sum + m.numBytes, 0);
    options.print(progressLine({ ...row, bytesLeftToMove: classification.bytesLeftToMove, bytesBeingMoved }));
    if (moves.length === 0) return finish('NO_MOVE_BLOCK', 'No block can be moved. Exiting...');
    const byName = new Map(infos.map((i) => [i.name, i]));
    let movedNow = 0;
    for (const move of moves) {
      const ok = await dispatch(session, move, byName).catch(() => false);
      if (ok) {
        movedNow += move.numBytes;
        allMoves.push(move);
      }
    }
    bytesMoved += movedNow;
    idle = movedNow === 0 ? idle + 1 : 0;
    if (idle >= IDLE_ITERATIONS_MAX)
      return finish(
        'NO_MOVE_PROGRESS',
        `No block has been moved for ${IDLE_ITERATIONS_MAX} iterations. Exiting...`,
      );
    await settle(session, infos, heartbeatMs);
  }
}

function storageReport(info: DatanodeInfo): StorageReport {
  return {
    name: info.name,
    rack: info.networkLocation,
    capacity: info.capacity,
    dfsUsed: info.dfsUsed,
    remaining: info.remaining,
    lastUpdateMs: info.lastUpdate,
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
        runBalancer(session, { thresholdPct, print: out }),
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

/**
 * The balancer's run (Hadoop's Balancer.run / runOneIteration): iterate until the cluster is
 * balanced, nothing can move, or nothing moved for IDLE_ITERATIONS_MAX iterations, printing
 * Balancer's progress lines. Each iteration reads the DataNodes' storage reports and the block
 * map, plans moves with plan.ts and has them carried out. It does no I/O itself: what talks to the
 * NameNode and the DataNodes, and the clock, come in as `BalancerIo` (lab/commands/balancer.ts
 * binds them to a cluster session), so the same loop runs against a fake in a unit test.
 */
import { formatByteDesc } from '../common/units.js';
import type { DatanodeInfo } from '../protocol/types.js';
import {
  classify,
  IDLE_ITERATIONS_MAX,
  isBalanced,
  planMoves,
  type BlockReplicas,
  type PlannedMove,
  type StorageReport,
} from './plan.js';

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

/** What the balancer asks of the cluster, and the clock. */
export interface BalancerIo {
  /** `hdfs://HOST:PORT` of the NameNode, for the progress lines. */
  namenodeUri: string;
  heartbeatIntervalMs: number;
  nowMs(): number;
  /** getDatanodeReport(LIVE). */
  liveDatanodes(): Promise<DatanodeInfo[]>;
  /** Every complete block with its live replicas. */
  blockMap(): Promise<BlockReplicas[]>;
  /** Carries one move out; false when it could not be. */
  dispatch(move: PlannedMove, byName: ReadonlyMap<string, DatanodeInfo>): Promise<boolean>;
  /** Waits until the DataNodes' storage reports show the moves (Hadoop waits two heartbeats). */
  settle(before: readonly DatanodeInfo[]): Promise<void>;
}

export async function runBalancer(
  io: BalancerIo,
  options: { thresholdPct: number; print: (line: string) => void },
): Promise<BalancerResult> {
  const startMs = io.nowMs();
  options.print(BALANCER_HEADER);
  let bytesMoved = 0;
  let idle = 0;
  const allMoves: PlannedMove[] = [];
  for (let iteration = 0; ; iteration++) {
    const infos = await io.liveDatanodes();
    const classification = classify(infos.map(storageReport), options.thresholdPct);
    const row = { nowMs: io.nowMs(), iteration, bytesMoved, namenodeUri: io.namenodeUri };
    const finish = (exit: BalancerExit, message: string): BalancerResult => {
      options.print(message);
      const tookS = (io.nowMs() - startMs) / 1000;
      options.print(`${javaDateTime(io.nowMs())}  Balancing took ${tookS.toFixed(3)} seconds`);
      return { exit, iterations: iteration + 1, bytesMoved, moves: allMoves };
    };
    if (isBalanced(classification)) {
      options.print(progressLine({ ...row, bytesLeftToMove: 0, bytesBeingMoved: 0 }));
      return finish('SUCCESS', 'The cluster is balanced. Exiting...');
    }
    const moves = planMoves({
      classification,
      blocks: await io.blockMap(),
      nowMs: io.nowMs(),
      heartbeatIntervalMs: io.heartbeatIntervalMs,
    });
    const bytesBeingMoved = moves.reduce((sum, m) => sum + m.numBytes, 0);
    options.print(progressLine({ ...row, bytesLeftToMove: classification.bytesLeftToMove, bytesBeingMoved }));
    if (moves.length === 0) return finish('NO_MOVE_BLOCK', 'No block can be moved. Exiting...');
    const byName = new Map(infos.map((i) => [i.name, i]));
    let movedNow = 0;
    for (const move of moves) {
      const ok = await io.dispatch(move, byName).catch(() => false);
      if (!ok) continue;
      movedNow += move.numBytes;
      allMoves.push(move);
    }
    bytesMoved += movedNow;
    idle = movedNow === 0 ? idle + 1 : 0;
    if (idle >= IDLE_ITERATIONS_MAX)
      return finish(
        'NO_MOVE_PROGRESS',
        `No block has been moved for ${IDLE_ITERATIONS_MAX} iterations. Exiting...`,
      );
    await io.settle(infos);
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

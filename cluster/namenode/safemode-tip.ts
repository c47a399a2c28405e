/**
 * Safe mode's tip (BlockManagerSafeMode.getSafeModeTip, FSNamesystem.getSafeModeTip), Hadoop 3.3:
 * the sentences that follow "Name node is in safe mode." in a SafeModeException and "Safe mode is
 * ON. " in the web UI and /jmx. The NameNode core's SafeMode and the lab's tests both use it.
 */
import { javaFixed } from '../common/units.js';

/** BlockManagerSafeMode's BMSafeModeStatus. */
export type BMSafeModeStatus = 'PENDING_THRESHOLD' | 'EXTENSION' | 'OFF';

export interface SafeModeState {
  /** Entered with `dfsadmin -safemode enter`. */
  manual?: boolean;
  /** Entered because the NameNode ran low on disk. */
  resourceLow?: boolean;
  blockSafe: number;
  blockTotal: number;
  /** dfs.namenode.safemode.threshold-pct. */
  thresholdPct: number;
  /** dfs.namenode.safemode.min.datanodes. */
  minDatanodes: number;
  numLiveDatanodes: number;
  status: BMSafeModeStatus;
  /** In EXTENSION: ms until the extension ends (ignored with no blocks, where it is 0). */
  msToLeaveExtension?: number;
  /** Bytes in replicas with future generation stamps (usually 0). */
  bytesInFuture?: number;
}

/** (long) (total × threshold), computed in float as Java does. */
export function blockThreshold(blockTotal: number, thresholdPct: number): number {
  return Math.trunc(Math.fround(Math.fround(blockTotal) * Math.fround(thresholdPct)));
}

const LEAVE_CMD = 'Use "hdfs dfsadmin -safemode leave" to turn safe mode off.';

/** The tip sentences that follow "Name node is in safe mode." and "Safe mode is ON. ". */
export function safemodeTip(state: SafeModeState): string {
  if (state.resourceLow) {
    return (
      'Resources are low on NN. Please add or free up more resources' +
      'then turn off safe mode manually. NOTE:  If you turn off safe ' +
      'mode before adding resources, the NN will immediately return to ' +
      `safe mode. ${LEAVE_CMD}`
    );
  }
  if (state.manual) return `It was turned on manually. ${LEAVE_CMD}`;

  const threshold = blockThreshold(state.blockTotal, state.thresholdPct);
  const pct = javaFixed(Math.fround(state.thresholdPct), 4);
  let msg: string;
  if (state.blockSafe < threshold) {
    msg =
      `The reported blocks ${state.blockSafe} needs additional ${threshold - state.blockSafe}` +
      ` blocks to reach the threshold ${pct} of total blocks ${state.blockTotal}.\n`;
  } else {
    msg = `The reported blocks ${state.blockSafe} has reached the threshold ${pct} of total blocks ${state.blockTotal}. `;
  }
  if (state.minDatanodes > 0) {
    const live = state.numLiveDatanodes;
    msg +=
      live < state.minDatanodes
        ? `The number of live datanodes ${live} needs an additional ${state.minDatanodes - live} live ` +
          `datanodes to reach the minimum number ${state.minDatanodes}.\n`
        : `The number of live datanodes ${live} has reached the minimum number ${state.minDatanodes}. `;
  } else {
    msg += 'The minimum number of live datanodes is not required. ';
  }
  const future = state.bytesInFuture ?? 0;
  if (future > 0) {
    return (
      msg +
      'Name node detected blocks with generation stamps in future. This means that Name node ' +
      'metadata is inconsistent. This can happen if Name node metadata files have been manually ' +
      `replaced. Exiting safe mode will cause loss of ${future} byte(s). Please restart name node with ` +
      'right metadata or use "hdfs dfsadmin -safemode forceExit" if you are certain that the ' +
      'NameNode was started with the correct FsImage and edit logs. If you encountered this during ' +
      'a rollback, it is safe to exit with -safemode forceExit.'
    );
  }
  const turnOff = 'Safe mode will be turned off automatically ';
  switch (state.status) {
    case 'PENDING_THRESHOLD':
      return `${msg}${turnOff}once the thresholds have been reached.`;
    case 'EXTENSION': {
      const ms = state.blockTotal > 0 ? (state.msToLeaveExtension ?? 0) : 0;
      const seconds = Math.trunc(ms / 1000) + 0; // + 0 turns -0 into 0
      return `${msg}In safe mode extension. ${turnOff}in ${seconds} seconds.`;
    }
    case 'OFF':
      return `${msg}${turnOff}soon.`;
  }
}

/**
 * The pure decisions of write-pipeline recovery (DataStreamer): which DataNodes
 * stay in the pipeline, whether HDFS's replace-datanode-on-failure policy asks for a new one, and
 * the messages HDFS gives up with, the stage a failed setup is retried with. The I/O (getAdditionalDatanode, TRANSFER_BLOCK,
 * updateBlockForPipeline, the recovery WRITE_BLOCK, updatePipeline) is in dfs-client.ts.
 */

/** Consecutive recoveries of one block before the write fails (DataStreamer's 5). */
export const PIPELINE_RECOVERY_ATTEMPTS_MAX = 5;

/** DataStreamer.addDatanode2ExistingPipeline: new DataNodes tried (getAdditionalDatanode + TRANSFER_BLOCK) per recovery. */
export const REPLACE_DATANODE_TRIES = 3;

import type { BlockConstructionStage } from '../protocol/data-transfer.js';

export type ReplaceDatanodePolicy = 'NEVER' | 'DEFAULT' | 'ALWAYS';

/**
 * ReplaceDatanodeOnFailure.satisfy: with r = replication and n = DataNodes left, nothing is added
 * when n is 0 or already ≥ r; otherwise NEVER never adds, ALWAYS always does, and DEFAULT adds when
 * r ≥ 3 and either half the pipeline is gone (⌊r/2⌋ ≥ n) or the block was hflushed/appended.
 */
export function shouldReplaceDatanode(args: {
  enabled: boolean;
  policy: ReplaceDatanodePolicy;
  replication: number;
  remaining: number;
  hflushedOrAppended: boolean;
}): boolean {
  const { replication: r, remaining: n } = args;
  if (!args.enabled || n === 0 || n >= r) return false;
  switch (args.policy) {
    case 'NEVER':
      return false;
    case 'ALWAYS':
      return true;
    case 'DEFAULT':
      return r >= 3 && (Math.floor(r / 2) >= n || args.hflushedOrAppended);
  }
}

export function parseReplacePolicy(value: string): ReplaceDatanodePolicy {
  const upper = value.trim().toUpperCase();
  if (upper === 'NEVER' || upper === 'DEFAULT' || upper === 'ALWAYS') return upper;
  throw new Error(
    `dfs.client.block.write.replace-datanode-on-failure.policy: ${value} is not one of NEVER, DEFAULT, ALWAYS`,
  );
}

export type RecoveryPlan = { ok: true; pipeline: string[] } | { ok: false; message: string };

/**
 * The pipeline after `bad` failed: the others, in order. HDFS's messages when nothing is left or
 * when the same block has been recovered too often.
 */
export function planRecovery(args: {
  pipeline: readonly string[];
  bad: string;
  attempts: number;
}): RecoveryPlan {
  if (args.attempts >= PIPELINE_RECOVERY_ATTEMPTS_MAX) {
    return {
      ok: false,
      message: `Failing write. Tried pipeline recovery ${PIPELINE_RECOVERY_ATTEMPTS_MAX} times without success.`,
    };
  }
  // An error that names no DataNode is blamed on the first one, the one we talk to.
  const bad = args.pipeline.includes(args.bad) ? args.bad : args.pipeline[0];
  const pipeline = args.pipeline.filter((dn) => dn !== bad);
  if (pipeline.length === 0) {
    return { ok: false, message: `All datanodes [${args.pipeline.join(', ')}] are bad. Aborting...` };
  }
  return { ok: true, pipeline };
}

/**
 * BlockConstructionStage.getRecoveryStage: the stage a pipeline is set up again with after it
 * failed in `stage` — an append's setup becomes PIPELINE_SETUP_APPEND_RECOVERY, streaming
 * PIPELINE_SETUP_STREAMING_RECOVERY, closing PIPELINE_CLOSE_RECOVERY, a recovery stays itself. A
 * new block's setup has none: DataStreamer abandons the block and asks addBlock for another.
 */
export function recoveryStageOf(stage: BlockConstructionStage): BlockConstructionStage {
  switch (stage) {
    case 'PIPELINE_SETUP_APPEND':
    case 'PIPELINE_SETUP_APPEND_RECOVERY':
      return 'PIPELINE_SETUP_APPEND_RECOVERY';
    case 'DATA_STREAMING':
    case 'PIPELINE_SETUP_STREAMING_RECOVERY':
      return 'PIPELINE_SETUP_STREAMING_RECOVERY';
    case 'PIPELINE_CLOSE':
    case 'PIPELINE_CLOSE_RECOVERY':
      return 'PIPELINE_CLOSE_RECOVERY';
    default:
      throw new RangeError(`Unexpected blockStage ${stage}: it has no recovery stage`);
  }
}

/**
 * DataStreamer.handleRestartingDatanode: while a DataNode of the pipeline restarts, each attempt
 * to set the pipeline up again waits this long first — dfs.client.datanode-restart.timeout, at
 * most 4 s.
 */
export function restartRetryDelayMs(restartTimeoutMs: number): number {
  return Math.min(restartTimeoutMs, 4000);
}

/**
 * DataStreamer.shouldWaitForRestart: waiting for a restarting DataNode is worth it when it is the
 * pipeline's only one or runs on this host (NetUtils.isLocalAddress: every lab DataNode on
 * loopback does); otherwise it is dropped at once like a bad one, to be taken back later.
 */
export function shouldWaitForRestart(args: { pipelineLength: number; local: boolean }): boolean {
  return args.pipelineLength === 1 || args.local;
}

/** A DataNode of the pipeline that said it is restarting, and until when the writer waits for it. */
export interface RestartingDatanode {
  name: string;
  deadlineMs: number;
}

/**
 * ErrorState.checkRestartingNodeDeadline after an attempt to set the pipeline up: a failure of the
 * restarting DataNode itself is not held against it while its deadline runs; past the deadline
 * it is no longer waited for, and is the DataNode to drop unless the attempt blamed another.
 */
export function checkRestartDeadline(args: {
  restarting: RestartingDatanode;
  bad: string | null;
  nowMs: number;
}): { restarting: RestartingDatanode | null; bad: string | null } {
  const { restarting, nowMs } = args;
  const bad = args.bad === restarting.name ? null : args.bad;
  if (nowMs < restarting.deadlineMs) return { restarting, bad };
  return { restarting: null, bad: bad ?? restarting.name };
}

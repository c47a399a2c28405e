/**
 * The Secondary NameNode's decisions, without I/O (SecondaryNameNode.doWork / doCheckpoint):
 * whether a checkpoint is due, which files to fetch, and the merge of an fsimage with the edit
 * segments after it into the fsimage at the last of their txids. The process in
 * cluster/runtime/secondary-process.ts does the RPCs, the HTTP transfers and the disk writes.
 */
import type { EditLogOp } from '../namenode/editlog/ops.js';
import type { FsImage } from '../namenode/fsimage/image.js';
import { Namespace } from '../namenode/namespace.js';

export type CheckpointReason = 'period' | 'txns';

export interface CheckpointCheck {
  nowMs: number;
  /** When the NameNode's newest image was made (epoch ms). */
  lastCheckpointMs: number;
  lastCheckpointTxid: number;
  /** The NameNode's last written txid. */
  nnTxid: number;
  /** dfs.namenode.checkpoint.period in ms. */
  periodMs: number;
  /** dfs.namenode.checkpoint.txns. */
  txns: number;
}

/**
 * HDFS checks the transaction count first: `NN txid − last checkpoint txid ≥ checkpoint.txns`, then
 * the age of the last checkpoint against `checkpoint.period`.
 */
export function shouldCheckpoint(check: CheckpointCheck): { due: boolean; reason: CheckpointReason | null } {
  const uncheckpointed = check.nnTxid - check.lastCheckpointTxid;
  if (uncheckpointed >= check.txns) return { due: true, reason: 'txns' };
  if (check.nowMs - check.lastCheckpointMs >= check.periodMs) return { due: true, reason: 'period' };
  return { due: false, reason: null };
}

export interface SegmentRef {
  startTxid: number;
  endTxid: number;
}

export interface CheckpointPlan {
  /** Fetch fsimage_<imageTxid> from the NameNode (false: the Secondary already has it). */
  fetchImage: boolean;
  imageTxid: number;
  /** Segments to download, in txid order (those the Secondary does not hold yet). */
  fetchSegments: SegmentRef[];
  /** Every segment the merge replays, in txid order. */
  replaySegments: SegmentRef[];
  /** The txid of the image the merge produces. */
  targetTxid: number;
}

/** Thrown when the NameNode's manifest cannot bring the image up to the rolled txid. */
export class CheckpointPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointPlanError';
  }
}

/**
 * After rollEditLog: the NameNode's newest image is at `nnImageTxid`, its new segment starts at
 * `curSegmentTxid`, so the merge must reach `curSegmentTxid − 1` with the finalized segments of the
 * manifest. `haveImageTxids` and `haveSegments` are what the checkpoint directory already holds.
 */
export function planCheckpoint(input: {
  nnImageTxid: number;
  curSegmentTxid: number;
  manifest: readonly SegmentRef[];
  haveImageTxids: readonly number[];
  haveSegments: readonly SegmentRef[];
}): CheckpointPlan {
  const targetTxid = input.curSegmentTxid - 1;
  const replay = input.manifest
    .filter((s) => s.endTxid > input.nnImageTxid && s.startTxid <= targetTxid)
    .sort((a, b) => a.startTxid - b.startTxid);
  let next = input.nnImageTxid + 1;
  for (const s of replay) {
    if (s.startTxid > next) {
      throw new CheckpointPlanError(
        `the NameNode's edit log manifest has a gap: need txid ${next}, next segment starts at ${s.startTxid}`,
      );
    }
    next = Math.max(next, s.endTxid + 1);
  }
  if (next <= targetTxid) {
    throw new CheckpointPlanError(
      `the NameNode's edit log manifest ends at txid ${next - 1}; the roll ended the log at ${targetTxid}`,
    );
  }
  const have = new Set(input.haveSegments.map((s) => `${s.startTxid}-${s.endTxid}`));
  return {
    fetchImage: !input.haveImageTxids.includes(input.nnImageTxid),
    imageTxid: input.nnImageTxid,
    fetchSegments: replay.filter((s) => !have.has(`${s.startTxid}-${s.endTxid}`)),
    replaySegments: replay,
    targetTxid,
  };
}

/**
 * Load the image, replay every op after its txid in order through the same applyOp the NameNode
 * uses, and return the image at the last replayed txid. Ops at or before the image's txid are
 * skipped (segments may overlap it); a gap in txids is an error, since the result would be wrong.
 */
export function mergeCheckpoint(image: FsImage, segments: readonly (readonly EditLogOp[])[]): FsImage {
  const namespace = Namespace.fromImage(image);
  let lastTxid = image.txid;
  for (const ops of segments) {
    for (const op of ops) {
      if (op.txid <= lastTxid) continue;
      if (op.txid !== lastTxid + 1) {
        throw new CheckpointPlanError(
          `cannot merge: expected txid ${lastTxid + 1}, found ${op.txid} (${op.op})`,
        );
      }
      namespace.applyOp(op);
      lastTxid = op.txid;
    }
  }
  return namespace.toImage(lastTxid);
}

/** What one checkpoint did; the answer of POST /checkpoint. */
export interface CheckpointResult {
  reason: CheckpointReason | 'forced';
  /** The txid of the new image (the end of the rolled segment). */
  txid: number;
  imageFile: string;
  imageBytes: number;
  /** The NameNode image the merge started from, and whether it had to be downloaded. */
  fromImageTxid: number;
  imageDownloaded: boolean;
  /** Segments downloaded for this merge. */
  segmentsDownloaded: string[];
  /** The segment the roll finalized on the NameNode. */
  rolledSegment: string;
  durationMs: number;
  /** The operation id its frames carry in the journal (`lab trace --op`). */
  opId: string;
}

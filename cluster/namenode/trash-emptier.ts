/**
 * The NameNode's trash emptier (TrashPolicyDefault.Emptier, started by the NameNode when
 * fs.trash.interval > 0): at every multiple of the checkpoint interval, for every user's trash
 * (/user/<u>/.Trash), it deletes the checkpoints older than fs.trash.interval, then renames
 * Current to a checkpoint named by the date. Its ops are the ones a client's rename/delete would
 * log (OP_DELETE, OP_RENAME with OPTIONS NONE). Pure: the runtime calls `run(nowMs)` on a timer.
 */
import {
  CHECKPOINT_ATTEMPTS_MAX,
  TRASH_CURRENT,
  TRASH_DIR,
  USER_HOME_PARENT,
  checkpointName,
  checkpointTime,
  emptierIntervalMs,
  nextEmptierRunMs,
  type TrashIntervals,
} from '../common/trash.js';
import type { BlockRef, PendingOp } from './editlog/ops.js';
import type { Namespace } from './namespace.js';

export interface EmptierOutput {
  ops: PendingOp[];
  removedBlocks: BlockRef[];
  /** Log lines in TrashPolicyDefault's words. */
  log: string[];
}

export class TrashEmptier {
  private readonly intervalMs: number;
  private nextRunMs: number | null = null;

  constructor(private readonly intervals: TrashIntervals) {
    this.intervalMs = emptierIntervalMs(intervals);
  }

  get enabled(): boolean {
    return this.intervals.deletionMs > 0 && this.intervalMs > 0;
  }

  /** Runs a pass when its time has come (the first call only schedules it). */
  tick(namespace: Namespace, nowMs: number): EmptierOutput | null {
    if (!this.enabled) return null;
    if (this.nextRunMs === null) this.nextRunMs = nextEmptierRunMs(nowMs, this.intervalMs);
    if (nowMs < this.nextRunMs) return null;
    this.nextRunMs = nextEmptierRunMs(nowMs, this.intervalMs);
    return emptyAllTrash(namespace, nowMs, this.intervals.deletionMs);
  }
}

/** One Emptier pass over every user's trash: deleteCheckpoint, then createCheckpoint. */
export function emptyAllTrash(namespace: Namespace, nowMs: number, deletionMs: number): EmptierOutput {
  const out: EmptierOutput = { ops: [], removedBlocks: [], log: [] };
  for (const home of namespace.getListing(USER_HOME_PARENT) ?? []) {
    if (home.type !== 'DIRECTORY') continue;
    const root = `${home.path}/${TRASH_DIR}`;
    if (namespace.resolve(root)?.kind !== 'DIRECTORY') continue;
    deleteCheckpoints(namespace, root, { nowMs, deletionMs, immediately: false }, out);
    createCheckpoint(namespace, root, nowMs, out);
  }
  return out;
}

/** deleteCheckpoint: checkpoints older than the deletion interval go (all of them when immediately). */
export function deleteCheckpoints(
  namespace: Namespace,
  root: string,
  when: { nowMs: number; deletionMs: number; immediately: boolean },
  out: EmptierOutput,
): void {
  for (const entry of namespace.getListing(root) ?? []) {
    if (entry.pathSuffix === TRASH_CURRENT) continue;
    const time = checkpointTime(entry.pathSuffix, when.nowMs);
    // Hadoop force-moves an unexpected item into Current; the lab leaves it and says so.
    if (time === null) {
      out.log.push(`Unexpected item in trash: ${entry.path}. Left in place.`);
      continue;
    }
    if (!(when.nowMs - when.deletionMs > time || when.immediately)) continue;
    const deleted = namespace.delete(entry.path, { recursive: true, nowMs: when.nowMs });
    out.ops.push(...deleted.ops);
    out.removedBlocks.push(...deleted.removedBlocks);
    out.log.push(`Deleted trash checkpoint: ${entry.path}`);
  }
}

/** createCheckpoint: Current → yyMMddHHmmss (then -1, -2, … if that name is taken). */
export function createCheckpoint(
  namespace: Namespace,
  root: string,
  nowMs: number,
  out: EmptierOutput,
): void {
  const current = `${root}/${TRASH_CURRENT}`;
  if (!namespace.resolve(current)) return;
  const base = `${root}/${checkpointName(nowMs)}`;
  for (let attempt = 0; attempt <= CHECKPOINT_ATTEMPTS_MAX; attempt++) {
    const checkpoint = attempt === 0 ? base : `${base}-${attempt}`;
    if (namespace.resolve(checkpoint)) continue;
    out.ops.push(...namespace.renameTo(current, checkpoint, { options: ['NONE'], nowMs }));
    out.log.push(`Created trash checkpoint: ${checkpoint}`);
    return;
  }
  out.log.push(`Failed to checkpoint trash: ${base}`);
}

/**
 * File names of a NameNode name directory's `current/` (NNStorage, FileJournalManager) and the
 * retention plan (NNStorageRetentionManager). Pure: names in, names and plans out; the driver lists
 * the directory, and deletes or renames what the plan says.
 */
export { md5FileLine as md5Line } from './fsimage/md5.js';

/** Every txid in a file name is zero-padded to 19 digits (`%019d`). */
export const TXID_DIGITS = 19;

export const VERSION_FILE = 'VERSION';
export const SEEN_TXID_FILE = 'seen_txid';
export const LOCK_FILE = 'in_use.lock';

/** The header carrying a transferred file's MD5 (TransferFsImage.MD5_HEADER). */
export const IMAGE_MD5_HEADER = 'x-md5-digest';
/** The header naming the file ImageServlet sends (HADOOP_IMAGE_EDITS_HEADER, X-Image-Edits-Name). */
export const IMAGE_EDITS_NAME_HEADER = 'x-image-edits-name';
/** ImageServlet's `txid=` for the newest image (LATEST_FSIMAGE_VALUE). */
export const LATEST_IMAGE = 'latest';

/** dfs.namenode.num.checkpoints.retained */
export const CHECKPOINTS_RETAINED_DEFAULT = 2;
/** dfs.namenode.num.extra.edits.retained: transactions kept beyond what the oldest retained image needs. */
export const EXTRA_EDITS_RETAINED_DEFAULT = 1_000_000;
/** dfs.namenode.max.extra.edits.segments.retained: a cap on those extra segments. */
export const EXTRA_SEGMENTS_RETAINED_MAX_DEFAULT = 10_000;

export function padTxid(txid: number): string {
  if (!Number.isSafeInteger(txid) || txid < 0)
    throw new RangeError(`txid must be a non-negative integer, got ${txid}`);
  return String(txid).padStart(TXID_DIGITS, '0');
}

/** fsimage_0000000000000000042 */
export function fsimageName(txid: number): string {
  return `fsimage_${padTxid(txid)}`;
}

/** fsimage_…42.md5 */
export function fsimageMd5Name(txid: number): string {
  return `${fsimageName(txid)}.md5`;
}

/** fsimage.ckpt_…42: an image being saved or received, renamed to fsimage_… when complete. */
export function fsimageCheckpointName(txid: number): string {
  return `fsimage.ckpt_${padTxid(txid)}`;
}

/** edits_…01-…07: a finalized segment holding txids start..end inclusive. */
export function editsName(startTxid: number, endTxid: number): string {
  if (endTxid < startTxid) throw new RangeError(`segment end ${endTxid} is before its start ${startTxid}`);
  return `edits_${padTxid(startTxid)}-${padTxid(endTxid)}`;
}

/** edits_inprogress_…08: the open segment. */
export function editsInProgressName(startTxid: number): string {
  return `edits_inprogress_${padTxid(startTxid)}`;
}

/** seen_txid content: the first txid of the current in-progress segment (0 after format). */
export function seenTxidText(txid: number): string {
  return `${txid}\n`;
}

export function parseSeenTxid(text: string): number | null {
  const m = /^(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

export type NameDirFile =
  | { kind: 'fsimage'; txid: number }
  | { kind: 'fsimage_md5'; txid: number }
  | { kind: 'fsimage_ckpt'; txid: number }
  | { kind: 'edits'; startTxid: number; endTxid: number }
  | { kind: 'edits_inprogress'; startTxid: number }
  | { kind: 'version' }
  | { kind: 'seen_txid' }
  | { kind: 'lock' }
  | { kind: 'unknown'; name: string };

const NAME_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => NameDirFile][] = [
  [/^fsimage_(\d+)$/, (m) => ({ kind: 'fsimage', txid: Number(m[1]) })],
  [/^fsimage_(\d+)\.md5$/, (m) => ({ kind: 'fsimage_md5', txid: Number(m[1]) })],
  [/^fsimage\.ckpt_(\d+)$/, (m) => ({ kind: 'fsimage_ckpt', txid: Number(m[1]) })],
  [/^edits_(\d+)-(\d+)$/, (m) => ({ kind: 'edits', startTxid: Number(m[1]), endTxid: Number(m[2]) })],
  [/^edits_inprogress_(\d+)$/, (m) => ({ kind: 'edits_inprogress', startTxid: Number(m[1]) })],
];

/** What a file in `current/` is, with its txids; anything else is `unknown`. */
export function parseNameDirFileName(name: string): NameDirFile {
  if (name === VERSION_FILE) return { kind: 'version' };
  if (name === SEEN_TXID_FILE) return { kind: 'seen_txid' };
  if (name === LOCK_FILE) return { kind: 'lock' };
  for (const [re, make] of NAME_PATTERNS) {
    const m = re.exec(name);
    if (m) return make(m);
  }
  return { kind: 'unknown', name };
}

export interface PurgeOptions {
  checkpointsRetained: number;
  extraEditsRetained: number;
  extraSegmentsRetainedMax?: number;
}

/**
 * NNStorageRetentionManager.purgeOldStorage: keep the newest `checkpointsRetained` images; keep every
 * segment needed to replay from the oldest of them, plus up to `extraEditsRetained` earlier
 * transactions (and no more than `extraSegmentsRetainedMax` earlier segments). Returns the names to
 * delete: old images with their .md5 files first, then segments, each in the order given.
 */
export function planPurge(fileNames: readonly string[], options: PurgeOptions): string[] {
  if (options.checkpointsRetained < 1) throw new RangeError('checkpointsRetained must be at least 1');
  const files = fileNames.map((name) => ({ name, parsed: parseNameDirFileName(name) }));
  const imageTxids = [...new Set(files.flatMap((f) => (f.parsed.kind === 'fsimage' ? [f.parsed.txid] : [])))];
  imageTxids.sort((a, b) => b - a);
  const oldestKept = imageTxids[Math.min(options.checkpointsRetained, imageTxids.length) - 1] ?? 0;

  const deleteImages = files
    .filter(
      (f) => (f.parsed.kind === 'fsimage' || f.parsed.kind === 'fsimage_md5') && f.parsed.txid < oldestKept,
    )
    .map((f) => f.name);

  const minimumRequired = oldestKept + 1;
  let purgeLogsFrom = Math.max(0, minimumRequired - options.extraEditsRetained);
  // Finalized segments still holding txids at or after purgeLogsFrom but not required for replay.
  const extra = files
    .flatMap((f) => (f.parsed.kind === 'edits' ? [f.parsed] : []))
    .filter((s) => s.endTxid >= purgeLogsFrom && s.startTxid < minimumRequired)
    .sort((a, b) => a.startTxid - b.startTxid || a.endTxid - b.endTxid);
  const segmentsMax = options.extraSegmentsRetainedMax ?? EXTRA_SEGMENTS_RETAINED_MAX_DEFAULT;
  while (extra.length > segmentsMax) purgeLogsFrom = (extra.shift() as { endTxid: number }).endTxid + 1;
  if (purgeLogsFrom > minimumRequired) {
    throw new Error(
      `planPurge: would purge txid ${purgeLogsFrom - 1}, but replay needs txids from ${minimumRequired}`,
    );
  }

  // FileJournalManager.purgeLogsOlderThan: a segment goes when all of it precedes purgeLogsFrom. An
  // in-progress segment has no known end, so one that starts before purgeLogsFrom is a stale leftover.
  const deleteEdits = files
    .filter((f) =>
      f.parsed.kind === 'edits'
        ? f.parsed.endTxid < purgeLogsFrom
        : f.parsed.kind === 'edits_inprogress' && f.parsed.startTxid < purgeLogsFrom,
    )
    .map((f) => f.name);

  return [...deleteImages, ...deleteEdits];
}

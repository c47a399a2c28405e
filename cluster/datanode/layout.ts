/**
 * DataNode storage layout -57 (DatanodeUtil.idToBlockDir): where a replica's files live under one data
 * dir (volume). Pure path arithmetic — `node:path` join only, no file system access.
 *
 * <dataDir>/current/BP-…/current/finalized/subdir<d1>/subdir<d2>/blk_<id>, blk_<id>_<gs>.meta
 * <dataDir>/current/BP-…/current/rbw/blk_<id>, blk_<id>_<gs>.meta
 * <dataDir>/current/BP-…/current/rbw:.blk_<id>.restart (a replica's restart deadline, see below)
 * <dataDir>/current/BP-…/tmp/
 */
import { join } from 'node:path';
import { RemoteError } from '../protocol/errors.js';
import { isBlockPoolId, parseBlockPoolId } from '../protocol/identifiers.js';

export { isBlockPoolId };

/** DataNode layout version written to VERSION files: -57 is the 32x32 finalized layout. */
export const DATANODE_LAYOUT_VERSION = -57;

const BLOCK_FILE_PATTERN = /^blk_(-?\d+)$/;
const META_FILE_PATTERN = /^blk_(-?\d+)_(\d+)\.meta$/;

/**
 * `subdir<d1>/subdir<d2>` for a finalized replica (DatanodeUtil.idToBlockDir, layout -57):
 * d1 = (id >> 16) & 31, d2 = (id >> 8) & 31. A number must be a safe integer; ids beyond 2^53
 * (erasure-coded block groups) must be passed as bigint.
 */
export function idToBlockDir(blockId: number | bigint): string {
  if (typeof blockId === 'bigint') {
    return `subdir${Number((blockId >> 16n) & 31n)}/subdir${Number((blockId >> 8n) & 31n)}`;
  }
  if (!Number.isSafeInteger(blockId)) {
    throw new RangeError(`idToBlockDir: block id ${blockId} is not a safe integer; pass a bigint`);
  }
  // JS bitwise operators work on the low 32 bits (two's complement), which hold bits 8..20.
  return `subdir${(blockId >> 16) & 31}/subdir${(blockId >> 8) & 31}`;
}

/** `<dataDir>/current/<bpid>`; the pool id is checked so a wire value cannot escape the volume. */
export function blockPoolDir(dataDir: string, bpid: string): string {
  return join(dataDir, 'current', parseBlockPoolId(bpid, 'block pool directory'));
}

export function finalizedDir(dataDir: string, bpid: string): string {
  return join(blockPoolDir(dataDir, bpid), 'current', 'finalized');
}

export function rbwDir(dataDir: string, bpid: string): string {
  return join(blockPoolDir(dataDir, bpid), 'current', 'rbw');
}

/** TEMPORARY replicas (re-replication and balancer copies) sit outside the pool's `current/`. */
export function tmpDir(dataDir: string, bpid: string): string {
  return join(blockPoolDir(dataDir, bpid), 'tmp');
}

/**
 * `blk_<id>`. The id is checked again here although callers parse it at the boundary
 * (cluster/protocol/identifiers.ts): a value typed `number` can still be a string at run time, and
 * `blk_../../x` must never become a path.
 */
/**
 * The restart file of an rbw replica (ReplicaInPipeline.createRestartMetaStream, read back by
 * BlockPoolSlice.addReplicaToReplicasMap): the rbw directory's path + File.pathSeparator +
 * `.blk_<id>.restart`. File.pathSeparator is ':' on Unix, so HDFS's file is not inside rbw/ but
 * beside it in the pool's current/, named `rbw:.blk_<id>.restart`; the lab keeps that name.
 */
export function restartMetaPath(dataDir: string, bpid: string, blockId: number): string {
  return `${rbwDir(dataDir, bpid)}:.${blockFileName(blockId)}.restart`;
}

/**
 * The deadline a restart file holds (ms since the epoch, written as Long.toString), read as
 * Scanner.hasNextLong/nextLong does: the first token, when it is a whole number; null otherwise.
 */
export function parseRestartDeadline(text: string): number | null {
  const token = /^\s*([+-]?\d{1,19})(?:\s|$)/.exec(text)?.[1];
  if (token === undefined) return null;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : null;
}

export function blockFileName(blockId: number | bigint): string {
  return `blk_${fileNameInteger(blockId, 'block id')}`;
}

export function metaFileName(blockId: number | bigint, genStamp: number | bigint): string {
  return `blk_${fileNameInteger(blockId, 'block id')}_${fileNameInteger(genStamp, 'generation stamp')}.meta`;
}

/** An integer's decimal digits (a leading minus for the signed ids HDFS logs), or a thrown error. */
function fileNameInteger(value: number | bigint, what: string): string {
  if (typeof value === 'bigint' || Number.isSafeInteger(value)) return String(value);
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new RemoteError(
    'IllegalArgumentException',
    `a replica file name needs an integer ${what}, got ${typeof value} ${shown.slice(0, 80)}`,
  );
}

export function finalizedBlockPath(dataDir: string, bpid: string, blockId: number | bigint): string {
  return join(finalizedDir(dataDir, bpid), idToBlockDir(blockId), blockFileName(blockId));
}

export function finalizedMetaPath(
  dataDir: string,
  bpid: string,
  blockId: number | bigint,
  genStamp: number | bigint,
): string {
  return join(finalizedDir(dataDir, bpid), idToBlockDir(blockId), metaFileName(blockId, genStamp));
}

/**
 * The id in `blk_<id>`, or null for any other name (including `.meta` files). Ids outside the
 * safe-integer range are rejected too: the lab only stores replicated blocks, whose ids fit.
 */
export function parseBlockFileName(name: string): { blockId: number } | null {
  const m = BLOCK_FILE_PATTERN.exec(name);
  const blockId = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(blockId) ? { blockId } : null;
}

/** The id and generation stamp in `blk_<id>_<gs>.meta`, or null for any other name. */
export function parseMetaFileName(name: string): { blockId: number; genStamp: number } | null {
  const m = META_FILE_PATTERN.exec(name);
  if (!m) return null;
  const blockId = Number(m[1]);
  const genStamp = Number(m[2]);
  return Number.isSafeInteger(blockId) && Number.isSafeInteger(genStamp) ? { blockId, genStamp } : null;
}

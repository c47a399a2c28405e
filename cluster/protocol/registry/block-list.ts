/**
 * BlockListAsLongs: how a full block report lists one storage's replicas (StorageBlockReportProto).
 *
 * Two encodings, both read by a NameNode:
 * - buffers (3.x DataNodes, when the NameNode's capabilities allow): `numberOfBlocks` set, and
 *   `blocksBuffers` holding, per replica, four varints — the block id zigzag-encoded (sint64),
 *   the length, the generation stamp, the replica state (0 = FINALIZED) — cut into 64 KiB chunks
 *   that may split a varint (the reader joins them first). A reader masks the length to 48 bits
 *   and the state to 4, the bits reserved for later use.
 * - legacy longs: `blocks` = [finalized count, under-construction count, then id/length/genstamp
 *   per finalized replica, then a -1/-1/-1 delimiter, then id/length/genstamp/state per
 *   under-construction replica], each long sent as a uint64.
 *
 * A DataNode reports its finalized replicas and the ones in rbw/ (FsDatasetImpl.getBlockReports):
 * RBW while being written, RWR when a restart found them there; the NameNode's BlockManager decides
 * what each state means for the block (processReportedBlock).
 */
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { RemoteError } from '../errors.js';
import { REPORTED_REPLICA_STATES, type ReportedReplica, type ReportedReplicaState } from '../messages.js';
import { toNumber } from './server-types.js';

/** HDFS's chunk size for blocksBuffers. */
export const BLOCK_BUFFER_CHUNK_BYTES = 64 * 1024;
/** The smallest encoding of one replica in the buffers form (four one-byte varints). */
const MIN_REPLICA_BYTES = 4;
const NUM_BYTES_MASK = (1n << 48n) - 1n;
const REPLICA_STATE_MASK = (1n << 4n) - 1n;

export function encodeBlockBuffers(replicas: ReportedReplica[]): Uint8Array[] {
  const writer = new BinaryWriter();
  for (const [blockId, numBytes, genStamp, state] of replicas) {
    writer.sint64(blockId).uint64(numBytes).uint64(genStamp).uint64(stateNumber(state));
  }
  const all = writer.finish();
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += BLOCK_BUFFER_CHUNK_BYTES) {
    chunks.push(all.subarray(at, Math.min(all.length, at + BLOCK_BUFFER_CHUNK_BYTES)));
  }
  return chunks.length > 0 ? chunks : [new Uint8Array(0)];
}

export function decodeBlockBuffers(numberOfBlocks: number, buffers: Uint8Array[]): ReportedReplica[] {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  if (numberOfBlocks * MIN_REPLICA_BYTES > total) {
    throw new RemoteError(
      'IOException',
      `block report claims ${numberOfBlocks} blocks but its buffers hold ${total} bytes`,
    );
  }
  const joined = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    joined.set(b, at);
    at += b.length;
  }
  const reader = new BinaryReader(joined);
  const out: ReportedReplica[] = [];
  try {
    for (let i = 0; i < numberOfBlocks; i++) {
      const blockId = BigInt(reader.sint64());
      const numBytes = BigInt(reader.uint64()) & NUM_BYTES_MASK;
      const genStamp = BigInt(reader.uint64());
      const state = BigInt(reader.uint64()) & REPLICA_STATE_MASK;
      out.push(
        reportedReplica(
          [toNumber(blockId, 'blockId'), toNumber(numBytes, 'numBytes'), toNumber(genStamp, 'genStamp')],
          state,
        ),
      );
    }
  } catch (err) {
    if (err instanceof RemoteError) throw err;
    throw new RemoteError('IOException', `block report buffers end early: ${(err as Error).message}`);
  }
  return out;
}

/**
 * BlockListAsLongs.getBlockListAsLongs: the finalized replicas as triples, a -1/-1/-1 delimiter
 * (always there), then the others as id/length/genstamp/state.
 */
export function encodeBlockLongs(replicas: ReportedReplica[]): bigint[] {
  const finalized = replicas.filter((r) => r[3] === undefined);
  const others = replicas.filter((r) => r[3] !== undefined);
  const longs: bigint[] = [BigInt(finalized.length), BigInt(others.length)];
  for (const [blockId, numBytes, genStamp] of finalized)
    longs.push(BigInt(blockId), BigInt(numBytes), BigInt(genStamp));
  const minusOne = BigInt.asUintN(64, -1n);
  longs.push(minusOne, minusOne, minusOne);
  for (const [blockId, numBytes, genStamp, state] of others)
    longs.push(BigInt(blockId), BigInt(numBytes), BigInt(genStamp), stateNumber(state));
  return longs;
}

export function decodeBlockLongs(longs: bigint[]): ReportedReplica[] {
  if (longs.length === 0) return [];
  const signed = longs.map((l) => BigInt.asIntN(64, l));
  const finalized = Number(signed[0] ?? 0n);
  const underConstruction = Number(signed[1] ?? 0n);
  const needed = 2 + 3 * finalized + (underConstruction > 0 ? 3 + 4 * underConstruction : 0);
  if (finalized < 0 || underConstruction < 0 || signed.length < needed) {
    throw new RemoteError(
      'IOException',
      `block report longs: ${finalized} finalized and ${underConstruction} under-construction replicas need ${needed} longs, got ${signed.length}`,
    );
  }
  const out: ReportedReplica[] = [];
  for (let i = 0; i < finalized; i++) {
    const at = 2 + 3 * i;
    out.push([
      toNumber(signed[at] as bigint, 'blockId'),
      toNumber(signed[at + 1] as bigint, 'numBytes'),
      toNumber(signed[at + 2] as bigint, 'genStamp'),
    ]);
  }
  const ucStart = 2 + 3 * finalized + 3;
  for (let i = 0; i < underConstruction; i++) {
    const at = ucStart + 4 * i;
    const triple: [number, number, number] = [
      toNumber(signed[at] as bigint, 'blockId'),
      toNumber(signed[at + 1] as bigint, 'numBytes'),
      toNumber(signed[at + 2] as bigint, 'genStamp'),
    ];
    out.push(reportedReplica(triple, signed[at + 3] as bigint));
  }
  return out;
}

function stateNumber(state: ReportedReplicaState | undefined): bigint {
  return BigInt(REPORTED_REPLICA_STATES.indexOf(state ?? 'FINALIZED'));
}

/** A decoded replica with its state (ReplicaState.getState: a number past TEMPORARY is refused). */
function reportedReplica(triple: [number, number, number], state: bigint): ReportedReplica {
  const name = REPORTED_REPLICA_STATES[Number(state)];
  if (name === undefined || state < 0n) {
    throw new RemoteError(
      'IOException',
      `block report lists blk_${triple[0]} in replica state ${state}; a state is 0 FINALIZED, 1 RBW, 2 RWR, 3 RUR or 4 TEMPORARY`,
    );
  }
  return name === 'FINALIZED' ? triple : [...triple, name];
}

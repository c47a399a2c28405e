/**
 * `lab corrupt PATH --block I [--replica DN]` and the `corrupt` step: damage one replica's block
 * file on disk, as Hadoop's MiniDFSCluster.corruptReplica does — `BADBAD` written at an offset in
 * the first half of the file (here chosen by the cluster's seed, so a variant is reproducible).
 * The .meta file is left alone, so the stored CRC32C no longer matches: a reader, a DataNode
 * copying the replica, or the block scanner finds it.
 *
 * The file is found the way a student would: getBlockLocations names the DataNodes of block I,
 * and the DataNode's data directory holds it at current/BP-…/current/finalized/subdirX/subdirY/.
 */
import fs from 'node:fs';
import { createPrng } from '../../cluster/common/prng.js';
import { finalizedBlockPath, finalizedMetaPath } from '../../cluster/datanode/layout.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import type { RpcMethod, RpcRequest, RpcResult } from '../../cluster/protocol/messages.js';
import { blockName, type LocatedBlock } from '../../cluster/protocol/types.js';

export const CORRUPTION_MARK = Buffer.from('BADBAD');

export type CorruptMode = 'flip' | 'truncate' | 'delete';

export interface CorruptRequest {
  path: string;
  block: number;
  /** The DataNode whose replica is damaged; default: the first DataNode listed for the block. */
  replica?: string | undefined;
  mode?: CorruptMode | undefined;
}

export interface CorruptResult {
  path: string;
  blockIndex: number;
  /** blk_<id>_<gs> */
  block: string;
  datanode: string;
  blockFile: string;
  mode: CorruptMode;
  /** Where BADBAD was written (flip), or the new length (truncate). */
  offset: number;
}

/** What the lab's scripts need of a NameNode connection (an RpcClient or a DFSClient). */
export interface NamenodeCalls {
  call<M extends RpcMethod>(method: M, params: RpcRequest<M>): Promise<RpcResult<M>>;
}

export class CorruptError extends Error {
  override readonly name = 'CorruptError';
}

/** Pure: where the mark goes — inside the first half of the file, never past its end. */
export function corruptionOffset(fileBytes: number, seed: string, label: string): number {
  const span = Math.max(1, Math.floor(fileBytes / 2) - CORRUPTION_MARK.length);
  return createPrng(`${seed}:corrupt:${label}`).int(span);
}

/** Pure: the mark to write over `original`: BADBAD, or its bitwise complement where BADBAD is already there. */
export function corruptBytes(original: Buffer): Buffer {
  const mark = Buffer.from(CORRUPTION_MARK.subarray(0, original.length));
  return mark.equals(original) ? Buffer.from(original.map((b) => b ^ 0xff)) : mark;
}

export async function locateBlock(
  namenode: NamenodeCalls,
  path: string,
  index: number,
): Promise<LocatedBlock> {
  const located = await namenode.call('getBlockLocations', {
    src: path,
    offset: 0,
    length: Number.MAX_SAFE_INTEGER,
    readerHost: '',
  });
  if (!located) throw new CorruptError(`${path}: No such file or directory`);
  const block = located.blocks[index];
  if (!block) {
    throw new CorruptError(
      `${path} has ${located.blocks.length} block(s) (--block 0…${located.blocks.length - 1}); there is no block ${index}`,
    );
  }
  return block;
}

export async function corruptReplica(options: {
  home: string;
  description: ClusterDescription;
  namenode: NamenodeCalls;
  request: CorruptRequest;
}): Promise<CorruptResult> {
  const { home, description, request } = options;
  const located = await locateBlock(options.namenode, request.path, request.block);
  const holders = located.locations.map((l) => l.name);
  const datanode = request.replica ?? holders[0];
  if (datanode === undefined)
    throw new CorruptError(`block ${request.block} of ${request.path} has no live replica`);
  if (!description.datanodes.some((dn) => dn.id === datanode))
    throw new CorruptError(`this cluster has no DataNode ${datanode}`);
  const dataDir = homePaths(home).dataDir(datanode);
  const blockFile = finalizedBlockPath(dataDir, located.blockPoolId, located.block.blockId);
  const label = blockName(located.block);
  if (!fs.existsSync(blockFile)) {
    throw new CorruptError(
      `${datanode} holds no finalized replica of ${label} (${blockFile} does not exist); ` +
        `the NameNode lists it on ${holders.join(', ') || 'no DataNode'}`,
    );
  }
  const mode = request.mode ?? 'flip';
  const size = fs.statSync(blockFile).size;
  let offset = 0;
  if (mode === 'delete') {
    fs.rmSync(blockFile);
    fs.rmSync(
      finalizedMetaPath(dataDir, located.blockPoolId, located.block.blockId, located.block.genStamp),
      {
        force: true,
      },
    );
  } else if (mode === 'truncate') {
    offset = Math.floor(size / 2);
    fs.truncateSync(blockFile, offset);
  } else {
    offset = corruptionOffset(size, description.seed, `${label}:${datanode}`);
    const fd = fs.openSync(blockFile, 'r+');
    try {
      const original = Buffer.alloc(Math.min(CORRUPTION_MARK.length, size - offset));
      fs.readSync(fd, original, 0, original.length, offset);
      fs.writeSync(fd, corruptBytes(original), 0, original.length, offset);
    } finally {
      fs.closeSync(fd);
    }
  }
  return { path: request.path, blockIndex: request.block, block: label, datanode, blockFile, mode, offset };
}

export function describeCorruption(result: CorruptResult): string {
  switch (result.mode) {
    case 'flip':
      return `Corrupted ${result.block} (block ${result.blockIndex} of ${result.path}) on ${result.datanode}: wrote BADBAD at offset ${result.offset} of ${result.blockFile}`;
    case 'truncate':
      return `Truncated ${result.block} (block ${result.blockIndex} of ${result.path}) on ${result.datanode} to ${result.offset} bytes: ${result.blockFile}`;
    case 'delete':
      return `Deleted ${result.block} (block ${result.blockIndex} of ${result.path}) on ${result.datanode}: ${result.blockFile} and its .meta`;
  }
}

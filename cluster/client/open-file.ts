/**
 * Whether a file is open for write, as an HDFS client learns it: HdfsFileStatusProto has no such
 * field; getBlockLocations answers LocatedBlocksProto.underConstruction (DFSInputStream reads it to
 * size the last block), here asked for the first byte only.
 */
import type { LocatedBlocks } from '../protocol/types.js';

/** What the check needs of a NameNode client (RpcClient, DFSClient). */
export interface BlockLocator {
  call(
    method: 'getBlockLocations',
    params: { src: string; offset: number; length: number; readerHost: string },
  ): Promise<LocatedBlocks | null>;
}

/** True while a writer holds `src` open (a lease); false for a closed file. */
export async function isOpenForWrite(namenode: BlockLocator, src: string): Promise<boolean> {
  const located = await namenode.call('getBlockLocations', { src, offset: 0, length: 1, readerHost: '' });
  return located?.underConstruction ?? false;
}

/** What tests of a DataNode volume on disk share: the namespace it is formatted for, a volume with a replica. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chunkChecksums } from '../../cluster/common/crc.js';
import type { NamespaceInfo } from '../../cluster/protocol/messages.js';
import type { BlockRef } from '../../cluster/protocol/types.js';
import { DatanodeStorage } from '../../cluster/runtime/datanode-storage.js';

export const POOL = 'BP-1234567-127.0.0.1-1736157598000';

/** The namespace a test volume is formatted for (a Hadoop 3.3.6 NameNode's). */
export const NS: NamespaceInfo = {
  namespaceId: 42,
  clusterId: 'CID-8368f407-a3a6-4d9e-86eb-ed62198078e6',
  blockPoolId: POOL,
  layoutVersion: -66,
  cTime: 0,
  softwareVersion: '3.3.6',
};

export interface TestVolume {
  /** dn1's data directory, inside a temporary directory of its own. */
  dataDir: string;
  storage: DatanodeStorage;
}

/** DataNode dn1's volume, formatted in a new temporary directory, holding `block` finalized with `data`. */
export async function volumeWithReplica(prefix: string, block: BlockRef, data: Buffer): Promise<TestVolume> {
  const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), 'dn1');
  const storage = DatanodeStorage.open({ dataDir, datanodeName: 'dn1', seed: 's' });
  storage.loadOrFormat(NS, Date.UTC(2025, 0, 6));
  const writer = storage.createRbw(block);
  writer.append(data, chunkChecksums(data));
  await writer.finalize();
  return { dataDir, storage };
}

/** Closes the volume and removes its temporary directory. */
export function removeVolume(volume: TestVolume): void {
  volume.storage.close();
  fs.rmSync(path.dirname(volume.dataDir), { recursive: true, force: true });
}

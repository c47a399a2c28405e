/**
 * A suite's own cluster with the lab's client on it, and what suites that write through that
 * client read back: a file's bytes, a finalized replica's files, an rbw replica's flushed length.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import {
  blockFileName,
  finalizedBlockPath,
  finalizedMetaPath,
  metaFileName,
  rbwDir,
} from '../../cluster/datanode/layout.js';
import type { StartClusterOptions } from '../../cluster/launcher/launcher.js';
import type { LocatedBlock } from '../../cluster/protocol/types.js';
import { validRbwLength } from '../../cluster/runtime/datanode-storage.js';
import { homePaths } from '../../cluster/home/description.js';
import { removeTestCluster, startTestCluster } from './lab-process.js';

export interface SuiteCluster {
  /** The run directory; '' until the suite's beforeAll has run. */
  readonly home: string;
  readonly client: DFSClient;
}

/**
 * Registers the suite's beforeAll and afterAll: `cluster` started in a run directory of its own
 * (startTestCluster, named `prefix…`) and a DFSClient connected to it, then both stopped and the
 * directory removed. The client's warnings go to `warn` (dropped when not given).
 */
export function useSuiteCluster(
  prefix: string,
  cluster: Omit<StartClusterOptions, 'home' | 'ephemeralPorts'>,
  options: { warn?: (line: string) => void; startTimeoutMs?: number } = {},
): SuiteCluster {
  const suite: { home: string; client: DFSClient | undefined } = { home: '', client: undefined };
  beforeAll(async () => {
    suite.home = await startTestCluster(prefix, cluster);
    suite.client = await DFSClient.connect({ home: suite.home, warn: options.warn ?? (() => undefined) });
  }, options.startTimeoutMs ?? 120_000);
  afterAll(async () => {
    await suite.client?.close();
    await removeTestCluster(suite.home);
  });
  return {
    get home() {
      return suite.home;
    },
    get client() {
      if (!suite.client) throw new Error('the suite cluster is used before its beforeAll connected a client');
      return suite.client;
    },
  };
}

/** A whole file as a reader gets it. */
export async function readAll(client: DFSClient, src: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of client.readFile(src)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** A finalized replica's block file and .meta on DataNode `dn`, as they are on disk. */
export function finalizedReplica(home: string, dn: string, lb: LocatedBlock): { data: Buffer; meta: Buffer } {
  const dataDir = homePaths(home).dataDir(dn);
  const { blockId, genStamp } = lb.block;
  return {
    data: fs.readFileSync(finalizedBlockPath(dataDir, lb.blockPoolId, blockId)),
    meta: fs.readFileSync(finalizedMetaPath(dataDir, lb.blockPoolId, blockId, genStamp)),
  };
}

/**
 * True when the rbw replica holds `bytes` bytes and its .meta the checksums of all of them (a
 * restart keeps only the bytes the checksums cover); false while either is short or missing.
 * hflush returns on the acks; the DataNode writes the partial last chunk's checksum when the
 * write ends or someone reads the replica.
 */
export function flushedInRbw(dataDir: string, lb: LocatedBlock, bytes: number): boolean {
  const dir = rbwDir(dataDir, lb.blockPoolId);
  const files = {
    blockPath: path.join(dir, blockFileName(lb.block.blockId)),
    metaPath: path.join(dir, metaFileName(lb.block.blockId, lb.block.genStamp)),
  };
  try {
    return fs.statSync(files.blockPath).size === bytes && validRbwLength(files) === bytes;
  } catch {
    return false;
  }
}

/**
 * The data path on real processes: a NameNode and three DataNodes over two racks in their own
 * LAB_HOME with ephemeral ports, driven by the DFS client in this process. Skipped until the
 * daemons are built (npm run build).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSuiteCluster } from './suite-cluster.js';
import { BUILT } from './requirements.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { finalizedBlockPath, finalizedMetaPath } from '../../cluster/datanode/layout.js';
import { chunkChecksums } from '../../cluster/common/crc.js';
import { parseMeta, verifyReplica } from '../../cluster/datanode/meta.js';
import { clusterConfig } from '../../cluster/home/cluster-config.js';
import { requireDescription } from '../../cluster/home/home.js';
import { connectNamenode } from '../../cluster/client/namenode-client.js';
import { homePaths } from '../../cluster/home/description.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { waitFor } from './wait-for.js';

const MiB = 1024 * 1024;

function frames(home: string): JournalFrame[] {
  return readJournal(homePaths(home).journal).filter((r): r is JournalFrame => r.k === 'frame');
}

describe.skipIf(!BUILT)('data path on a real cluster', () => {
  const suite = useSuiteCluster(
    'lab-datapath-',
    {
      datanodes: 3,
      racks: 2,
      blockSize: '1m',
      replication: 3,
      seed: 'datapath',
    },
    { startTimeoutMs: 60_000 },
  );
  const content = crypto.randomBytes(2 * MiB + 300_000);

  it('puts a multi-block file and gets it back byte-identical', async () => {
    const local = path.join(suite.home, 'in.bin');
    fs.writeFileSync(local, content);
    expect(await suite.client.putFile(local, '/data/in.bin')).toEqual({
      path: '/data/in.bin',
      bytes: content.length,
    });
    const out = path.join(suite.home, 'out.bin');
    await suite.client.getFile('/data/in.bin', out);
    expect(fs.readFileSync(out).equals(content)).toBe(true);
    const located = await suite.client.locateAll('/data/in.bin');
    expect(located.blocks.map((b) => b.block.numBytes)).toEqual([MiB, MiB, 300_000]);
  });

  it('stores block and .meta files where HDFS puts them, and their CRCs verify', async () => {
    const located = await suite.client.locateAll('/data/in.bin');
    for (const lb of located.blocks) {
      expect(lb.locations).toHaveLength(3);
      // Three distinct DataNodes, spanning both racks (the rack rule).
      expect(new Set(lb.locations.map((l) => l.name)).size).toBe(3);
      expect(new Set(lb.racks).size).toBe(2);
      for (const dn of lb.locations) {
        const dataDir = homePaths(suite.home).dataDir(dn.name);
        const blockFile = finalizedBlockPath(dataDir, lb.blockPoolId, lb.block.blockId);
        const metaFile = finalizedMetaPath(dataDir, lb.blockPoolId, lb.block.blockId, lb.block.genStamp);
        expect(blockFile).toMatch(/\/current\/BP-[^/]+\/current\/finalized\/subdir\d+\/subdir\d+\/blk_\d+$/);
        const bytes = fs.readFileSync(blockFile);
        expect(bytes.equals(content.subarray(lb.startOffset, lb.startOffset + lb.block.numBytes))).toBe(true);
        expect(verifyReplica(bytes, fs.readFileSync(metaFile))).toEqual({ ok: true });
      }
    }
  });

  it('journals zero block bytes to the NameNode and the pipeline client -> dn -> dn -> dn', async () => {
    const located = await suite.client.locateAll('/data/in.bin');
    const first = located.blocks[0];
    if (!first) throw new Error('no blocks');
    const label = `blk_${first.block.blockId}_${first.block.genStamp}`;
    const writeOps = await waitFor('the three writeBlock ops of the first block', () => {
      const ops = frames(suite.home).filter(
        (f) =>
          f.dir === 'send' && f.msg.type === 'dt-op' && f.msg.op === 'WRITE_BLOCK' && f.msg.block === label,
      );
      return ops.length === 3 ? ops : undefined;
    });
    const order = first.locations.map((l) => l.name);
    // The pipeline is the addBlock order; the reader's order may differ, so compare as a chain.
    const hops = writeOps.map((f) => [f.src, f.dst]);
    const chain = ['client'];
    for (let i = 0; i < 3; i++) {
      const next = hops.find(([src]) => src === chain.at(-1))?.[1];
      if (next) chain.push(next);
    }
    expect(chain).toHaveLength(4);
    expect(new Set(chain.slice(1))).toEqual(new Set(order));
    // The DataNodes tag their frames with the client's operation, which reached them in the
    // op's trace ids (nothing lab-only on the wire).
    expect(writeOps.map((f) => f.op)).toEqual(writeOps.map(() => writeOps[0]?.op));
    expect(writeOps[0]?.op).toMatch(/^put-\d+-\d+$/);
    const all = frames(suite.home);
    const toNameNode = all.filter((f) => f.dst === 'nn' || f.src === 'nn');
    expect(toNameNode.length).toBeGreaterThan(0);
    expect(toNameNode.every((f) => f.ch === 'rpc' && f.data === 0)).toBe(true);
    // The client sends block bytes to the first DataNode of each pipeline only.
    const clientPackets = all.filter(
      (f) => f.src === 'client' && f.dir === 'send' && f.msg.type === 'packet',
    );
    expect(clientPackets.reduce((sum, f) => sum + f.data, 0)).toBe(content.length);
    // Both ends of a connection journal it under the same id.
    const sent = writeOps[0] as JournalFrame;
    expect(all.some((f) => f.dir === 'recv' && f.conn === sent.conn && f.msg.type === 'dt-op')).toBe(true);
  });

  it("stores a CRC32 writer's blocks as CRC32, serves them back, and checksums them as HDFS does", async () => {
    // A writer with dfs.checksum.type=CRC32, as the Go client writes (CRC32/512).
    const description = requireDescription(suite.home);
    const conf = { ...description.conf, 'dfs.checksum.type': 'CRC32' };
    const namenode = await connectNamenode(description, suite.client.journal);
    const crc32Client = new DFSClient({
      session: {
        description,
        config: clusterConfig({ ...description, conf }, suite.home),
        journal: suite.client.journal,
        namenode,
      },
      warn: () => undefined,
    });
    const data = Buffer.concat([content.subarray(0, MiB), Buffer.from('bar\n')]);
    const local = path.join(suite.home, 'crc32.bin');
    fs.writeFileSync(local, data);
    try {
      await crc32Client.putFile(local, '/data/crc32.bin');
    } finally {
      await crc32Client.close();
      namenode.close();
    }
    const located = await suite.client.locateAll('/data/crc32.bin');
    for (const lb of located.blocks) {
      for (const dn of lb.locations) {
        const dataDir = homePaths(suite.home).dataDir(dn.name);
        const meta = parseMeta(
          fs.readFileSync(finalizedMetaPath(dataDir, lb.blockPoolId, lb.block.blockId, lb.block.genStamp)),
        );
        expect(meta.checksumType).toBe('CRC32');
      }
    }
    // Read back by the default (CRC32C) client: the DataNode announces CRC32 and the reader verifies it.
    const parts: Buffer[] = [];
    for await (const chunk of suite.client.readFile('/data/crc32.bin')) parts.push(Buffer.from(chunk));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    // The file checksum: two blocks, crcPerBlock from the first (2048 chunks of 512 bytes), CRC32.
    const checksum = await suite.client.getFileChecksum('/data/crc32.bin');
    expect(checksum?.algorithmName).toBe('MD5-of-2048MD5-of-512CRC32');
    const md5 = (b: Buffer): Buffer => crypto.createHash('md5').update(b).digest();
    const blockMd5s = [data.subarray(0, MiB), data.subarray(MiB)].map((b) =>
      md5(chunkChecksums(b, 512, 'CRC32')),
    );
    const padded = Buffer.alloc(32);
    Buffer.concat(blockMd5s).copy(padded);
    expect(checksum?.md5.equals(md5(padded))).toBe(true);
  });

  it('answers BLOCK_CHECKSUM with the MD5 of the stored CRC32C sums (DataXceiver.blockChecksum)', async () => {
    const local = path.join(suite.home, 'bar.txt');
    fs.writeFileSync(local, 'bar\n');
    await suite.client.putFile(local, '/data/bar.txt');
    const checksum = await suite.client.getFileChecksum('/data/bar.txt');
    // A Java DataNode's answer for these bytes (docs/wire.md).
    expect(checksum?.md5.toString('hex')).toBe('27c076e4987344253650d3335a5d08ce');
    expect(checksum?.algorithmName).toBe('MD5-of-0MD5-of-512CRC32C');
  });

  it('reads around a corrupt replica and reports it with reportBadBlocks', async () => {
    const located = await suite.client.locateAll('/data/in.bin');
    const first = located.blocks[0];
    const nearest = first?.locations[0];
    if (!first || !nearest) throw new Error('no blocks');
    const blockFile = finalizedBlockPath(
      homePaths(suite.home).dataDir(nearest.name),
      first.blockPoolId,
      first.block.blockId,
    );
    const bytes = fs.readFileSync(blockFile);
    bytes[1000] = (bytes[1000] as number) ^ 0xff;
    fs.writeFileSync(blockFile, bytes);
    // Read the block in this order (the NameNode shuffles replicas at equal distance).
    const chunks: Buffer[] = [];
    for await (const chunk of suite.client.readLocatedBlock(
      first,
      '/data/in.bin',
      suite.client.nextOpId('cat'),
    )) {
      chunks.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(chunks).equals(content.subarray(0, first.block.numBytes))).toBe(true);
    const report = await waitFor('a reportBadBlocks call naming the corrupt replica', () =>
      frames(suite.home).find(
        (f) =>
          f.src === 'client' &&
          f.dir === 'send' &&
          f.msg.type === 'rpc-call' &&
          f.msg.method === 'reportBadBlocks' &&
          JSON.stringify(f.msg.params).includes(`"${nearest.name}"`),
      ),
    );
    expect(report).toBeDefined();
  });

  it('fails with HDFS words when a file does not exist', async () => {
    await expect(suite.client.getFile('/nope', path.join(suite.home, 'nope'))).rejects.toThrow(
      'File does not exist: /nope',
    );
  });
});

/**
 * The data path on real processes: a NameNode and three DataNodes over two racks in their own
 * LAB_HOME with ephemeral ports, driven by the DFS client in this process. Skipped until the
 * daemons are built (npm run build).
 */
import crypto from 'node:crypto';
import fs, { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { finalizedBlockPath, finalizedMetaPath } from '../../cluster/datanode/layout.js';
import { verifyReplica } from '../../cluster/datanode/meta.js';
import { homePaths } from '../../cluster/launcher/description.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import type { LocatedBlocks } from '../../cluster/protocol/types.js';
import { readJournal } from '../../cluster/runtime/journal.js';

const repo = path.resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;

async function waitFor<T>(what: string, probe: () => T | undefined, deadlineMs = 10_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
}

function frames(home: string): JournalFrame[] {
  return readJournal(homePaths(home).journal).filter((r): r is JournalFrame => r.k === 'frame');
}

describe.skipIf(!existsSync(path.join(repo, 'dist/cluster/runtime/main.js')))(
  'data path on a real cluster',
  () => {
    let home: string;
    let client: DFSClient;
    const content = crypto.randomBytes(2 * MiB + 300_000);

    beforeAll(async () => {
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-datapath-'));
      await startCluster({
        home,
        datanodes: 3,
        racks: 2,
        blockSize: '1m',
        replication: 3,
        seed: 'datapath',
        ephemeralPorts: true,
      });
      client = await DFSClient.connect({ home, warn: () => undefined });
    });

    afterAll(async () => {
      await client?.close();
      if (home) {
        await stopNodes(home);
        fs.rmSync(home, { recursive: true, force: true });
      }
    });

    async function locations(src: string): Promise<LocatedBlocks> {
      const located = await client.call('getBlockLocations', {
        src,
        offset: 0,
        length: Number.MAX_SAFE_INTEGER,
        readerHost: client.clientHost,
      });
      if (!located) throw new Error(`${src} not found`);
      return located;
    }

    it('puts a multi-block file and gets it back byte-identical', async () => {
      const local = path.join(home, 'in.bin');
      fs.writeFileSync(local, content);
      expect(await client.putFile(local, '/data/in.bin')).toEqual({
        path: '/data/in.bin',
        bytes: content.length,
      });
      const out = path.join(home, 'out.bin');
      await client.getFile('/data/in.bin', out);
      expect(fs.readFileSync(out).equals(content)).toBe(true);
      const located = await locations('/data/in.bin');
      expect(located.blocks.map((b) => b.block.numBytes)).toEqual([MiB, MiB, 300_000]);
    });

    it('stores block and .meta files where HDFS puts them, and their CRCs verify', async () => {
      const located = await locations('/data/in.bin');
      for (const lb of located.blocks) {
        expect(lb.locations).toHaveLength(3);
        // Three distinct DataNodes, spanning both racks (the rack rule).
        expect(new Set(lb.locations.map((l) => l.name)).size).toBe(3);
        expect(new Set(lb.racks).size).toBe(2);
        for (const dn of lb.locations) {
          const dataDir = homePaths(home).dataDir(dn.name);
          const blockFile = finalizedBlockPath(dataDir, lb.blockPoolId, lb.block.blockId);
          const metaFile = finalizedMetaPath(dataDir, lb.blockPoolId, lb.block.blockId, lb.block.genStamp);
          expect(blockFile).toMatch(
            /\/current\/BP-[^/]+\/current\/finalized\/subdir\d+\/subdir\d+\/blk_\d+$/,
          );
          const bytes = fs.readFileSync(blockFile);
          expect(bytes.equals(content.subarray(lb.startOffset, lb.startOffset + lb.block.numBytes))).toBe(
            true,
          );
          expect(verifyReplica(bytes, fs.readFileSync(metaFile))).toEqual({ ok: true });
        }
      }
    });

    it('journals zero block bytes to the NameNode and the pipeline client -> dn -> dn -> dn', async () => {
      const located = await locations('/data/in.bin');
      const first = located.blocks[0];
      if (!first) throw new Error('no blocks');
      const label = `blk_${first.block.blockId}_${first.block.genStamp}`;
      const writeOps = await waitFor('the three writeBlock ops of the first block', () => {
        const ops = frames(home).filter(
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
      const all = frames(home);
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

    it('reads around a corrupt replica and reports it with reportBadBlocks', async () => {
      const located = await locations('/data/in.bin');
      const first = located.blocks[0];
      const nearest = first?.locations[0];
      if (!first || !nearest) throw new Error('no blocks');
      const blockFile = finalizedBlockPath(
        homePaths(home).dataDir(nearest.name),
        first.blockPoolId,
        first.block.blockId,
      );
      const bytes = fs.readFileSync(blockFile);
      bytes[1000] = (bytes[1000] as number) ^ 0xff;
      fs.writeFileSync(blockFile, bytes);
      // Read the block in this order (the NameNode shuffles replicas at equal distance).
      const chunks: Buffer[] = [];
      for await (const chunk of client.readLocatedBlock(first, '/data/in.bin', client.nextOpId('cat'))) {
        chunks.push(Buffer.from(chunk));
      }
      expect(Buffer.concat(chunks).equals(content.subarray(0, first.block.numBytes))).toBe(true);
      const report = await waitFor('a reportBadBlocks call naming the corrupt replica', () =>
        frames(home).find(
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
      await expect(client.getFile('/nope', path.join(home, 'nope'))).rejects.toThrow(
        'File does not exist: /nope',
      );
    });
  },
);

/**
 * Pipeline recovery with a replacement DataNode (DataStreamer's ReplaceDatanodeOnFailure) on real processes:
 * replication 3 on five DataNodes over two racks; two DataNodes of a block's pipeline are killed
 * mid-write, which leaves one (n = 1 ≤ ⌊3/2⌋), so the DEFAULT policy asks for a new DataNode:
 * getAdditionalDatanode, TRANSFER_BLOCK (TRANSFER_RBW) from the survivor, then the recovery
 * pipeline with it. Every wait is a condition with a deadline. Skipped until the daemons are built.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAll, useSuiteCluster } from './suite-cluster.js';
import { BUILT } from './requirements.js';
import { finalizedMetaPath } from '../../cluster/datanode/layout.js';
import { homePaths } from '../../cluster/home/description.js';
import { killNode } from '../../cluster/launcher/launcher.js';
import type { JournalFrame, JournalRecord } from '../../cluster/protocol/journal-types.js';
import type { StateEvent } from '../../cluster/protocol/messages.js';
import type { LocatedBlock } from '../../cluster/protocol/types.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { waitFor } from './wait-for.js';

const PACKET = 64_512;
const BLOCK = 1024 * 1024;
/** Each condition holds within a second on a laptop; 5 s keeps the whole test under 40 s. */
const WAIT_MS = 5_000;

describe.skipIf(!BUILT)('replace-datanode-on-failure on a real cluster', () => {
  const warnings: string[] = [];
  const suite = useSuiteCluster(
    'lab-replace-dn-',
    {
      datanodes: 5,
      racks: 2,
      blockSize: '1m',
      replication: 3,
      seed: 'replace-datanode',
      defines: ['dfs.heartbeat.interval=1'],
    },
    { warn: (line) => warnings.push(line), startTimeoutMs: 30_000 },
  );

  async function lastBlock(src: string, blocks: number): Promise<LocatedBlock | undefined> {
    const l = await suite.client.call('getBlockLocations', {
      src,
      offset: 0,
      length: Number.MAX_SAFE_INTEGER,
      readerHost: suite.client.clientHost,
    });
    return l?.blocks.length === blocks ? l.blocks.at(-1) : undefined;
  }

  function journal(): JournalRecord[] {
    suite.client.journal.flush();
    return readJournal(homePaths(suite.home).journal);
  }

  function frames(): JournalFrame[] {
    return journal().filter((r): r is JournalFrame => r.k === 'frame');
  }

  it('two DataNodes of the pipeline killed: a new DataNode gets the RBW replica and the write completes', async () => {
    const src = '/replace/two-killed.bin';
    const data = crypto.randomBytes(BLOCK + 6 * PACKET + 1234);
    const out = await suite.client.create(src, { overwrite: false, replication: 3 });
    // The first block whole, then three packets into the second.
    await out.write(data.subarray(0, BLOCK + 3 * PACKET));
    const uc = await waitFor(
      'the second block on three DataNodes',
      async () => {
        const b = await lastBlock(src, 2);
        return b && b.locations.length === 3 ? b : undefined;
      },
      WAIT_MS,
    );
    // The pipeline in its order, from the NameNode's block-allocated event (locations are sorted for readers).
    const original = await waitFor(
      'the pipeline of the second block',
      () => {
        for (const r of journal()) {
          const e = r.k === 'event' ? (r.event as StateEvent) : null;
          if (e?.type === 'block-allocated' && e.block.blockId === uc.block.blockId) return e.targets;
        }
        return undefined;
      },
      WAIT_MS,
    );
    // Kill the first (the client's connection breaks) and the last (recovery setup fails at it).
    const [first, survivor, last] = original as [string, string, string];
    await killNode(suite.home, first);
    await killNode(suite.home, last);
    await out.write(data.subarray(BLOCK + 3 * PACKET));
    await out.close();

    // Buffer.equals: toEqual walks a 1.4 MB buffer byte by byte in the matcher (about 26 s).
    expect((await readAll(suite.client, src)).equals(data)).toBe(true);
    // The pipeline the write ended with: the survivor and one DataNode that was not in the original.
    const updates = frames().filter(
      (r) =>
        r.proc === 'client' &&
        r.dir === 'send' &&
        r.msg.type === 'rpc-call' &&
        r.msg.method === 'updatePipeline',
    );
    const final = (updates.at(-1)?.msg as { params: { datanodes: string[] } } | undefined)?.params.datanodes;
    const added = (final ?? []).filter((dn) => !original.includes(dn));
    expect(final).toContain(survivor);
    expect(added).toHaveLength(1);
    const replacement = added[0] as string;
    // The last block's replicas include it (the NameNode may have re-replicated a third meanwhile).
    const after = (await lastBlock(src, 2)) as LocatedBlock;
    const holders = after.locations.map((l) => l.name);
    expect(holders).toEqual(expect.arrayContaining([survivor, replacement]));
    expect(after.block.genStamp).toBeGreaterThan(uc.block.genStamp);
    // The rack rule: with one survivor, the new DataNode is on the other rack.
    const rackOf = (dn: string): string => after.racks[holders.indexOf(dn)] ?? '';
    expect(rackOf(replacement)).not.toBe(rackOf(survivor));
    // Both hold the finalized replica under the final generation stamp.
    for (const dn of [survivor, replacement]) {
      const meta = finalizedMetaPath(
        homePaths(suite.home).dataDir(dn),
        after.blockPoolId,
        after.block.blockId,
        after.block.genStamp,
      );
      expect(fs.existsSync(meta)).toBe(true);
    }

    // The journal: getAdditionalDatanode, TRANSFER_BLOCK to the survivor, its TRANSFER_RBW copy.
    const all = await waitFor(
      'the copy in the journal',
      () => {
        const f = frames();
        return f.some((r) => r.proc === survivor && r.msg.type === 'dt-op' && r.msg.stage === 'TRANSFER_RBW')
          ? f
          : undefined;
      },
      WAIT_MS,
    );
    const getAdditional = all.find(
      (r) =>
        r.proc === 'client' &&
        r.dir === 'send' &&
        r.msg.type === 'rpc-call' &&
        r.msg.method === 'getAdditionalDatanode',
    );
    expect(getAdditional).toBeDefined();
    const transfer = all.filter(
      (r) => r.msg.type === 'dt-op' && r.msg.op === 'TRANSFER_BLOCK' && r.dst === survivor,
    );
    expect(transfer.map((r) => r.dir).sort()).toEqual(['recv', 'send']);
    expect(transfer[0]?.msg).toMatchObject({ targets: [replacement] });
    const copyOp = all.find(
      (r) =>
        r.proc === survivor &&
        r.dir === 'send' &&
        r.msg.type === 'dt-op' &&
        r.msg.op === 'WRITE_BLOCK' &&
        r.msg.stage === 'TRANSFER_RBW',
    );
    expect(copyOp?.dst).toBe(replacement);
    // Then the recovery pipeline includes the new DataNode.
    expect(
      all.some(
        (r) =>
          r.proc === 'client' &&
          r.dir === 'send' &&
          r.msg.type === 'dt-op' &&
          r.msg.stage === 'PIPELINE_SETUP_STREAMING_RECOVERY' &&
          r.msg.targets?.join() === replacement,
      ),
    ).toBe(true);
    expect(warnings.some((w) => w.includes('Error Recovery'))).toBe(true);
  }, 35_000);
});

/**
 * Fault commands on a real cluster (own LAB_HOME, ephemeral ports, 1 s heartbeats):
 * corrupt → the replica fails its checksum when read from that DataNode while the file still
 * reads correctly; slow → every packet of a read from the slow DataNode is delayed;
 * add-datanode → it registers; balancer → replicas move onto the new, empty DataNode.
 * (partition → dead → heal → live runs in the all-steps scenario, test/integration/scenario.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT } from './requirements.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { addDatanode } from '../../cluster/launcher/add-datanode.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { requireDescription } from '../../cluster/home/home.js';
import { fetchBlockMap } from '../../cluster/client/namenode-http-client.js';
import { waitFor } from '../../cluster/launcher/wait.js';
import { setSlow, healAll } from '../../cluster/transport/faults.js';
import { Journal, readJournal } from '../../cluster/transport/journal.js';
import { homePaths } from '../../cluster/home/description.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { readBlock } from '../../cluster/client/block-reader.js';
import { ChecksumError } from '../../cluster/transport/data-link.js';
import type { LocatedBlock } from '../../cluster/protocol/types.js';
import { balanceCluster } from '../../lab/commands/balancer.js';
import { withSession } from '../../lab/cli/session.js';
import { corruptReplica } from '../../lab/scenario/corrupt.js';
import { generatedContent } from '../../lab/scenario/runner.js';

const MiB = 1024 * 1024;

describe.skipIf(!BUILT)('fault commands on a real cluster', () => {
  let home: string;
  let client: DFSClient;
  const files = ['/f0', '/f1', '/f2', '/f3', '/f4', '/f5'];
  const content = (file: string): Buffer =>
    generatedContent({ seed: 'faults', path: file, offset: 0, length: MiB, content: 'random' });

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-faults-'));
    const started = await startCluster({
      home,
      datanodes: 3,
      blockSize: '1m',
      replication: 3,
      seed: 'faults',
      ephemeralPorts: true,
      defines: [
        'dfs.heartbeat.interval=1',
        'dfs.namenode.heartbeat.recheck-interval=500',
        'dfs.namenode.redundancy.interval.seconds=1',
        'lab.datanode.capacity=8m',
      ],
    });
    expect(started.description.datanodes).toHaveLength(3);
    client = await DFSClient.connect({ home, warn: () => undefined });
    for (const file of files) {
      const stream = await client.create(file);
      await stream.write(content(file));
      await stream.close();
    }
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    if (home) {
      await stopNodes(home).catch(() => []);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  async function located(file: string): Promise<LocatedBlock> {
    const answer = await client.call('getBlockLocations', {
      src: file,
      offset: 0,
      length: MiB,
      readerHost: '',
    });
    return answer?.blocks[0] as LocatedBlock;
  }

  async function readFrom(datanode: string, file: string): Promise<Buffer> {
    const b = await located(file);
    const target = b.locations.find((l) => l.name === datanode);
    if (!target) throw new Error(`${datanode} holds no replica of ${file}`);
    const journal = new Journal(null, 'client');
    const parts: Buffer[] = [];
    for await (const chunk of readBlock({
      selfId: 'client',
      journal,
      target,
      poolId: b.blockPoolId,
      block: b.block,
      clientName: 'test',
      offset: 0,
      len: b.block.numBytes,
    }))
      parts.push(Buffer.from(chunk));
    return Buffer.concat(parts);
  }

  it('corrupt: the damaged replica fails its checksum, the file still reads correctly', async () => {
    const result = await corruptReplica({
      home,
      description: JSON.parse(fs.readFileSync(path.join(home, 'cluster.json'), 'utf8')),
      namenode: client,
      request: { path: '/f0', block: 0, replica: 'dn2' },
    });
    expect(result.blockFile).toMatch(
      /dfs\/data\/dn2\/current\/BP-[^/]+\/current\/finalized\/subdir\d+\/subdir\d+\/blk_\d+$/,
    );
    expect(result.offset).toBeLessThan(MiB / 2);
    expect(
      fs
        .readFileSync(result.blockFile)
        .subarray(result.offset, result.offset + 6)
        .toString(),
    ).toBe('BADBAD');
    await expect(readFrom('dn2', '/f0')).rejects.toBeInstanceOf(ChecksumError);
    const whole: Buffer[] = [];
    for await (const chunk of client.readFile('/f0')) whole.push(Buffer.from(chunk));
    expect(Buffer.concat(whole).equals(content('/f0'))).toBe(true);
  });

  it('slow: each packet a slow DataNode sends waits the added delay', async () => {
    const description = JSON.parse(fs.readFileSync(path.join(home, 'cluster.json'), 'utf8'));
    const fastStart = Date.now();
    await readFrom('dn3', '/f1');
    const fastMs = Date.now() - fastStart;
    setSlow(home, description, 'dn3', 60);
    try {
      // The DataNode polls faults.json every 200 ms; wait until a read is visibly slower.
      let slowMs = 0;
      await waitFor(
        async () => {
          const start = Date.now();
          expect((await readFrom('dn3', '/f1')).equals(content('/f1'))).toBe(true);
          slowMs = Date.now() - start;
          return slowMs >= 15 * 60;
        },
        { deadlineMs: 10_000, what: 'a read from slow dn3 to take 16 packets × 60 ms' },
      );
      expect(slowMs).toBeGreaterThan(fastMs);
    } finally {
      healAll(home);
    }
  }, 30_000);

  it('add-datanode registers dn4 and the balancer moves replicas onto it', async () => {
    const added = await addDatanode(home, {});
    expect(added.datanode.id).toBe('dn4');
    const live = await client.call('getDatanodeReport', { type: 'LIVE' });
    expect(live.map((d) => d.name)).toContain('dn4');
    // The balancer plans from the usage the DataNodes heartbeat: wait until every one has
    // reported its capacity and the others their replicas.
    await waitFor(
      async () => {
        const report = await client.call('getDatanodeReport', { type: 'LIVE' });
        return (
          report.length === 4 &&
          report.every((d) => d.capacity > 0) &&
          report.filter((d) => d.name !== 'dn4').every((d) => d.dfsUsed > 0)
        );
      },
      { deadlineMs: 10_000, what: 'every DataNode to report its capacity and usage' },
    );
    const lines: string[] = [];
    const result = await withSession(home, (session) =>
      balanceCluster(session, { thresholdPct: 10, print: (line) => lines.push(line) }),
    );
    expect(result.exit, lines.join('\n')).toBe('SUCCESS');
    expect(lines[0]).toMatch(/^Time Stamp\s+Iteration#\s+Bytes Already Moved/);
    expect(lines).toContain('The cluster is balanced. Exiting...');
    expect(result.moves.length).toBeGreaterThan(0);
    expect(result.moves.some((m) => m.target === 'dn4')).toBe(true);
    // Each move is DataNode to DataNode, as HDFS's balancer does it: REPLACE_BLOCK to the target,
    // COPY_BLOCK from the target to the source; the balancer itself carries no block bytes.
    // Each DataNode writes its journal lines on a timer: wait for dn4's COPY_BLOCK to land.
    const dataSends = (): JournalFrame[] =>
      readJournal(homePaths(home).journal).filter(
        (r): r is JournalFrame => r.k === 'frame' && r.ch === 'data' && r.dir === 'send',
      );
    const copiedFromDn4 = (frames: JournalFrame[]): boolean =>
      frames.some(
        (f) =>
          f.msg.type === 'dt-op' &&
          f.msg.op === 'COPY_BLOCK' &&
          f.src === 'dn4' &&
          result.moves.some((m) => m.source === f.dst),
      );
    let moveFrames: JournalFrame[] = [];
    await waitFor(
      () => {
        moveFrames = dataSends();
        return copiedFromDn4(moveFrames);
      },
      { deadlineMs: 10_000, what: "dn4's COPY_BLOCK to a move's source in the journal" },
    );
    const replaces = moveFrames.filter((f) => f.msg.type === 'dt-op' && f.msg.op === 'REPLACE_BLOCK');
    expect(replaces.filter((f) => f.src === 'balancer').map((f) => f.dst)).toContain('dn4');
    expect(moveFrames.filter((f) => f.src === 'balancer').every((f) => f.data === 0)).toBe(true);
    // dn4's RECEIVED report of a moved replica names the move's source by its uuid (the delete
    // hint), so the NameNode deletes that replica of the block and not another.
    const sourceUuids = new Set(
      live.filter((d) => result.moves.some((m) => m.source === d.name)).map((d) => d.datanodeUuid),
    );
    const hintsFromDn4 = (): string[] =>
      readJournal(homePaths(home).journal).flatMap((r) =>
        r.k === 'frame' && r.dir === 'send' && r.src === 'dn4' && r.msg.type === 'rpc-call'
          ? ((r.msg.params as { entries?: { deleteHint?: string }[] }).entries ?? []).flatMap((e) =>
              e.deleteHint === undefined ? [] : [e.deleteHint],
            )
          : [],
      );
    await waitFor(() => hintsFromDn4().some((uuid) => sourceUuids.has(uuid)), {
      deadlineMs: 10_000,
      what: "dn4's blockReceivedAndDeleted naming a move's source as delete hint in the journal",
    });
    // Every block keeps three replicas, and dn4 now holds some of them.
    await waitFor(
      async () => {
        const fsck = await fetchBlockMap({ home, description: requireDescription(home) }, '/', {
          selfId: 'client',
        });
        const blocks = fsck.files.flatMap((f) => f.blocks);
        return (
          blocks.every((b) => b.live.length === 3) && blocks.some((b) => b.live.some((r) => r.name === 'dn4'))
        );
      },
      { deadlineMs: 10_000, what: 'three replicas per block with some on dn4' },
    );
  }, 90_000);
});

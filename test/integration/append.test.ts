/**
 * Append on real processes: ClientProtocol.append, OP_APPEND in the edit log, the
 * DataNodes' PIPELINE_SETUP_APPEND (a finalized replica reopened as rbw under a new generation
 * stamp, the CRC of its partial last chunk recomputed over old and new bytes), the lab's client
 * and `lab fs -appendToFile`. A NameNode and three DataNodes in their own LAB_HOME with ephemeral
 * ports. Skipped until the daemons are built.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLabWithInput, type LabOutcome } from './lab-process.js';
import { finalizedReplica, flushedInRbw, readAll, useSuiteCluster } from './suite-cluster.js';
import { killNode, restartNode } from '../../cluster/launcher/launcher.js';
import { BUILT } from './requirements.js';
import { BlockWriter, writeBlockOp } from '../../cluster/client/block-writer.js';
import { encodePacket } from '../../cluster/protocol/packet.js';
import {
  closeLink,
  openLink,
  readAck,
  readResponse,
  sendOp,
  writeFrame,
} from '../../cluster/transport/data-link.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { isOpenForWrite } from '../../cluster/client/open-file.js';
import { chunkChecksums } from '../../cluster/common/crc.js';
import { blockFileName, rbwDir } from '../../cluster/datanode/layout.js';
import { verifyReplica } from '../../cluster/datanode/meta.js';
import { homePaths } from '../../cluster/home/description.js';
import { decodeSegment } from '../../cluster/namenode/editlog/codec.js';
import type { EditLogOp } from '../../cluster/namenode/editlog/ops.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { waitFor } from './wait-for.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe.skipIf(!BUILT)('append on a real cluster', () => {
  let work = '';
  const suite = useSuiteCluster('lab-append-', {
    datanodes: 3,
    racks: 1,
    blockSize: '1m',
    replication: 2,
    seed: 'append',
  });

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-append-work-'));
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  async function write(src: string, data: Buffer): Promise<void> {
    const out = await suite.client.create(src, { overwrite: true });
    await out.write(data);
    await out.close();
  }

  /** Every replica of every block on disk passes its .meta (as the block scanner checks it). */
  async function replicasVerify(src: string): Promise<void> {
    const located = await suite.client.locateAll(src);
    for (const lb of located.blocks) {
      for (const loc of lb.locations) {
        const { data, meta } = finalizedReplica(suite.home, loc.name, lb);
        expect(data.length).toBe(lb.block.numBytes);
        expect(verifyReplica(data, meta)).toEqual({ ok: true });
      }
    }
  }

  function editOps(): EditLogOp[] {
    const current = path.join(homePaths(suite.home).nameDir, 'current');
    return fs
      .readdirSync(current)
      .filter((n) => n.startsWith('edits_'))
      .sort()
      .flatMap((n) => decodeSegment(fs.readFileSync(path.join(current, n))).ops);
  }

  it('continues a partial last block in place under a new generation stamp', async () => {
    const first = crypto.randomBytes(MiB + 300_001); // the last block ends mid-chunk
    const more = crypto.randomBytes(400_000);
    await write('/a.bin', first);
    const before = await suite.client.locateAll('/a.bin');
    const out = await suite.client.append('/a.bin');
    await out.write(more);
    await out.close();

    expect(Buffer.compare(await readAll(suite.client, '/a.bin'), Buffer.concat([first, more]))).toBe(0);
    const after = await suite.client.locateAll('/a.bin');
    expect(after.fileLength).toBe(first.length + more.length);
    expect(after.blocks.map((b) => b.block.blockId)).toEqual(before.blocks.map((b) => b.block.blockId));
    const [oldLast, newLast] = [before.blocks[1]!, after.blocks[1]!];
    expect(newLast.block.genStamp).toBeGreaterThan(oldLast.block.genStamp);
    expect(newLast.block.numBytes).toBe(300_001 + 400_000);
    expect(new Set(newLast.locations.map((l) => l.name))).toEqual(
      new Set(oldLast.locations.map((l) => l.name)),
    );
    await replicasVerify('/a.bin');

    // FSEditLog.logAppendFile: OP_APPEND with the client's name and the call's RPC ids.
    const appendOp = editOps().find((op) => op.op === 'OP_APPEND');
    expect(appendOp).toMatchObject({
      op: 'OP_APPEND',
      path: '/a.bin',
      clientName: suite.client.clientName,
      newBlock: false,
    });
    expect(appendOp?.op === 'OP_APPEND' && appendOp.rpcIds.clientId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('starts a new block after a full last block, and the first block of an empty file', async () => {
    const full = crypto.randomBytes(MiB);
    await write('/full.bin', full);
    const more = crypto.randomBytes(5000);
    const out = await suite.client.append('/full.bin');
    await out.write(more);
    await out.close();
    expect(Buffer.compare(await readAll(suite.client, '/full.bin'), Buffer.concat([full, more]))).toBe(0);
    expect((await suite.client.locateAll('/full.bin')).blocks.map((b) => b.block.numBytes)).toEqual([
      MiB,
      5000,
    ]);

    await write('/empty.bin', Buffer.alloc(0));
    const empty = await suite.client.append('/empty.bin');
    await empty.write(Buffer.from('hello'));
    await empty.close();
    expect((await readAll(suite.client, '/empty.bin')).toString()).toBe('hello');
    await replicasVerify('/full.bin');
  });

  it('refuses a second writer, a directory and a missing file in HDFS words', async () => {
    await write('/busy.bin', Buffer.from('x'));
    const holder = await suite.client.append('/busy.bin');
    const other = await DFSClient.connect({ home: suite.home, warn: () => undefined });
    try {
      await expect(other.append('/busy.bin')).rejects.toThrow(
        new RegExp(
          `Failed to APPEND_FILE /busy.bin for ${other.clientName} on .* because this file lease is currently owned by ${suite.client.clientName}`,
        ),
      );
      await suite.client.call('mkdirs', { src: '/d', permission: 0o755, createParent: true });
      await expect(other.append('/d')).rejects.toThrow(
        'Cannot append to directory /d; already exists as a directory.',
      );
      await expect(other.append('/nope')).rejects.toThrow('Failed to append to non-existent file /nope');
    } finally {
      await holder.close();
      await other.close();
    }
  });

  it('accepts the bytes the Go client sends: same generation stamp, CRC32, a packet cut at the chunk', async () => {
    // colinmarc/hdfs file_writer.go Append: append → WRITE_BLOCK(PIPELINE_SETUP_APPEND) with
    // latestGenerationStamp = the block's own, CRC32 chunks, the first packet ending on a 512-byte
    // boundary with a CRC of its new bytes only; then complete. No updateBlockForPipeline.
    const first = crypto.randomBytes(1000);
    await write('/go.bin', first);
    const go = await DFSClient.connect({ home: suite.home, warn: () => undefined });
    try {
      const { block } = await go.call('append', {
        src: '/go.bin',
        clientName: go.clientName,
        clientMachine: '',
        newBlock: false,
      });
      expect(block?.block.numBytes).toBe(1000);
      const lb = block!;
      const writer = await BlockWriter.open({
        selfId: 'client',
        journal: go.journal,
        localAddress: undefined,
        op: 'go-append',
        clientName: go.clientName,
        targets: lb.locations,
        poolId: lb.blockPoolId,
        block: lb.block,
        // Go's header names the replica with the NameNode's length; Java's with the block size.
        headerBytes: 1000,
        latestGenerationStamp: lb.block.genStamp,
        stage: 'PIPELINE_SETUP_APPEND',
        checksum: { type: 'CRC32', bytesPerChecksum: 512 },
        resume: { ackedBytes: 1000, offset: 1000, nextSeqno: 0, frames: [] },
      });
      const more = crypto.randomBytes(3000);
      const head = more.subarray(0, 24); // 1000 + 24 = 1024, the next chunk boundary
      await writer.writePacket(head, chunkChecksums(head, 512, 'CRC32'));
      const rest = more.subarray(24);
      await writer.writePacket(rest, chunkChecksums(rest, 512, 'CRC32'));
      expect(await writer.close()).toBe(4000);
      const last = { ...lb.block, numBytes: 4000 };
      await waitFor(
        'complete',
        async () =>
          (await go.call('complete', { src: '/go.bin', clientName: go.clientName, last, fileId: 0 })) ||
          undefined,
      );
      expect(Buffer.compare(await readAll(suite.client, '/go.bin'), Buffer.concat([first, more]))).toBe(0);
      await replicasVerify('/go.bin');
    } finally {
      await go.close();
    }
  });

  it('lab debug recoverLease closes an abandoned file, waiting out its block recovery', async () => {
    const lab = (...args: string[]): LabOutcome => runLabWithInput(suite.home, '', ...args);
    const writer = await DFSClient.connect({ home: suite.home, warn: () => undefined });
    try {
      // Open with no block: released and closed at once (DebugAdmin prints SUCCEEDED, exit 0).
      await writer.create('/open-empty.bin');
      const empty = lab('debug', 'recoverLease', '-path', '/open-empty.bin');
      expect([empty.code, empty.stdout]).toEqual([0, 'recoverLease SUCCEEDED on /open-empty.bin\n']);
      expect(await isOpenForWrite(suite.client, '/open-empty.bin')).toBe(false);

      // Open with a block being written, then the writer goes away: the first answer is false
      // while the DataNodes recover the block under a new generation stamp.
      const data = crypto.randomBytes(70_000);
      const out = await writer.create('/open-data.bin');
      await out.write(data);
      out.abort();
      const recovered = lab('debug', 'recoverLease', '-path', '/open-data.bin', '-retries', '5');
      expect(recovered.stderr).toMatch(
        /^recoverLease returned false\.\nRetrying in 5000 ms\.\.\.\nRetry #1\n/,
      );
      expect([recovered.code, recovered.stdout]).toEqual([0, 'recoverLease SUCCEEDED on /open-data.bin\n']);
      const status = await suite.client.call('getFileInfo', { src: '/open-data.bin' });
      expect(await isOpenForWrite(suite.client, '/open-data.bin')).toBe(false);
      expect(
        Buffer.compare(await readAll(suite.client, '/open-data.bin'), data.subarray(0, status!.length)),
      ).toBe(0);
      // One primary asked the other holder over InterDatanodeProtocol (itself without a call) and
      // committed (BlockRecoveryWorker); each DataNode writes its journal on a timer.
      const sent = (method: string) =>
        readJournal(homePaths(suite.home).journal).filter(
          (r): r is JournalFrame =>
            r.k === 'frame' && r.dir === 'send' && r.msg.type === 'rpc-call' && r.msg.method === method,
        );
      const commits = await waitFor('commitBlockSynchronization in the journal', () => {
        const found = sent('commitBlockSynchronization');
        return found.length > 0 ? found : undefined;
      });
      const primary = commits[0]?.proc;
      const asked = await waitFor("the primary's InterDatanodeProtocol calls in the journal", () => {
        const init = sent('initReplicaRecovery');
        const update = sent('updateReplicaUnderRecovery');
        return init.length > 0 && update.length > 0 ? [...init, ...update] : undefined;
      });
      expect(new Set(asked.map((f) => f.proc))).toEqual(new Set([primary]));
      expect(asked.every((f) => f.dst !== primary && f.dst.startsWith('dn'))).toBe(true);
    } finally {
      await writer.close();
    }
    const missing = lab('debug', 'recoverLease', '-path', '/nope');
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'recoverLease got exception: File does not exist: /nope\nGiving up on recoverLease for /nope after 1 try\n',
    ]);
    const noPath = lab('debug', 'recoverLease');
    expect([noPath.code, noPath.stderr]).toEqual([1, 'You must supply a -path argument to recoverLease.\n']);
  });

  it('hflush shows a new reader the bytes of a file still open; hsync fsyncs the rbw replicas', async () => {
    const part1 = crypto.randomBytes(100_077); // ends mid-chunk
    const part2 = crypto.randomBytes(50_000);
    const out = await suite.client.create('/flushed.bin', { overwrite: true });
    await out.write(part1);
    await out.hflush();
    // The first flush of a block persists it with its length (FSNamesystem.fsync → OP_UPDATE_BLOCKS).
    const update = editOps().findLast((op) => op.op === 'OP_UPDATE_BLOCKS' && op.path === '/flushed.bin');
    expect(update?.op === 'OP_UPDATE_BLOCKS' && update.blocks.at(-1)?.numBytes).toBe(part1.length);
    expect(await isOpenForWrite(suite.client, '/flushed.bin')).toBe(true);
    expect(Buffer.compare(await readAll(suite.client, '/flushed.bin'), part1)).toBe(0);

    await out.write(part2);
    await out.hsync({ updateLength: true });
    const located = await suite.client.locateAll('/flushed.bin');
    const lb = located.lastBlock ?? located.blocks.at(-1);
    if (!lb) throw new Error('no last block');
    // Every DataNode of the pipeline has the bytes and their CRCs on disk, partial chunk included.
    for (const loc of lb.locations) {
      const dir = rbwDir(homePaths(suite.home).dataDir(loc.name), lb.blockPoolId);
      const meta = fs.readdirSync(dir).find((n) => n.startsWith(`${blockFileName(lb.block.blockId)}_`));
      const data = fs.readFileSync(path.join(dir, blockFileName(lb.block.blockId)));
      expect(data.length).toBe(part1.length + part2.length);
      expect(verifyReplica(data, fs.readFileSync(path.join(dir, meta ?? 'missing')))).toEqual({ ok: true });
    }
    expect(Buffer.compare(await readAll(suite.client, '/flushed.bin'), Buffer.concat([part1, part2]))).toBe(
      0,
    );

    // A later hflush tells the NameNode nothing (the block's length there stays); a new reader
    // still sees every flushed byte: it asks a DataNode's IPC port for the last block's visible
    // length (ClientDatanodeProtocol getReplicaVisibleLength), as DFSInputStream.readBlockLength does.
    const part3 = crypto.randomBytes(3_333);
    await out.write(part3);
    await out.hflush();
    const nnLength = (await suite.client.locateAll('/flushed.bin')).lastBlock?.block.numBytes;
    expect(nnLength).toBe(part1.length + part2.length);
    expect(
      Buffer.compare(await readAll(suite.client, '/flushed.bin'), Buffer.concat([part1, part2, part3])),
    ).toBe(0);
    await out.close();
    expect(await isOpenForWrite(suite.client, '/flushed.bin')).toBe(false);
  });

  it("takes back the chunk Java's writer sends again from its start after an hflush", async () => {
    const src = '/java-flush.bin';
    const stat = await suite.client.call('create', {
      src,
      permission: 0o644,
      clientName: suite.client.clientName,
      clientMachine: '',
      overwrite: true,
      createParent: true,
      replication: 2,
      blockSize: MiB,
    });
    const lb = await suite.client.call('addBlock', {
      src,
      clientName: suite.client.clientName,
      previous: null,
      excludeNodes: [],
      fileId: stat.fileId,
    });
    const label = `blk_${lb.block.blockId}_${lb.block.genStamp}`;
    const targets = lb.locations;
    const link = await openLink({
      selfId: 'client',
      journal: suite.client.journal,
      op: 'java-hflush',
      target: targets[0]!,
    });
    try {
      const op = writeBlockOp({
        selfId: 'client',
        journal: suite.client.journal,
        targets,
        poolId: lb.blockPoolId,
        block: lb.block,
        headerBytes: MiB,
        clientName: suite.client.clientName,
      });
      sendOp(link, 'WRITE_BLOCK', op, label);
      expect((await readResponse(link, label)).status).toBe('SUCCESS');
      const data = crypto.randomBytes(1500);
      const send = async (seqno: number, from: number, to: number, last = false): Promise<string[]> => {
        const packet = {
          offsetInBlock: from,
          seqno,
          lastPacketInBlock: last,
          data: data.subarray(from, to),
        };
        await writeFrame(link.socket, encodePacket(packet));
        return (await readAck(link, label)).replies;
      };
      expect(await send(0, 0, 700)).toEqual(['SUCCESS', 'SUCCESS']); // hflushed mid-chunk
      // DFSOutputStream keeps the partial chunk and sends it again from offset 512 with the rest.
      expect(await send(1, 512, 1500)).toEqual(['SUCCESS', 'SUCCESS']);
      expect(await send(2, 1500, 1500, true)).toEqual(['SUCCESS', 'SUCCESS']);
      const last = { ...lb.block, numBytes: 1500 };
      await waitFor(
        'complete',
        async () =>
          (await suite.client.call('complete', {
            src,
            clientName: suite.client.clientName,
            last,
            fileId: stat.fileId,
          })) || undefined,
      );
      expect(Buffer.compare(await readAll(suite.client, src), data)).toBe(0);
      await replicasVerify(src);
    } finally {
      closeLink(link);
    }
  });

  it('lab fs -appendToFile appends local files and stdin, creating the file first', () => {
    const lab = (input: string, ...args: string[]): LabOutcome => runLabWithInput(suite.home, input, ...args);
    fs.writeFileSync(path.join(work, 'one.txt'), 'one\n');
    fs.writeFileSync(path.join(work, 'two.txt'), 'two\n');
    const made = lab(
      '',
      'fs',
      '-appendToFile',
      path.join(work, 'one.txt'),
      path.join(work, 'two.txt'),
      '/log.txt',
    );
    expect(made.code, made.stderr).toBe(0);
    const piped = lab('three\n', 'fs', '-appendToFile', '-', '/log.txt');
    expect(piped.code, piped.stderr).toBe(0);
    expect(lab('', 'fs', '-cat', '/log.txt').stdout).toBe('one\ntwo\nthree\n');
    const missing = lab('', 'fs', '-appendToFile', path.join(work, 'nope.txt'), '/log.txt');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `appendToFile: ${path.join(work, 'nope.txt')} (No such file or directory)`,
    );
    const mixed = lab('', 'fs', '-appendToFile', '-', path.join(work, 'one.txt'), '/log.txt');
    expect(mixed.stderr).toContain('appendToFile: stdin (-) must be the sole input argument when present');
  });

  // Last in the suite: it kills and restarts a DataNode.
  it('a restarted DataNode keeps an rbw replica as RWR; lease recovery closes the file with its hflushed bytes', async () => {
    const flushed = crypto.randomBytes(100_077);
    const writer = await DFSClient.connect({ home: suite.home, warn: () => undefined });
    let holder: string | undefined;
    try {
      const out = await writer.create('/rwr.bin', { replication: 1 });
      await out.write(flushed);
      await out.hflush();
      const lb = (await suite.client.locateAll('/rwr.bin')).lastBlock;
      if (!lb) throw new Error('no last block');
      holder = lb.locations[0]?.name ?? '';
      const dataDir = homePaths(suite.home).dataDir(holder);
      out.abort(); // the writer dies
      // The DataNode ends the write: the bytes and the partial last chunk's checksum on disk.
      await waitFor(
        'the flushed bytes and their checksums in rbw/',
        () => flushedInRbw(dataDir, lb, flushed.length) || undefined,
      );
    } finally {
      await writer.close();
    }
    if (holder === undefined) throw new Error('no DataNode holds /rwr.bin');
    await killNode(suite.home, holder);
    await restartNode(suite.home, holder);
    // The only replica is RWR now: no DataNode shows a length (getVisibleLength -1), as in HDFS.
    await expect(readAll(suite.client, '/rwr.bin')).rejects.toMatchObject({
      errorClass: 'CannotObtainBlockLengthException',
      message: expect.stringMatching(
        /^Cannot obtain block length for LocatedBlock\{BP-[^:]+:blk_\d+_\d+; getBlockSize\(\)=100077; corrupt=false; offset=0; locs=\[DatanodeInfoWithStorage\[127(\.\d+){3}:\d+,DS-[0-9a-f-]+,DISK\]\]\}$/,
      ),
    });
    // Block recovery finalizes the RWR replica at its length under a new stamp and closes the file.
    await suite.client.call('recoverLease', { src: '/rwr.bin', clientName: suite.client.clientName });
    await waitFor('/rwr.bin closed by lease recovery', async () =>
      (await isOpenForWrite(suite.client, '/rwr.bin')) ? undefined : true,
    );
    expect(Buffer.compare(await readAll(suite.client, '/rwr.bin'), flushed)).toBe(0);
  });
});

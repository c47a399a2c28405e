/**
 * Append without processes: the namespace's side (FSDirAppendOp: OP_APPEND, the lease, addBlock
 * after a full last block), OP_APPEND's bytes and `hdfs oev` XML (FSEditLogOp.AppendOp), and the
 * DataNode storage's side (FsDatasetImpl.append: a finalized replica back to rbw under a new
 * generation stamp, the partial last chunk's CRC recomputed over old and new bytes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkChecksums, crc32c } from '../../cluster/common/crc.js';
import { buildMeta, verifyReplica } from '../../cluster/datanode/meta.js';
import { decodeSegment, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import { NO_RPC_IDS, type EditLogOp, type PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { DatanodeStorage } from '../../cluster/runtime/datanode-storage.js';
import { closedFile, createFile, FILE_PERM as PERM, MB, WRITER } from './namespace-files.js';
import { thrown } from './remote-error.js';
import { POOL, removeVolume, volumeWithReplica, type TestVolume } from './datanode-volume.js';

const APPENDER = 'DFSClient_NONMAPREDUCE_2_1';
const RPC_IDS = { clientId: '0b3ad4f2-5a1e-4c39-9d52-7f3c1f0e8a21', callId: 7 };

describe('append in the namespace', () => {
  it('logs one OP_APPEND and reopens the file under the appender’s lease', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    closedFile(ns, '/a', [MB, 1000]);
    const { ops } = ns.append('/a', {
      clientName: APPENDER,
      clientMachine: '10.0.0.9',
      newBlock: false,
      nowMs: 5_000,
      rpcIds: RPC_IDS,
    });
    expect(ops).toEqual([
      {
        op: 'OP_APPEND',
        path: '/a',
        clientName: APPENDER,
        clientMachine: '10.0.0.9',
        newBlock: false,
        rpcIds: RPC_IDS,
      },
    ]);
    expect(ns.getFileInfo('/a')?.underConstruction).toBe(true);
    expect(ns.leases.holderOf('/a')).toBe(APPENDER);
    // A second append, by anyone, is refused as HDFS's recoverLeaseInternal words it.
    expect(
      thrown(() => ns.append('/a', { clientName: WRITER, clientMachine: 'h', newBlock: false, nowMs: 6_000 }))
        .message,
    ).toBe(
      `Failed to APPEND_FILE /a for ${WRITER} on h because this file lease is currently owned by ${APPENDER} on 10.0.0.9`,
    );
  });

  it('refuses a directory and a missing file in FSDirAppendOp’s words', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    ns.mkdirs('/d', { permission: { ...PERM, mode: 0o755 }, createParent: true, nowMs: 1 });
    const opts = { clientName: APPENDER, clientMachine: 'h', newBlock: false, nowMs: 2 };
    const dir = thrown(() => ns.append('/d', opts));
    expect([dir.errorClass, dir.message]).toEqual([
      'FileAlreadyExistsException',
      'Cannot append to directory /d; already exists as a directory.',
    ]);
    const missing = thrown(() => ns.append('/nope', opts));
    expect([missing.errorClass, missing.message]).toEqual([
      'FileNotFoundException',
      'Failed to append to non-existent file /nope for client h',
    ]);
  });

  it('after a full last block, allocates the next one with no previous (analyzeFileState case 1)', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const [full] = closedFile(ns, '/f', [MB]);
    ns.append('/f', { clientName: APPENDER, clientMachine: 'h', newBlock: false, nowMs: 3 });
    const { block, ops } = ns.allocateBlock('/f', { clientName: APPENDER, previous: null });
    expect(ops.at(-1)).toMatchObject({ op: 'OP_ADD_BLOCK', path: '/f', blocks: [full, block] });
    expect(ns.getBlocks('/f')).toEqual([full, block]);
  });

  it('replays OP_APPEND to the same state', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    const log: PendingOp[] = [];
    const keep = <T extends { ops: PendingOp[] }>(r: T): T => (log.push(...r.ops), r);
    keep({ ops: ns.mkdirs('/x', { permission: PERM, createParent: true, nowMs: 1 }) });
    keep(createFile(ns, '/x/a', { nowMs: 2 }));
    const { block } = keep(ns.allocateBlock('/x/a', { clientName: WRITER, previous: null }));
    keep({
      ops: ns.completeFile('/x/a', { clientName: WRITER, last: { ...block, numBytes: 10 }, nowMs: 3 }),
    });
    keep(ns.append('/x/a', { clientName: APPENDER, clientMachine: 'h', newBlock: false, nowMs: 4 }));
    const replayed = new Namespace({ superuser: 'student', namespaceId: 1 });
    for (const op of log) replayed.applyOp(op);
    expect(replayed.toImage(9)).toEqual(ns.toImage(9));
    expect(replayed.leases.holderOf('/x/a')).toBe(APPENDER);
  });
});

describe('fsync', () => {
  it('persists the last block at the flushed length (OP_UPDATE_BLOCKS, no RPC ids), for the lease holder only', () => {
    const ns = new Namespace({ superuser: 'student', namespaceId: 1 });
    createFile(ns, '/open', { nowMs: 1 });
    const { block } = ns.allocateBlock('/open', { clientName: WRITER, previous: null });
    expect(ns.fsync('/open', { clientName: WRITER, lastBlockLength: 700 })).toEqual([
      { op: 'OP_UPDATE_BLOCKS', path: '/open', blocks: [{ ...block, numBytes: 700 }], rpcIds: NO_RPC_IDS },
    ]);
    expect(ns.getFileInfo('/open')?.length).toBe(700);
    // -1 (DFSOutputStream's "length unknown") keeps the length the NameNode has.
    expect(ns.fsync('/open', { clientName: WRITER, lastBlockLength: -1 })[0]).toMatchObject({
      blocks: [{ numBytes: 700 }],
    });
    expect(thrown(() => ns.fsync('/open', { clientName: APPENDER, lastBlockLength: 1 })).errorClass).toBe(
      'LeaseExpiredException',
    );
  });
});

describe('OP_APPEND on disk and in oev', () => {
  const op: EditLogOp = {
    op: 'OP_APPEND',
    txid: 12,
    path: '/a.txt',
    clientName: APPENDER,
    clientMachine: '127.0.0.1',
    newBlock: false,
    rpcIds: RPC_IDS,
  };

  it('writes opcode 47 and path, client name, client machine, NEWBLOCK, RPC ids (AppendOp.writeFields)', () => {
    const bytes = encodeSegment([op]);
    const record = bytes.subarray(8);
    expect(record[0]).toBe(47);
    const body = record.subarray(1 + 4 + 8, record.length - 4);
    const utf = (s: string): Buffer => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
    const clientId = Buffer.from(RPC_IDS.clientId.replaceAll('-', ''), 'hex');
    const callId = Buffer.alloc(4);
    callId.writeInt32BE(7);
    expect(body).toEqual(
      Buffer.concat([
        utf('/a.txt'),
        utf(APPENDER),
        utf('127.0.0.1'),
        Buffer.from([0]),
        Buffer.from([0, 16]),
        clientId,
        callId,
      ]),
    );
    expect(decodeSegment(bytes).ops).toEqual([op]);
  });

  it('prints PATH, CLIENT_NAME, CLIENT_MACHINE, NEWBLOCK, then the RPC ids', () => {
    expect(editsToXml({ layoutVersion: -66, ops: [op] })).toContain(
      [
        '    <OPCODE>OP_APPEND</OPCODE>',
        '    <DATA>',
        '      <TXID>12</TXID>',
        '      <PATH>/a.txt</PATH>',
        `      <CLIENT_NAME>${APPENDER}</CLIENT_NAME>`,
        '      <CLIENT_MACHINE>127.0.0.1</CLIENT_MACHINE>',
        '      <NEWBLOCK>false</NEWBLOCK>',
        `      <RPC_CLIENTID>${RPC_IDS.clientId}</RPC_CLIENTID>`,
        '      <RPC_CALLID>7</RPC_CALLID>',
        '    </DATA>',
      ].join('\n'),
    );
  });
});

describe('appending to a finalized replica', () => {
  const block = { blockId: 1073741825, genStamp: 1001, numBytes: 0 };
  let dataDir: string;
  let storage: DatanodeStorage;
  let volume: TestVolume;

  beforeEach(async () => {
    volume = await volumeWithReplica('dn-append-', block, Buffer.alloc(700, 0x61));
    ({ dataDir, storage } = volume);
  });

  afterEach(() => removeVolume(volume));

  it('reopens it in rbw under the new stamp and stores one CRC for the chunk it completes', async () => {
    const writer = storage.appendReplica(block, 1002, 700);
    const rbw = path.join(dataDir, 'current', POOL, 'current/rbw');
    expect(fs.readdirSync(rbw).sort()).toEqual(['blk_1073741825', 'blk_1073741825_1002.meta']);
    expect(storage.readReplica(block.blockId)).toBeNull();
    // As a client sends it: first a packet that fills the chunk (CRC of the 324 new bytes only),
    // then whole chunks.
    const head = Buffer.alloc(324, 0x62);
    writer.append(head, chunkChecksums(head));
    const rest = Buffer.alloc(1100, 0x63);
    writer.append(rest, chunkChecksums(rest));
    const replica = await writer.finalize();
    expect(replica).toMatchObject({ genStamp: 1002, numBytes: 2124 });
    const data = fs.readFileSync(replica.blockPath);
    const meta = fs.readFileSync(replica.metaPath);
    expect(data).toEqual(Buffer.concat([Buffer.alloc(700, 0x61), head, rest]));
    expect(meta).toEqual(buildMeta(data));
    expect(meta.readUInt32BE(7 + 4)).toBe(crc32c(data.subarray(512, 1024)));
    expect(verifyReplica(data, meta)).toEqual({ ok: true });
    expect(storage.listFinalized()).toEqual([[1073741825, 2124, 1002]]);
  });

  it('refuses a length or generation stamp that does not match, as FsDatasetImpl.append does', () => {
    expect(() => storage.appendReplica(block, 1002, 600)).toThrow(
      /Corrupted replica .* with a length of 700 expected length is 600/,
    );
    expect(() => storage.appendReplica({ ...block, genStamp: 999 }, 1002, 700)).toThrow(
      `Replica not found for ${POOL}:blk_1073741825_999`,
    );
    expect(() => storage.appendReplica(block, 1000, 700)).toThrow(
      `The new generation stamp 1000 should be greater than the replica ${POOL}:blk_1073741825_1001's generation stamp`,
    );
  });
});

/**
 * A scripted journal, as the processes of a 3-DataNode cluster would write it: a put of a
 * 1.5 MB /a.txt (block size 1 MB, replication 2), a get of it, heartbeats, dn2 dying and its
 * block re-replicated dn1 → dn3, and a checkpoint. Every frame is journaled at both ends, as the
 * runtime does. Times are fixed so the goldens are stable.
 */
import type { ClusterDescription } from '../../../cluster/home/description.js';
import type { FrameMessage, JournalRecord } from '../../../cluster/protocol/journal-types.js';
import type { StateEvent } from '../../../cluster/protocol/messages.js';

export const T0_MS = Date.UTC(2026, 10, 21, 5, 12, 0);

export const ADDRESSES: Record<string, string> = {
  client: '127.0.0.10',
  nn: '127.0.0.1:8020',
  snn: '127.0.0.2:9868',
  dn1: '127.0.1.1:9866',
  dn2: '127.0.1.2:9866',
  dn3: '127.0.2.3:9866',
};

const BLK1 = { blockId: 1073741825, genStamp: 1001, numBytes: 1048576 };
const BLK2 = { blockId: 1073741826, genStamp: 1002, numBytes: 524288 };
const PACKET_BYTES = 65536;
const PACKET_HEADER_BYTES = 31 + 512; // lengths, header proto and checksums of a full packet, near enough

export class JournalScript {
  readonly records: JournalRecord[] = [];
  private clock = T0_MS;
  private callIds = new Map<string, number>();
  private ports = 43210;
  private conns = new Map<string, string>();

  /** Move the clock on by `ms` (fractions keep microsecond times). */
  advance(ms: number): this {
    this.clock += ms;
    return this;
  }

  /** The NameNode's HTTP server: the checkpoint transfers go there, not to its RPC port. */
  static readonly NAMENODE_HTTP_ADDRESS = '127.0.0.1:9870';

  private connOf(
    src: string,
    dst: string,
    dstAddress = ADDRESSES[dst],
  ): { conn: string; srcAddr: string; dstAddr: string } {
    const key = `${src}>${dst}>${dstAddress}`;
    let conn = this.conns.get(key);
    const srcHost = (ADDRESSES[src] ?? '127.0.0.99').split(':')[0]!;
    if (!conn) {
      conn = `${srcHost}:${this.ports++}->${dstAddress}`;
      this.conns.set(key, conn);
    }
    const [srcAddr, dstAddr] = conn.split('->') as [string, string];
    return { conn, srcAddr, dstAddr };
  }

  /** One frame from src to dst, journaled by both; the reply direction reuses the caller's connection. */
  frame(
    src: string,
    dst: string,
    msg: FrameMessage,
    options: {
      bytes: number;
      data?: number;
      op?: string | undefined;
      ch?: 'rpc' | 'data' | 'http';
      reply?: boolean;
      hex?: string;
      /** The server's address when not its RPC or data address (`NAMENODE_HTTP_ADDRESS`). */
      serverAddress?: string;
    },
  ): this {
    const link = options.reply
      ? this.connOf(dst, src, options.serverAddress ?? ADDRESSES[src])
      : this.connOf(src, dst, options.serverAddress ?? ADDRESSES[dst]);
    const [srcAddr, dstAddr] = options.reply ? [link.dstAddr, link.srcAddr] : [link.srcAddr, link.dstAddr];
    const base = {
      k: 'frame' as const,
      ch: options.ch ?? (msg.type === 'rpc-call' || msg.type === 'rpc-reply' ? 'rpc' : 'data'),
      conn: link.conn,
      src,
      srcAddr,
      dst,
      dstAddr,
      msg,
      bytes: options.bytes,
      data: options.data ?? 0,
      ...(options.op ? { op: options.op } : {}),
    };
    this.records.push({
      ...base,
      t: this.clock,
      proc: src,
      dir: 'send',
      ...(options.hex ? { hex: options.hex } : {}),
    });
    this.advance(0.05);
    this.records.push({ ...base, t: this.clock, proc: dst, dir: 'recv' });
    return this.advance(0.2);
  }

  /** An HTTP request and its response on the NameNode's HTTP port (the `nn-http` address). */
  http(
    src: string,
    request: { method: 'GET' | 'PUT'; path: string; query: string; contentBytes?: number },
    response: { status: number; contentBytes: number },
    op: string,
  ): this {
    const headBytes = 120;
    const body = request.contentBytes ?? 0;
    const serverAddress = JournalScript.NAMENODE_HTTP_ADDRESS;
    this.frame(
      src,
      'nn',
      { type: 'http-request', method: request.method, path: request.path, query: request.query },
      { bytes: headBytes + body, data: body, op, ch: 'http', serverAddress },
    );
    this.advance(1);
    return this.frame(
      'nn',
      src,
      { type: 'http-response', ...response },
      {
        bytes: headBytes + response.contentBytes,
        data: request.method === 'GET' ? response.contentBytes : 0,
        op,
        ch: 'http',
        reply: true,
        serverAddress,
      },
    );
  }

  /** A call and its reply. */
  rpc(
    src: string,
    dst: string,
    method: string,
    params: unknown,
    result: unknown,
    op?: string,
    bytes = 120,
  ): this {
    const key = `${src}>${dst}`;
    const callId = (this.callIds.get(key) ?? 0) + 1;
    this.callIds.set(key, callId);
    const m = method as never;
    this.frame(src, dst, { type: 'rpc-call', method: m, callId, params }, { bytes, op });
    this.advance(1);
    return this.frame(
      dst,
      src,
      { type: 'rpc-reply', method: m, callId, ok: true, result },
      { bytes: 60, op, reply: true },
    );
  }

  event(proc: string, event: StateEvent, op?: string): this {
    this.records.push({ k: 'event', t: this.clock, proc, event, ...(op ? { op } : {}) });
    return this.advance(0.1);
  }

  heartbeat(dn: string, commands: unknown[] = []): this {
    return this.rpc(
      dn,
      'nn',
      'sendHeartbeat',
      { xceiverCount: 1, report: { dfsUsed: 0 }, requestFullBlockReportLease: false },
      { commands, haStatus: { state: 'ACTIVE', txid: 0 }, fullBlockReportLeaseId: 0 },
    );
  }

  /** A block written through a pipeline: writeBlock down, responses up, packets down, acks up. */
  writeBlock(
    pipeline: string[],
    block: { blockId: number; genStamp: number },
    lengthBytes: number,
    options: { op?: string; clientName?: string; stage?: string },
  ): this {
    const label = `blk_${block.blockId}_${block.genStamp}`;
    const op = options.op;
    for (let i = 0; i < pipeline.length - 1; i++) {
      this.frame(
        pipeline[i]!,
        pipeline[i + 1]!,
        {
          type: 'dt-op',
          op: 'WRITE_BLOCK',
          block: label,
          targets: pipeline.slice(i + 2),
          stage: options.stage ?? 'PIPELINE_SETUP_CREATE',
          clientName: options.clientName ?? 'DFSClient_lab_1',
        },
        { bytes: 140, op },
      );
    }
    for (let i = pipeline.length - 1; i > 0; i--) {
      this.frame(
        pipeline[i]!,
        pipeline[i - 1]!,
        { type: 'dt-response', block: label, status: 'SUCCESS' },
        { bytes: 12, op, reply: true },
      );
    }
    const packets = Math.ceil(lengthBytes / PACKET_BYTES);
    for (let seqno = 0; seqno <= packets; seqno++) {
      const last = seqno === packets;
      const len = last ? 0 : Math.min(PACKET_BYTES, lengthBytes - seqno * PACKET_BYTES);
      for (let i = 0; i < pipeline.length - 1; i++) {
        this.frame(
          pipeline[i]!,
          pipeline[i + 1]!,
          {
            type: 'packet',
            block: label,
            seqno,
            offset: seqno * PACKET_BYTES,
            len,
            last,
          },
          { bytes: len + PACKET_HEADER_BYTES, data: len, op },
        );
      }
      for (let i = pipeline.length - 1; i > 0; i--) {
        this.frame(
          pipeline[i]!,
          pipeline[i - 1]!,
          {
            type: 'ack',
            block: label,
            seqno,
            replies: pipeline.slice(i).map(() => 'SUCCESS'),
          },
          { bytes: 14, op, reply: true },
        );
      }
    }
    return this;
  }

  /** A block read: readBlock, response, packets back, client read status. */
  readBlock(
    reader: string,
    dn: string,
    block: { blockId: number; genStamp: number },
    lengthBytes: number,
    op: string,
  ): this {
    const label = `blk_${block.blockId}_${block.genStamp}`;
    this.frame(
      reader,
      dn,
      {
        type: 'dt-op',
        op: 'READ_BLOCK',
        block: label,
        clientName: 'DFSClient_lab_2',
        offset: 0,
        len: lengthBytes,
      },
      { bytes: 90, op },
    );
    this.frame(
      dn,
      reader,
      { type: 'dt-response', block: label, status: 'SUCCESS' },
      { bytes: 20, op, reply: true },
    );
    const packets = Math.ceil(lengthBytes / PACKET_BYTES);
    for (let seqno = 0; seqno <= packets; seqno++) {
      const last = seqno === packets;
      const len = last ? 0 : Math.min(PACKET_BYTES, lengthBytes - seqno * PACKET_BYTES);
      this.frame(
        dn,
        reader,
        { type: 'packet', block: label, seqno, offset: seqno * PACKET_BYTES, len, last },
        { bytes: len + PACKET_HEADER_BYTES, data: len, op, reply: true },
      );
    }
    return this.frame(
      reader,
      dn,
      { type: 'read-status', block: label, status: 'CHECKSUM_OK' },
      { bytes: 8, op },
    );
  }
}

const located = (block: { blockId: number; genStamp: number }, names: string[]) => ({
  block,
  locations: names.map((name) => ({ name })),
});

/** The whole scripted journal. */
export function scriptedJournal(): JournalRecord[] {
  const s = new JournalScript();
  s.heartbeat('dn1').heartbeat('dn2').heartbeat('dn3').advance(100);

  const put = 'put-7f3a';
  s.rpc(
    'client',
    'nn',
    'create',
    { src: '/a.txt._COPYING_', replication: 2, blockSize: 1048576, overwrite: false },
    { path: '/a.txt._COPYING_' },
    put,
    212,
  );
  s.event('nn', { type: 'edit-logged', txid: 3, op: 'OP_ADD', path: '/a.txt._COPYING_' }, put);
  s.rpc(
    'client',
    'nn',
    'addBlock',
    { src: '/a.txt._COPYING_', previous: null, excludeNodes: [] },
    located(BLK1, ['dn1', 'dn2']),
    put,
    180,
  );
  s.event(
    'nn',
    { type: 'block-allocated', path: '/a.txt._COPYING_', block: BLK1, targets: ['dn1', 'dn2'] },
    put,
  );
  s.writeBlock(['client', 'dn1', 'dn2'], BLK1, 1048576, { op: put });
  s.rpc(
    'dn1',
    'nn',
    'blockReceivedAndDeleted',
    { datanode: 'dn1', entries: [{ block: BLK1, status: 'RECEIVED' }] },
    null,
  );
  s.rpc(
    'dn2',
    'nn',
    'blockReceivedAndDeleted',
    { datanode: 'dn2', entries: [{ block: BLK1, status: 'RECEIVED' }] },
    null,
  );
  s.heartbeat('dn3');
  s.rpc(
    'client',
    'nn',
    'addBlock',
    { src: '/a.txt._COPYING_', previous: BLK1, excludeNodes: [] },
    located(BLK2, ['dn2', 'dn3']),
    put,
    190,
  );
  s.writeBlock(['client', 'dn2', 'dn3'], BLK2, 524288, { op: put });
  s.rpc('client', 'nn', 'complete', { src: '/a.txt._COPYING_', last: BLK2 }, true, put);
  s.rpc('client', 'nn', 'rename', { src: '/a.txt._COPYING_', dst: '/a.txt' }, true, put);
  s.event('nn', { type: 'edit-logged', txid: 7, op: 'OP_RENAME_OLD', path: '/a.txt' }, put);
  s.advance(2000).heartbeat('dn1').heartbeat('dn2').heartbeat('dn3');

  const get = 'get-91c0';
  s.rpc(
    'client',
    'nn',
    'getBlockLocations',
    { src: '/a.txt', offset: 0, length: 1572864 },
    {
      blocks: [located(BLK1, ['dn1', 'dn2']), located(BLK2, ['dn3', 'dn2'])],
    },
    get,
  );
  s.readBlock('client', 'dn1', BLK1, 1048576, get);
  s.readBlock('client', 'dn3', BLK2, 524288, get);
  s.advance(3000).heartbeat('dn1').heartbeat('dn3');

  // dn2 is gone: the NameNode declares it dead and re-replicates blk_1073741825 dn1 -> dn3.
  s.advance(10000);
  s.event('nn', { type: 'datanode-dead', datanode: 'dn2', lastHeartbeatAgoMs: 14200 });
  s.event('nn', { type: 'block-low-redundancy', block: BLK1, live: 1, expected: 2, priority: 0 });
  s.event('nn', { type: 'replication-scheduled', block: BLK1, source: 'dn1', targets: ['dn3'] });
  s.advance(500).heartbeat('dn1', [
    {
      action: 'DNA_TRANSFER',
      poolId: 'BP-1',
      block: BLK1,
      targets: [{ name: 'dn3' }],
      targetRacks: ['/rack2'],
    },
  ]);
  s.writeBlock(['dn1', 'dn3'], BLK1, 1048576, { clientName: '', stage: 'TRANSFER' });
  s.rpc(
    'dn3',
    'nn',
    'blockReceivedAndDeleted',
    { datanode: 'dn3', entries: [{ block: BLK1, status: 'RECEIVED' }] },
    null,
  );

  // A checkpoint by the Secondary NameNode.
  s.advance(4000);
  s.rpc('snn', 'nn', 'getTransactionId', {}, { txid: 9, lastCheckpointTxid: 0, lastCheckpointMs: 0 });
  const ckpt = 'checkpoint-4242-1';
  s.rpc('snn', 'nn', 'rollEditLog', {}, { lastCheckpointTxid: 0, curSegmentTxid: 10 }, ckpt);
  s.event(
    'nn',
    { type: 'edits-rolled', segment: 'edits_0000000000000000001-0000000000000000009', nextTxid: 10 },
    ckpt,
  );
  s.rpc(
    'snn',
    'nn',
    'getEditLogManifest',
    { sinceTxid: 1 },
    { segments: [{ startTxid: 1, endTxid: 9 }] },
    ckpt,
  );
  s.http(
    'snn',
    { method: 'GET', path: '/imagetransfer', query: 'getedit=1&startTxId=1&endTxId=9' },
    { status: 200, contentBytes: 1024 },
    ckpt,
  );
  s.http(
    'snn',
    { method: 'PUT', path: '/imagetransfer', query: 'txid=9&imageFile=IMAGE', contentBytes: 512 },
    { status: 200, contentBytes: 48 },
    ckpt,
  );
  s.event('nn', { type: 'checkpoint-done', txid: 9, imageBytes: 512 }, ckpt);
  return s.records;
}

/** The cluster the scripted journal comes from: nn, snn, dn1 and dn2 on /rack1, dn3 on /rack2. */
export function threeDatanodes(): ClusterDescription {
  return {
    version: 1,
    seed: 's',
    createdMs: 0,
    conf: {},
    namenode: { id: 'nn', host: '127.0.0.1', port: 8020 },
    secondary: { id: 'snn', host: '127.0.0.2', port: 9868 },
    datanodes: [
      { id: 'dn1', host: '127.0.1.1', port: 9866, rack: '/rack1' },
      { id: 'dn2', host: '127.0.1.2', port: 9866, rack: '/rack1' },
      { id: 'dn3', host: '127.0.2.3', port: 9866, rack: '/rack2' },
    ],
    client: { host: '127.0.0.10', rack: '/default-rack' },
    loopbackAliases: true,
  };
}

/**
 * A builder of journals for the viewers' unit tests: frames as the processes of a 3-DataNode
 * cluster would journal them (each at both ends, as the runtime does), at fixed times, for cases a
 * real run does not show on demand (an ambiguous op id prefix, a 150 MB put). A real run's journal
 * is test/scenario/traffic/recorded.journal.jsonl (recorded.ts).
 */
import type { ClusterDescription } from '../../cluster/home/description.js';
import { describedCluster } from './cluster-description.js';
import type { FrameMessage, JournalRecord } from '../../cluster/protocol/journal-types.js';
import type { StateEvent } from '../../cluster/protocol/messages.js';

export const T0_MS = Date.UTC(2026, 10, 21, 5, 12, 0);

export const ADDRESSES: Record<string, string> = {
  client: '127.0.0.10',
  nn: '127.0.0.1:8020',
  snn: '127.0.0.2:9868',
  dn1: '127.0.1.1:9866',
  dn2: '127.0.1.2:9866',
  dn3: '127.0.2.3:9866',
};

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

/** The cluster the recorded run had (test/scenario/traffic/record.ts): three DataNodes on two racks. */
export function threeDatanodes(): ClusterDescription {
  return describedCluster([
    { id: 'dn1', host: '127.0.1.1', port: 9866, rack: '/rack1' },
    { id: 'dn2', host: '127.0.1.2', port: 9866, rack: '/rack1' },
    { id: 'dn3', host: '127.0.2.3', port: 9866, rack: '/rack2' },
  ]);
}

/**
 * The records with `proc`'s stamps moved by `ms` (its clock running behind or ahead of the
 * others'), merged by stamp as the journal reader merges its writers' segments.
 */
export function skewed(records: readonly JournalRecord[], proc: string, ms: number): JournalRecord[] {
  return records.map((r) => (r.proc === proc ? { ...r, t: r.t + ms } : r)).sort((a, b) => a.t - b.t);
}

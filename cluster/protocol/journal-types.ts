/**
 * The journal's record shapes. Every process appends one JSON line per frame it sends or
 * receives and per state event; every viewer (lab traffic, trace, dashboard, checks, grader)
 * reads these records and nothing else of a running process.
 */
import type { RpcMethod, StateEvent } from './messages.js';

export type FrameMessage =
  /**
   * The 7 bytes a Hadoop IPC client sends first on a connection (`hrpc`, version, service class,
   * auth protocol): journaled as their own frame so `lab traffic` shows them on their own line.
   */
  | { type: 'rpc-preamble'; version: number; serviceClass: number; authProtocol: number }
  /** The connection context (callId -3): the protocol the connection speaks and the effective user. */
  | { type: 'rpc-context'; protocol: string; user?: string }
  | { type: 'rpc-call'; method: RpcMethod; callId: number; params: unknown }
  | { type: 'rpc-reply'; method: RpcMethod; callId: number; ok: boolean; result?: unknown; error?: string }
  | {
      type: 'dt-op';
      op: string;
      block: string;
      targets?: string[];
      stage?: string;
      clientName?: string;
      offset?: number;
      len?: number;
    }
  | { type: 'dt-response'; block: string; status: string; firstBadLink?: string; message?: string }
  | {
      type: 'packet';
      block: string;
      seqno: number;
      offset: number;
      len: number;
      last: boolean;
      /** PacketHeaderProto.syncBlock: the writer's hsync (present only when set). */
      sync?: true;
    }
  | { type: 'ack'; block: string; seqno: number; replies: string[] }
  | { type: 'read-status'; block: string; status: string }
  /** An HTTP request line (the checkpoint transfers and the Secondary NameNode's control API). */
  | { type: 'http-request'; method: HttpMethod; path: string; query: string }
  /** Its response; `contentBytes` is the body's length (image or edits bytes, or a text/JSON answer). */
  | { type: 'http-response'; status: number; contentBytes: number };

/** Every `type` a frame's message may have: what a journal probe may filter on. */
export const JOURNAL_MESSAGE_TYPES = [
  'rpc-preamble',
  'rpc-context',
  'rpc-call',
  'rpc-reply',
  'dt-op',
  'dt-response',
  'packet',
  'ack',
  'read-status',
  'http-request',
  'http-response',
] as const satisfies readonly FrameMessage['type'][];

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** rpc: Hadoop RPC; data: DataTransferProtocol; http: the image transfers and the Secondary's API. */
export type Channel = 'rpc' | 'data' | 'http';

export interface JournalFrame {
  k: 'frame';
  /** Epoch milliseconds with microsecond fraction. */
  t: number;
  /** The process that wrote the record (nn, snn, dn1, client). */
  proc: string;
  dir: 'send' | 'recv';
  ch: Channel;
  /** Connection id, shared by both ends: `<connecting ip:port>-><accepting ip:port>`. */
  conn: string;
  src: string;
  srcAddr: string;
  dst: string;
  dstAddr: string;
  msg: FrameMessage;
  /** Bytes of the whole frame on the wire. */
  bytes: number;
  /** Block, image or edits payload bytes the frame carries (0 for headers, RPCs and control answers). */
  data: number;
  /**
   * The frame's bytes as they went on the wire, base64, for `lab traffic -X`: the whole frame up to
   * JOURNAL_RAW_BYTES_MAX; of a frame carrying block, image or edits bytes (`data` > 0) only its
   * headers and checksums and the first JOURNAL_PAYLOAD_RAW_BYTES_MAX payload bytes. Fewer bytes
   * than `bytes` means the rest was not kept. Written for whichever side passed the bytes (the
   * sending side for the lab's own processes; the receiving side for a peer that keeps no journal).
   */
  raw?: string;
  /** First bytes of the frame as hex: what journals written before `raw` existed kept. */
  hex?: string;
  /** The user operation this frame belongs to. */
  op?: string;
}

export interface JournalEvent {
  k: 'event';
  t: number;
  proc: string;
  event: StateEvent;
  op?: string;
}

export type JournalRecord = JournalFrame | JournalEvent;

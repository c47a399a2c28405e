/**
 * RPC framing, shaped after Hadoop IPC: a connection opens with the 7-byte preamble
 * `hrpc` + version 9 + service class 0 + auth protocol 0 (what the seed 000 capture shows), then
 * each call and reply is a 4-byte big-endian length followed by a UTF-8 JSON envelope. JSON
 * (instead of Hadoop's protobuf) keeps every header readable in a hex dump.
 */
import { RemoteError } from './errors.js';
import { RPC_FRAME_BYTES_MAX } from './limits.js';
import { isRpcMethod, type RpcCallFrame, type RpcReplyFrame } from './messages.js';

export const RPC_PREAMBLE = Buffer.from([0x68, 0x72, 0x70, 0x63, 0x09, 0x00, 0x00]);

export function encodeFrame(envelope: RpcCallFrame | RpcReplyFrame): Buffer {
  const body = Buffer.from(JSON.stringify(envelope), 'utf8');
  if (body.length > RPC_FRAME_BYTES_MAX) {
    throw new RemoteError(
      'MalformedFrameException',
      `RPC frame of ${body.length} bytes exceeds the limit of ${RPC_FRAME_BYTES_MAX} bytes`,
    );
  }
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/**
 * Incremental decoder: feed it socket chunks, take whole frames out. The first bytes must be the
 * preamble when `expectPreamble` is set (server side).
 */
export class RpcFrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private preambleSeen: boolean;

  constructor(expectPreamble: boolean) {
    this.preambleSeen = !expectPreamble;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  private peek(n: number): Buffer {
    if (this.chunks.length > 1) {
      const all = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [all];
    }
    return (this.chunks[0] as Buffer).subarray(0, n);
  }

  private take(n: number): Buffer {
    const head = this.peek(this.buffered);
    const out = head.subarray(0, n);
    const rest = head.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return out;
  }

  /** Next whole frame's raw bytes (length prefix included), or null when more bytes are needed. */
  nextRaw(): Buffer | null {
    if (!this.preambleSeen) {
      if (this.buffered < RPC_PREAMBLE.length) return null;
      const pre = this.take(RPC_PREAMBLE.length);
      if (!pre.equals(RPC_PREAMBLE)) {
        throw new RemoteError(
          'MalformedFrameException',
          `expected the RPC preamble 'hrpc' 09 00 00 (68 72 70 63 09 00 00), got ${pre.toString('hex').replace(/(..)/g, '$1 ').trim()}`,
        );
      }
      this.preambleSeen = true;
    }
    if (this.buffered < 4) return null;
    const len = this.peek(4).readUInt32BE(0);
    if (len > RPC_FRAME_BYTES_MAX) {
      throw new RemoteError(
        'MalformedFrameException',
        `RPC frame announces ${len} bytes; the limit is ${RPC_FRAME_BYTES_MAX} bytes`,
      );
    }
    if (this.buffered < 4 + len) return null;
    return this.take(4 + len);
  }
}

export function parseCallFrame(raw: Buffer): RpcCallFrame {
  const env = parseJson(raw) as Partial<RpcCallFrame>;
  if (typeof env.callId !== 'number' || typeof env.method !== 'string') {
    throw new RemoteError(
      'MalformedFrameException',
      'RPC call frame needs a numeric callId and a method name',
    );
  }
  if (!isRpcMethod(env.method)) {
    throw new RemoteError(
      'UnknownMethodException',
      `Unknown method ${env.method} called on the NameNode protocols`,
    );
  }
  return env as RpcCallFrame;
}

export function parseReplyFrame(raw: Buffer): RpcReplyFrame {
  const env = parseJson(raw) as Partial<RpcReplyFrame>;
  if (typeof env.callId !== 'number' || typeof env.ok !== 'boolean') {
    throw new RemoteError('MalformedFrameException', 'RPC reply frame needs a numeric callId and ok');
  }
  return env as RpcReplyFrame;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.subarray(4).toString('utf8'));
  } catch (err) {
    throw new RemoteError(
      'MalformedFrameException',
      `RPC frame body is not JSON (${(err as Error).message}); first bytes: ${raw.subarray(4, 24).toString('hex')}`,
    );
  }
}

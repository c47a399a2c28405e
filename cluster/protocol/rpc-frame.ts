/**
 * Hadoop IPC version 9 framing, both ends (Hadoop's Client and Server; docs/wire.md). A connection opens with the 7-byte
 * preamble `hrpc` 09 <service class> <auth protocol>, then the connection context (callId -3, no
 * reply); after that every frame is a 4-byte big-endian length and varint-delimited protobufs:
 * request = RpcRequestHeaderProto + RequestHeaderProto + request message; response =
 * RpcResponseHeaderProto (+ the response message on SUCCESS). Pure bytes in, bytes out: the sockets
 * are in cluster/runtime/rpc-server.ts and rpc-client.ts.
 */
import type { MessageShape } from '@bufbuild/protobuf';
import {
  IpcConnectionContextProtoSchema,
  RequestHeaderProtoSchema,
  RpcKindProto,
  RpcRequestHeaderProtoSchema,
  RpcRequestHeaderProto_OperationProto,
  RpcResponseHeaderProtoSchema,
  RpcResponseHeaderProto_RpcErrorCodeProto,
  RpcResponseHeaderProto_RpcStatusProto,
  type IpcConnectionContextProto,
  type RequestHeaderProto,
  type RpcRequestHeaderProto,
  type RpcResponseHeaderProto,
} from './gen/ipc_pb.js';
import { RPC_FRAME_BYTES_MAX } from './limits.js';
import { ProtoDecodeError, decodeProto, encodeProto } from './proto-codec.js';
import { takeBytes } from './chunks.js';

export { RpcResponseHeaderProto_RpcErrorCodeProto as RpcErrorCode };
export { RpcResponseHeaderProto_RpcStatusProto as RpcStatus };

/** RpcConstants.CURRENT_VERSION. */
export const IPC_VERSION = 9;
export const AUTH_PROTOCOL_NONE = 0x00;
/** AuthProtocol.SASL = -33 as a byte. */
export const AUTH_PROTOCOL_SASL = 0xdf;
export const RPC_PREAMBLE = Buffer.from([0x68, 0x72, 0x70, 0x63, IPC_VERSION, 0x00, AUTH_PROTOCOL_NONE]);

/** Out-of-band call ids (RpcConstants). */
export const CALL_ID_INVALID = -1;
export const CALL_ID_CONNECTION_CONTEXT = -3;
export const CALL_ID_PING = -4;
export const CALL_ID_SASL = -33;

/** What a Java server answers to `GET ` on an IPC port (Server.RECEIVED_HTTP_REQ_RESPONSE), byte for byte. */
export const HTTP_GET_RESPONSE =
  'HTTP/1.1 404 Not Found\r\n' +
  'Content-type: text/plain\r\n\r\n' +
  'It looks like you are making an HTTP request to a Hadoop IPC port. ' +
  'This is not the correct port for the web interface on this daemon.\r\n';

/** The Java class Hadoop's server names in a FATAL reply it raises itself. */
export const FATAL_EXCEPTION_CLASS = 'org.apache.hadoop.ipc.Server$FatalRpcServerException';
export const VERSION_MISMATCH_CLASS = 'org.apache.hadoop.ipc.RPC$VersionMismatch';

/** A condition after which a Hadoop server answers FATAL and closes the connection. */
export class IpcFatalError extends Error {
  constructor(
    readonly code: RpcResponseHeaderProto_RpcErrorCodeProto,
    message: string,
    readonly exceptionClass: string = FATAL_EXCEPTION_CLASS,
    readonly callId: number = CALL_ID_INVALID,
  ) {
    super(message);
    this.name = 'IpcFatalError';
  }
}

export type PreambleVerdict =
  | { kind: 'ok'; serviceClass: number; authProtocol: number }
  | { kind: 'http' }
  | { kind: 'fatal'; error: IpcFatalError };

/** Judge the 7 bytes a client opens with, as Hadoop's Server.Connection does. */
export function checkPreamble(bytes: Buffer): PreambleVerdict {
  if (bytes.subarray(0, 4).toString('latin1') === 'GET ') return { kind: 'http' };
  const version = bytes[4] as number;
  if (bytes.subarray(0, 4).toString('latin1') !== 'hrpc' || version !== IPC_VERSION) {
    return {
      kind: 'fatal',
      error: new IpcFatalError(
        RpcResponseHeaderProto_RpcErrorCodeProto.FATAL_VERSION_MISMATCH,
        `Server IPC version ${IPC_VERSION} cannot communicate with client version ${version}` +
          (bytes.subarray(0, 4).toString('latin1') === 'hrpc'
            ? ''
            : ` (the connection did not start with 'hrpc': ${hex(bytes)})`),
        VERSION_MISMATCH_CLASS,
      ),
    };
  }
  const authProtocol = bytes[6] as number;
  if (authProtocol !== AUTH_PROTOCOL_NONE) {
    return {
      kind: 'fatal',
      error: new IpcFatalError(
        RpcResponseHeaderProto_RpcErrorCodeProto.FATAL_UNAUTHORIZED,
        authProtocol === AUTH_PROTOCOL_SASL
          ? 'SASL authentication is not enabled on this server: use SIMPLE authentication (auth protocol NONE)'
          : `Unknown auth protocol:${authProtocol}`,
        'org.apache.hadoop.security.AccessControlException',
      ),
    };
  }
  return { kind: 'ok', serviceClass: bytes[5] as number, authProtocol };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').replace(/(..)/g, '$1 ').trim();
}

export type DecodedUnit = { kind: 'preamble'; raw: Buffer } | { kind: 'frame'; raw: Buffer };

/**
 * Incremental decoder: feed it socket chunks, take the preamble (server side) and whole frames
 * out. A frame announcing more than RPC_FRAME_BYTES_MAX is refused before its body is buffered.
 */
export class RpcFrameDecoder {
  /**
   * Chunks as the socket delivered them. A partial frame is kept as these chunks and copied once,
   * when it is whole: concatenating on every arrival cost a 16 MiB frame ~2 GiB of short-lived
   * copies and left the process's heap fragmented.
   */
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private preambleSeen: boolean;

  constructor(expectPreamble: boolean) {
    this.preambleSeen = !expectPreamble;
  }

  get buffered(): number {
    return this.bufferedBytes;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
  }

  /** Drops everything buffered (the connection is closing), so the memory can be given back. */
  clear(): void {
    this.chunks = [];
    this.bufferedBytes = 0;
  }

  /** The first `n` buffered bytes (n ≤ buffered) without consuming them; copies only `n` bytes. */
  private peek(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    return first.length >= n ? first.subarray(0, n) : Buffer.concat(this.chunks, n).subarray(0, n);
  }

  /** Removes and returns `n` buffered bytes: a view when the first chunk holds them, else one copy. */
  private take(n: number): Buffer {
    const out = takeBytes(this.chunks, n);
    this.bufferedBytes -= n;
    return out;
  }

  next(): DecodedUnit | null {
    if (!this.preambleSeen) {
      if (this.bufferedBytes >= 4 && this.peek(4).toString('latin1') === 'GET ') {
        this.preambleSeen = true;
        return { kind: 'preamble', raw: this.take(4) };
      }
      if (this.bufferedBytes < RPC_PREAMBLE.length) return null;
      this.preambleSeen = true;
      return { kind: 'preamble', raw: this.take(RPC_PREAMBLE.length) };
    }
    if (this.bufferedBytes < 4) return null;
    const len = this.peek(4).readUInt32BE(0);
    if (len > RPC_FRAME_BYTES_MAX) {
      throw new IpcFatalError(
        RpcResponseHeaderProto_RpcErrorCodeProto.FATAL_INVALID_RPC_HEADER,
        `Requested data length ${len} is longer than maximum configured RPC length ${RPC_FRAME_BYTES_MAX}.`,
      );
    }
    if (this.bufferedBytes < 4 + len) return null;
    return { kind: 'frame', raw: this.take(4 + len) };
  }
}

// ---------------------------------------------------------------------------------------------
// Varint-delimited parts
// ---------------------------------------------------------------------------------------------

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** One frame: the 4-byte length, then each part prefixed with its varint length. */
export function encodeFrame(parts: Uint8Array[]): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts)
    pieces.push(varint(part.length), Buffer.from(part.buffer, part.byteOffset, part.length));
  const body = Buffer.concat(pieces);
  if (body.length > RPC_FRAME_BYTES_MAX) {
    throw new RangeError(
      `RPC frame of ${body.length} bytes exceeds the limit of ${RPC_FRAME_BYTES_MAX} bytes`,
    );
  }
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}

/** The delimited parts of a frame (length prefix included in `raw`). */
export function splitFrame(raw: Buffer): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let pos = 4;
  while (pos < raw.length) {
    let len = 0;
    let shift = 1;
    let byte: number;
    let n = 0;
    do {
      if (pos >= raw.length || n === 5)
        throw new ProtoDecodeError('a varint length prefix in the frame is truncated or too long');
      byte = raw[pos++] as number;
      len += (byte & 0x7f) * shift;
      shift *= 0x80;
      n++;
    } while (byte & 0x80);
    if (pos + len > raw.length) {
      throw new ProtoDecodeError(
        `a delimited message of ${len} bytes runs past the end of its ${raw.length - 4}-byte frame`,
      );
    }
    parts.push(raw.subarray(pos, pos + len));
    pos += len;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export interface CallHeader {
  callId: number;
  clientId: Uint8Array;
  retryCount?: number;
  /** HDFS's CallerContext text. */
  callerContext?: string;
}

function requestHeader(h: CallHeader): Uint8Array {
  return encodeProto(RpcRequestHeaderProtoSchema, {
    rpcKind: RpcKindProto.RPC_PROTOCOL_BUFFER,
    rpcOp: RpcRequestHeaderProto_OperationProto.RPC_FINAL_PACKET,
    callId: h.callId,
    clientId: h.clientId,
    ...(h.retryCount !== undefined ? { retryCount: h.retryCount } : {}),
    ...(h.callerContext !== undefined ? { callerContext: { context: h.callerContext } } : {}),
  });
}

/** The frame after the preamble: header with callId -3 and IpcConnectionContextProto. */
export function encodeConnectionContext(opts: {
  clientId: Uint8Array;
  user: string;
  protocol: string;
}): Buffer {
  return encodeFrame([
    requestHeader({ callId: CALL_ID_CONNECTION_CONTEXT, clientId: opts.clientId }),
    encodeProto(IpcConnectionContextProtoSchema, {
      userInfo: { effectiveUser: opts.user },
      protocol: opts.protocol,
    }),
  ]);
}

export function encodeCall(
  h: CallHeader & { methodName: string; protocol: string; request: Uint8Array },
): Buffer {
  return encodeFrame([
    requestHeader(h),
    encodeProto(RequestHeaderProtoSchema, {
      methodName: h.methodName,
      declaringClassProtocolName: h.protocol,
      clientProtocolVersion: 1n,
    }),
    h.request,
  ]);
}

export type InboundFrame =
  | { kind: 'context'; header: RpcRequestHeaderProto; context: IpcConnectionContextProto }
  | { kind: 'ping'; header: RpcRequestHeaderProto }
  | {
      kind: 'call';
      header: RpcRequestHeaderProto;
      /** Null when the request header cannot be read (FATAL_DESERIALIZING_REQUEST, after the callId is known). */
      requestHeader: RequestHeaderProto;
      request: Uint8Array;
    };

/**
 * Read a request-side frame as Hadoop's Server.processOneRpc does; throws IpcFatalError for
 * everything Hadoop answers FATAL (the caller then closes the connection).
 */
export function decodeInbound(raw: Buffer, contextRead: boolean): InboundFrame {
  const fatal = (
    code: RpcResponseHeaderProto_RpcErrorCodeProto,
    message: string,
    callId = CALL_ID_INVALID,
  ): never => {
    throw new IpcFatalError(code, message, FATAL_EXCEPTION_CLASS, callId);
  };
  const E = RpcResponseHeaderProto_RpcErrorCodeProto;
  let parts: Uint8Array[];
  let header: RpcRequestHeaderProto;
  try {
    parts = splitFrame(raw);
    header = decodeProto(RpcRequestHeaderProtoSchema, parts[0] ?? new Uint8Array());
  } catch (err) {
    return fatal(
      E.FATAL_INVALID_RPC_HEADER,
      `IPC Server: cannot read the RpcRequestHeaderProto: ${(err as Error).message}`,
    );
  }
  const callId = header.callId;
  if (header.rpcKind === undefined || !isSet(header, 'rpcKind'))
    fatal(E.FATAL_INVALID_RPC_HEADER, 'IPC Server: No rpc kind in rpcRequestHeader', callId);
  if (!isSet(header, 'rpcOp'))
    fatal(E.FATAL_INVALID_RPC_HEADER, 'IPC Server: No rpc op in rpcRequestHeader', callId);
  if (header.rpcOp !== RpcRequestHeaderProto_OperationProto.RPC_FINAL_PACKET)
    fatal(
      E.FATAL_INVALID_RPC_HEADER,
      `IPC Server does not implement rpc header operation${header.rpcOp}`,
      callId,
    );
  if (header.rpcKind !== RpcKindProto.RPC_PROTOCOL_BUFFER)
    fatal(E.FATAL_INVALID_RPC_HEADER, `Unknown rpc kind in rpc header${header.rpcKind}`, callId);
  if (callId < 0) {
    if (callId === CALL_ID_PING) return { kind: 'ping', header };
    if (callId === CALL_ID_CONNECTION_CONTEXT) {
      if (contextRead) fatal(E.FATAL_INVALID_RPC_HEADER, 'Connection context already processed', callId);
      try {
        return {
          kind: 'context',
          header,
          context: decodeProto(IpcConnectionContextProtoSchema, parts[1] ?? new Uint8Array()),
        };
      } catch (err) {
        return fatal(
          E.FATAL_DESERIALIZING_REQUEST,
          `Connection context unreadable: ${(err as Error).message}`,
          callId,
        );
      }
    }
    if (callId === CALL_ID_SASL)
      fatal(E.FATAL_UNAUTHORIZED, 'SASL authentication is not enabled on this server', callId);
    fatal(E.FATAL_INVALID_RPC_HEADER, `Unknown out of band call #${callId}`, callId);
  }
  if (!contextRead) fatal(E.FATAL_INVALID_RPC_HEADER, 'Connection context not established', callId);
  let requestHeader: RequestHeaderProto;
  try {
    requestHeader = decodeProto(RequestHeaderProtoSchema, parts[1] ?? new Uint8Array());
  } catch (err) {
    return fatal(
      E.FATAL_DESERIALIZING_REQUEST,
      `IPC server unable to read call parameters: ${(err as Error).message}`,
      callId,
    );
  }
  return { kind: 'call', header, requestHeader, request: parts[2] ?? new Uint8Array() };
}

function isSet(msg: RpcRequestHeaderProto, field: 'rpcKind' | 'rpcOp'): boolean {
  return Object.hasOwn(msg, field);
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export interface ResponseError {
  exceptionClassName: string;
  errorMsg: string;
  errorDetail: RpcResponseHeaderProto_RpcErrorCodeProto;
}

/** A response frame as a Java server writes it: callId, status, IPC version 9, the caller's clientId and retry count. */
export function encodeResponse(opts: {
  callId: number;
  clientId?: Uint8Array;
  retryCount?: number;
  /** The response message on SUCCESS (an empty message is the byte 00 after the header). */
  body?: Uint8Array;
  error?: ResponseError;
  fatal?: boolean;
}): Buffer {
  const status = opts.error
    ? opts.fatal
      ? RpcResponseHeaderProto_RpcStatusProto.FATAL
      : RpcResponseHeaderProto_RpcStatusProto.ERROR
    : RpcResponseHeaderProto_RpcStatusProto.SUCCESS;
  const header = encodeProto(RpcResponseHeaderProtoSchema, {
    callId: opts.callId >>> 0,
    status,
    serverIpcVersionNum: IPC_VERSION,
    ...(opts.error
      ? {
          exceptionClassName: opts.error.exceptionClassName,
          errorMsg: opts.error.errorMsg,
          errorDetail: opts.error.errorDetail,
        }
      : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    retryCount: opts.retryCount ?? -1,
  });
  return encodeFrame(opts.error ? [header] : [header, opts.body ?? new Uint8Array()]);
}

export interface DecodedResponse {
  header: MessageShape<typeof RpcResponseHeaderProtoSchema>;
  /** The call id as the int32 the request carried. */
  callId: number;
  /** The response message bytes; null when the frame holds the header only. */
  body: Uint8Array | null;
}

export function decodeResponse(raw: Buffer): DecodedResponse {
  const parts = splitFrame(raw);
  if (parts.length === 0) throw new ProtoDecodeError('an empty response frame');
  if (parts.length > 2)
    throw new ProtoDecodeError(`a response frame holds ${parts.length} messages; at most 2 are allowed`);
  const header: RpcResponseHeaderProto = decodeProto(RpcResponseHeaderProtoSchema, parts[0] as Uint8Array);
  return { header, callId: header.callId | 0, body: parts[1] ?? null };
}

/** A 16-byte client id, as Java's ClientId.getClientId() (a random UUID's bytes). */
export function newClientId(random: (n: number) => Uint8Array): Uint8Array {
  const id = random(16);
  id[6] = ((id[6] as number) & 0x0f) | 0x40; // version 4
  id[8] = ((id[8] as number) & 0x3f) | 0x80; // IETF variant
  return id;
}

/**
 * The RpcIds a call's edit-log ops carry for the NameNode's retry cache, or undefined when HDFS
 * keeps none for it (RetryCache.skipRetryCache: a negative call id or a client id that is not
 * ClientId.BYTE_LENGTH = 16 bytes; those ops then carry an empty client id and call id -2).
 */
export function retryCacheIds(header: {
  clientId: Uint8Array;
  callId: number;
}): { clientId: string; callId: number } | undefined {
  if (header.clientId.length !== 16 || header.callId < 0) return undefined;
  return { clientId: clientIdText(header.clientId), callId: header.callId };
}

/** The UUID text of a 16-byte client id (the edit log's RpcIds form), or the bytes as text otherwise. */
export function clientIdText(id: Uint8Array): string {
  if (id.length !== 16) return Buffer.from(id).toString('latin1');
  const h = Buffer.from(id).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The lab's client names its user operation (a put, a checkpoint) in HDFS's own CallerContext, so
 * a trace can group its frames; any other caller context is left alone.
 */
const OP_CONTEXT_PREFIX = 'hdfslab:op=';

export function callerContextOfOp(opId: string): string {
  return `${OP_CONTEXT_PREFIX}${opId}`;
}

export function opIdOfCallerContext(context: string | undefined): string | undefined {
  return context?.startsWith(OP_CONTEXT_PREFIX) ? context.slice(OP_CONTEXT_PREFIX.length) : undefined;
}

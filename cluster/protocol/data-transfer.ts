/**
 * DataTransferProtocol framing (reference §10.2): the streaming protocol between clients and
 * DataNodes on the xfer port, separate from the NameNode RPC.
 *
 * Request:  u16 version (28) · u8 op · varint body length · body
 * Response: varint body length · body (BlockOpResponse, ClientReadStatus)
 *
 * Hadoop's bodies are protobuf messages (OpWriteBlockProto, BlockOpResponseProto, …). The lab's
 * bodies are UTF-8 JSON of the same fields instead, on purpose: a student reading a hex dump of
 * the journal sees `{"header":{"block":…` and can follow the op without a .proto decoder. The
 * framing around the body (version, op code, varint length) and the packets that follow stay
 * byte-compatible with Hadoop (see packet.ts).
 */
import { RemoteError } from './errors.js';
import { ProtoReader, ProtoWriter } from '../common/protobuf.js';

export const DATA_TRANSFER_VERSION = 28;

// Limits. Each one bounds what a peer can make us buffer before we have looked at it.
/** An op or response body: a JSON op with a few targets is < 1 KiB; 64 KiB leaves room and stops garbage early. */
export const OP_BODY_BYTES_MAX = 64 * 1024;
/** One packet frame: a default packet is ~65 KiB; 16 MiB allows large dfs.client-write-packet-size experiments. */
export const PACKET_BYTES_MAX = 16 * 1024 * 1024;
/** A pipeline ack: ~4 bytes per DataNode; 1 KiB covers any pipeline the lab can build. */
export const PIPELINE_ACK_BYTES_MAX = 1024;

export const OP_CODES = {
  WRITE_BLOCK: 80,
  READ_BLOCK: 81,
  READ_METADATA: 82,
  REPLACE_BLOCK: 83,
  COPY_BLOCK: 84,
  BLOCK_CHECKSUM: 85,
  TRANSFER_BLOCK: 86,
} as const;
export type DataTransferOpName = keyof typeof OP_CODES;

/** datatransfer.proto `Status`: in BlockOpResponse, ClientReadStatus and pipeline acks. */
export const STATUS_CODES = {
  SUCCESS: 0,
  ERROR: 1,
  ERROR_CHECKSUM: 2,
  ERROR_INVALID: 3,
  ERROR_EXISTS: 4,
  ERROR_ACCESS_TOKEN: 5,
  CHECKSUM_OK: 6,
  ERROR_UNSUPPORTED: 7,
  OOB_RESTART: 8,
  OOB_RESERVED1: 9,
  OOB_RESERVED2: 10,
  OOB_RESERVED3: 11,
  IN_PROGRESS: 12,
  ERROR_BLOCK_PINNED: 13,
} as const;
export type StatusName = keyof typeof STATUS_CODES;

export function statusName(code: number): StatusName | undefined {
  return (Object.keys(STATUS_CODES) as StatusName[]).find((name) => STATUS_CODES[name] === code);
}

export function opName(code: number): DataTransferOpName | undefined {
  return (Object.keys(OP_CODES) as DataTransferOpName[]).find((name) => OP_CODES[name] === code);
}

// ---- Op bodies (field names of datatransfer.proto) ----

export interface ExtendedBlockJson {
  poolId: string;
  blockId: number;
  genStamp: number;
  numBytes: number;
}

export interface ClientOperationHeader {
  block: ExtendedBlockJson;
  clientName: string;
}

export interface TransferTarget {
  name: string;
  ipAddr: string;
  xferPort: number;
}

export type BlockConstructionStage =
  | 'PIPELINE_SETUP_APPEND'
  | 'PIPELINE_SETUP_APPEND_RECOVERY'
  | 'DATA_STREAMING'
  | 'PIPELINE_SETUP_STREAMING_RECOVERY'
  | 'PIPELINE_CLOSE'
  | 'PIPELINE_CLOSE_RECOVERY'
  | 'PIPELINE_SETUP_CREATE'
  | 'TRANSFER_RBW'
  | 'TRANSFER_FINALIZED';

export interface RequestedChecksum {
  type: 'CRC32C';
  bytesPerChecksum: 512;
}

export interface OpWriteBlock {
  header: ClientOperationHeader;
  /** Downstream DataNodes only: each DataNode forwards the op with itself removed. */
  targets: TransferTarget[];
  source?: string;
  stage: BlockConstructionStage;
  pipelineSize: number;
  minBytesRcvd: number;
  maxBytesRcvd: number;
  latestGenerationStamp: number;
  requestedChecksum: RequestedChecksum;
}

export interface OpReadBlock {
  header: ClientOperationHeader;
  offset: number;
  len: number;
  sendChecksums: boolean;
}

export interface OpTransferBlock {
  header: ClientOperationHeader;
  targets: TransferTarget[];
}

export interface OpBodies {
  WRITE_BLOCK: OpWriteBlock;
  READ_BLOCK: OpReadBlock;
  TRANSFER_BLOCK: OpTransferBlock;
}

/** The typed body for ops the lab models, a plain object for the rest. */
export type OpBody<K extends DataTransferOpName> = K extends keyof OpBodies ? OpBodies[K] : object;

export interface ClientReadStatus {
  status: StatusName;
}

export interface BlockOpResponse {
  status: StatusName;
  /** The DataNode that could not be reached while setting up a pipeline ('' when none). */
  firstBadLink?: string;
  message?: string;
  checksum?: { type: 'NULL' | 'CRC32' | 'CRC32C'; bytesPerChecksum: number };
  /** READ_BLOCK: the chunk-aligned offset the packets start at. */
  chunkOffset?: number;
}

export type DecodedOpRequest = { [K in DataTransferOpName]: { op: K; body: OpBody<K> } }[DataTransferOpName];

// ---- Encoding ----

/** `u16 28 · u8 op · varint length · JSON body`. */
export function encodeOpRequest<K extends DataTransferOpName>(op: K, body: OpBody<K>): Buffer {
  const json = encodeJson(body, `${op} body`);
  const prefix = Buffer.allocUnsafe(3);
  prefix.writeUInt16BE(DATA_TRANSFER_VERSION, 0);
  prefix.writeUInt8(OP_CODES[op], 2);
  return Buffer.concat([prefix, varintBytes(json.length), json]);
}

export function encodeBlockOpResponse(resp: BlockOpResponse): Buffer {
  return encodeDelimitedJson(resp, 'BlockOpResponse');
}

export function encodeClientReadStatus(status: ClientReadStatus): Buffer {
  return encodeDelimitedJson(status, 'ClientReadStatus');
}

function encodeDelimitedJson(value: object, what: string): Buffer {
  const json = encodeJson(value, what);
  return Buffer.concat([varintBytes(json.length), json]);
}

function encodeJson(value: object, what: string): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  checkBodyLength(json.length, what);
  return json;
}

function varintBytes(n: number): Buffer {
  return new ProtoWriter().varint(n).finish();
}

// ---- Decoding ----

/** Checks the 3-byte request prefix (version, op) and returns the op. */
export function decodeOpPrefix(prefix: Buffer): DataTransferOpName {
  if (prefix.length < 3) {
    throw malformed(
      `a DataTransferProtocol request starts with 3 bytes (u16 version, u8 op), got ${prefix.length}`,
    );
  }
  const version = prefix.readUInt16BE(0);
  if (version !== DATA_TRANSFER_VERSION) {
    throw new RemoteError(
      'IncorrectVersionException',
      `Version Mismatch (Expected: ${DATA_TRANSFER_VERSION}, Received: ${version} ); first bytes ${hex(prefix, 3)}`,
    );
  }
  const code = prefix.readUInt8(2);
  const op = opName(code);
  if (op === undefined) {
    throw malformed(`unknown DataTransferProtocol op code ${code}; expected one of ${describeOpCodes()}`);
  }
  return op;
}

/** Parses a JSON op body already cut out of the stream. */
export function decodeOpBody<K extends DataTransferOpName>(op: K, body: Buffer): OpBody<K> {
  return decodeJsonObject(body, `${op} body`) as OpBody<K>;
}

/** A whole request frame (prefix, varint length, body) held in memory. */
export function decodeOpRequest(frame: Buffer): DecodedOpRequest {
  const op = decodeOpPrefix(frame);
  const body = cutDelimited(frame, 3, `${op} body`);
  return { op, body: decodeOpBody(op, body) } as DecodedOpRequest;
}

export function decodeBlockOpResponseBody(body: Buffer): BlockOpResponse {
  return decodeStatusBody<BlockOpResponse>(body, 'BlockOpResponse');
}

/** A varint-delimited BlockOpResponse held in memory. */
export function decodeBlockOpResponse(frame: Buffer): BlockOpResponse {
  return decodeBlockOpResponseBody(cutDelimited(frame, 0, 'BlockOpResponse'));
}

export function decodeClientReadStatusBody(body: Buffer): ClientReadStatus {
  return decodeStatusBody<ClientReadStatus>(body, 'ClientReadStatus');
}

export function decodeClientReadStatus(frame: Buffer): ClientReadStatus {
  return decodeClientReadStatusBody(cutDelimited(frame, 0, 'ClientReadStatus'));
}

/** Throws MalformedFrameException when a body length exceeds OP_BODY_BYTES_MAX. */
export function checkBodyLength(length: number, what: string): void {
  if (length > OP_BODY_BYTES_MAX) {
    throw malformed(`${what} is ${length} bytes; at most ${OP_BODY_BYTES_MAX} (OP_BODY_BYTES_MAX) expected`);
  }
}

function cutDelimited(frame: Buffer, start: number, what: string): Buffer {
  const reader = new ProtoReader(frame, start);
  let length: number;
  try {
    length = reader.varintNumber();
  } catch {
    throw malformed(`${what}: bad varint length prefix at byte ${start} (${hex(frame.subarray(start), 10)})`);
  }
  checkBodyLength(length, what);
  const body = frame.subarray(reader.pos, reader.pos + length);
  if (body.length !== length || reader.pos + length !== frame.length) {
    throw malformed(`${what}: length prefix says ${length} bytes, ${frame.length - reader.pos} bytes follow`);
  }
  return body;
}

function decodeJsonObject(body: Buffer, what: string): Record<string, unknown> {
  checkBodyLength(body.length, what);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw malformed(`${what} is not JSON (${(err as Error).message}); starts ${hex(body, 16)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`${what} must be a JSON object, got ${JSON.stringify(value).slice(0, 60)}`);
  }
  return value as Record<string, unknown>;
}

/** A JSON body whose `status` must name a Status; the other fields are passed through. */
function decodeStatusBody<T extends { status: StatusName }>(body: Buffer, what: string): T {
  const value = decodeJsonObject(body, what);
  const status = value.status;
  if (typeof status !== 'string' || !Object.hasOwn(STATUS_CODES, status)) {
    throw malformed(`${what}.status is ${JSON.stringify(status)}; expected a Status name such as "SUCCESS"`);
  }
  return value as unknown as T;
}

function describeOpCodes(): string {
  return Object.entries(OP_CODES)
    .map(([name, code]) => `${code} ${name}`)
    .join(', ');
}

/** Up to `max` bytes as spaced hex, for error messages that show what arrived. */
export function hex(bytes: Buffer, max: number): string {
  const shown = bytes
    .subarray(0, max)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > max ? `${shown} …` : shown || '(nothing)';
}

export function malformed(message: string): RemoteError {
  return new RemoteError('MalformedFrameException', message);
}

/**
 * Protobuf bytes as an attacker writes them, field by field from the .proto's numbers, so a field
 * can carry what no well-behaved encoder writes (a string where a uint64 belongs, a path in an id).
 * Used by the DataNode path test and the all-ports fuzz.
 */
import { DATA_TRANSFER_VERSION, OP_CODES } from '../../cluster/protocol/data-transfer.js';

/** Protobuf's base-128 varint. */
export function varint(value: bigint | number): Buffer {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Buffer.from(out);
}

/** A field: varint (wire type 0) for a number, length-delimited (2) for a string or nested bytes. */
export function field(n: number, value: bigint | number | string | Buffer): Buffer {
  if (typeof value === 'bigint' || typeof value === 'number')
    return Buffer.concat([varint(n << 3), varint(value)]);
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
}

/** A DataTransfer op request: u16 version 28 · u8 op · varint length · the op's message. */
export function opRequest(op: number, body: Buffer): Buffer {
  const prefix = Buffer.alloc(3);
  prefix.writeUInt16BE(DATA_TRANSFER_VERSION);
  prefix[2] = op;
  return Buffer.concat([prefix, varint(body.length), body]);
}

export interface CraftedBlock {
  poolId: string;
  /** A bigint is written as the uint64 the field is; a string as length-delimited bytes. */
  blockId: bigint | string;
  genStamp: bigint | string;
}

/**
 * A WRITE_BLOCK (PIPELINE_SETUP_CREATE, one DataNode, CRC32C per 512 bytes) built from
 * datatransfer.proto's field numbers.
 */
export function craftedWriteBlock(block: CraftedBlock, clientName = 'DFSClient_attacker'): Buffer {
  // ExtendedBlockProto: poolId 1, blockId 2, generationStamp 3, numBytes 4.
  const eb = Buffer.concat([
    field(1, block.poolId),
    field(2, block.blockId),
    field(3, block.genStamp),
    field(4, 0),
  ]);
  // ClientOperationHeaderProto { baseHeader 1 { block 1 }, clientName 2 }.
  const header = Buffer.concat([field(1, field(1, eb)), field(2, clientName)]);
  // OpWriteBlockProto: header 1, stage 4 (PIPELINE_SETUP_CREATE = 6), pipelineSize 5, minBytesRcvd 6,
  // maxBytesRcvd 7, latestGenerationStamp 8, requestedChecksum 9 { type 1 (CRC32C = 2), bytesPerChecksum 2 }.
  const body = Buffer.concat([
    field(1, header),
    field(4, 6),
    field(5, 1),
    field(6, 0),
    field(7, 0),
    field(8, 1001),
    field(9, Buffer.concat([field(1, 2), field(2, 512)])),
  ]);
  return opRequest(OP_CODES.WRITE_BLOCK, body);
}

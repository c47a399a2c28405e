/**
 * Protobuf decoding as a Hadoop peer does it: @bufbuild/protobuf's fromBinary does not check
 * `required` fields, so every decoded message goes through the one checker (required-fields.ts,
 * recursive as protobuf-java and google.golang.org/protobuf are), and every number the wire
 * carries is range-checked when it becomes one of the lab's JS numbers (uint64 arrives as bigint).
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { RemoteError } from './errors.js';
import { missingRequiredField } from './required-fields.js';

/** A message that cannot be read: not protobuf, truncated, or missing a required field. */
export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoDecodeError';
  }
}

/** Decode and check one message; the error text is protobuf-java's. */
export function decodeProto<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  let msg: MessageShape<Desc>;
  try {
    msg = fromBinary(schema, bytes);
  } catch (err) {
    throw new ProtoDecodeError(
      `While parsing a protocol message, the input ended unexpectedly or was malformed (${schema.typeName}: ${(err as Error).message})`,
    );
  }
  const missing = missingRequiredField(schema, msg);
  if (missing !== undefined) {
    // protobuf-java's words, with the field's path below the message (`fs.owner`).
    throw new ProtoDecodeError(
      `Message missing required fields: ${missing.slice(schema.typeName.length + 1)} (${schema.typeName})`,
    );
  }
  return msg;
}

/** Build and encode one message; encoding refuses a missing required field (a bug of ours). */
export function encodeProto<Desc extends DescMessage>(
  schema: Desc,
  init: MessageInitShape<Desc>,
): Uint8Array {
  return toBinary(schema, create(schema, init));
}

/** A wire integer as a JS number within [min, max]; outside it the caller gets HDFS's illegal-argument error. */
export function wireNumber(
  value: bigint | number,
  what: string,
  range: { min?: number; max?: number } = {},
): number {
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const big = typeof value === 'bigint' ? value : BigInt(value);
  if (big < BigInt(min) || big > BigInt(max)) {
    throw new RemoteError(
      'HadoopIllegalArgumentException',
      `${what} = ${big} is out of range [${min}, ${max}]`,
    );
  }
  return Number(big);
}

/** A uint64 that HDFS uses as a signed long (-1 = "none", "unchanged"): reinterpret, then range-check. */
export function wireSignedLong(value: bigint, what: string, min = -1): number {
  return wireNumber(BigInt.asIntN(64, value), what, { min, max: Number.MAX_SAFE_INTEGER });
}

/** A JS number as a uint64 field; negative values travel as two's complement, as Java's long does. */
export function toUint64(value: number): bigint {
  return BigInt.asUintN(64, BigInt(Math.trunc(value)));
}

/** Protobuf's unsigned varint (message lengths: writeDelimitedTo's prefix). */
export function varintBytes(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** One message as writeDelimitedTo writes it: its varint length, then its bytes. */
export function delimitedProto<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Buffer {
  const body = toBinary(schema, create(schema, init));
  return Buffer.concat([varintBytes(body.length), body]);
}

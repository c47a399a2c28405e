/**
 * proto2 `required` fields checked after decoding. @bufbuild/protobuf checks them when it
 * encodes but not when it decodes, and a real HDFS peer (Java's or Go's protobuf) refuses a
 * message that lacks one; the lab refuses such a message from its peers too, naming the field.
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { FeatureSet_FieldPresence } from '@bufbuild/protobuf/wkt';

/**
 * The dotted path of the first required field missing from `message` or from a message inside
 * it (`OpWriteBlockProto.header.baseHeader.block.poolId`), or undefined when all are present.
 */
export function missingRequiredField(schema: DescMessage, message: object): string | undefined {
  return missingIn(schema, message as Record<string, unknown>, schema.typeName);
}

function missingIn(schema: DescMessage, message: Record<string, unknown>, at: string): string | undefined {
  for (const field of schema.fields) {
    const value = message[field.localName];
    if (
      field.presence === FeatureSet_FieldPresence.LEGACY_REQUIRED &&
      !Object.hasOwn(message, field.localName)
    )
      return `${at}.${field.name}`;
    const missing = missingInValue(field, value, `${at}.${field.name}`);
    if (missing) return missing;
  }
  return undefined;
}

function missingInValue(field: DescField, value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (field.fieldKind === 'message') return missingIn(field.message, value as Record<string, unknown>, at);
  if (field.fieldKind === 'list' && field.listKind === 'message') {
    const list = value as Record<string, unknown>[];
    for (let i = 0; i < list.length; i++) {
      const missing = missingIn(field.message, list[i]!, `${at}[${i}]`);
      if (missing) return missing;
    }
  }
  if (field.fieldKind === 'map' && field.mapKind === 'message') {
    for (const [key, inner] of Object.entries(value as Record<string, Record<string, unknown>>)) {
      const missing = missingIn(field.message, inner, `${at}[${key}]`);
      if (missing) return missing;
    }
  }
  return undefined;
}

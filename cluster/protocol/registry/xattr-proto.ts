/**
 * XAttrProto ↔ the lab's XAttr (namespace enum, value bytes ↔ base64), shared by ClientProtocol's
 * xattr methods and the edit log's XAttrEditLogProto.
 */
import { XAttrProto_XAttrNamespaceProto as NS, type XAttrProto } from '../gen/client_protocol_pb.js';
import type { XAttr, XAttrNamespace } from '../messages.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { XAttrProtoSchema } from '../gen/client_protocol_pb.js';

const TO_WIRE: Record<XAttrNamespace, NS> = {
  USER: NS.USER,
  TRUSTED: NS.TRUSTED,
  SECURITY: NS.SECURITY,
  SYSTEM: NS.SYSTEM,
  RAW: NS.RAW,
};

export function xattrToProto(x: {
  namespace: XAttrNamespace;
  name: string;
  value?: string | null;
}): MessageInitShape<typeof XAttrProtoSchema> {
  return {
    namespace: TO_WIRE[x.namespace],
    name: x.name,
    ...(x.value !== null && x.value !== undefined ? { value: Buffer.from(x.value, 'base64') } : {}),
  };
}

/** `hasValue`: whether the value field was present (an empty value is still a value). */
export function xattrFromProto(m: XAttrProto, hasValue: boolean): XAttr {
  const namespace = (Object.keys(TO_WIRE) as XAttrNamespace[]).find((k) => TO_WIRE[k] === m.namespace);
  if (!namespace) throw new RangeError(`XAttrProto namespace ${m.namespace} is not one HDFS has`);
  return { namespace, name: m.name, value: hasValue ? Buffer.from(m.value).toString('base64') : null };
}

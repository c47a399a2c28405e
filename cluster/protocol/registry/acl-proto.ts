/**
 * AclEntryProto / AclStatusProto ↔ the lab's AclEntry and AclStatus, shared by ClientProtocol's
 * ACL methods and the edit log's AclEditLogProto (OP_SET_ACL). The enums' numbers are the
 * ordinals HDFS uses everywhere (scope ACCESS 0 / DEFAULT 1; type USER, GROUP, MASK, OTHER;
 * FsAction NONE..ALL = the rwx bits).
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import type {
  AclEntryProto,
  AclEntryProtoSchema,
  AclStatusProto,
  AclStatusProtoSchema,
} from '../gen/client_protocol_pb.js';
import type { AclEntry, AclEntryScope, AclEntryType, AclStatus } from '../messages.js';

const SCOPES: readonly AclEntryScope[] = ['ACCESS', 'DEFAULT'];
const TYPES: readonly AclEntryType[] = ['USER', 'GROUP', 'MASK', 'OTHER'];

export function aclEntryToProto(e: AclEntry): MessageInitShape<typeof AclEntryProtoSchema> {
  return {
    scope: SCOPES.indexOf(e.scope),
    type: TYPES.indexOf(e.type),
    permissions: e.permission & 7,
    ...(e.name !== null ? { name: e.name } : {}),
  };
}

export function aclEntryFromProto(m: AclEntryProto): AclEntry {
  const scope = SCOPES[m.scope];
  const type = TYPES[m.type];
  if (scope === undefined || type === undefined || m.permissions < 0 || m.permissions > 7)
    throw new RangeError(
      `AclEntryProto scope ${m.scope} type ${m.type} permissions ${m.permissions} is not one HDFS has`,
    );
  // PBHelperClient.convertAclEntry: an absent (or empty) name is the unnamed entry.
  return { scope, type, name: m.name === '' ? null : m.name, permission: m.permissions };
}

export function aclStatusToProto(s: AclStatus): MessageInitShape<typeof AclStatusProtoSchema> {
  return {
    owner: s.owner,
    group: s.group,
    sticky: s.sticky,
    entries: s.entries.map(aclEntryToProto),
    permission: { perm: s.permission },
  };
}

export function aclStatusFromProto(m: AclStatusProto): AclStatus {
  return {
    owner: m.owner,
    group: m.group,
    sticky: m.sticky,
    entries: m.entries.map(aclEntryFromProto),
    permission: (m.permission?.perm ?? 0) & 0o7777,
  };
}

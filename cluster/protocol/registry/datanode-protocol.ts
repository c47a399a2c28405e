/**
 * DatanodeProtocol's table (org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol): what a
 * DataNode asks its NameNode, on datanode_protocol.proto's messages; the converters are in
 * datanode-protocol-codec.ts. Every call but versionRequest carries the DataNode's registration,
 * and the connection is named after the host name in it (the lab's DataNodes are hosts dn1, dn2, …).
 */
import type { DescMessage } from '@bufbuild/protobuf';
import type { DatanodeRegistration, RpcMethod } from '../messages.js';
import {
  CommitBlockSynchronizationRequestProtoSchema,
  CommitBlockSynchronizationResponseProtoSchema,
  ReportBadBlocksRequestProtoSchema,
  ReportBadBlocksResponseProtoSchema,
} from '../gen/datanode_protocol_pb.js';
import { datanodeProtocol as codec, type MethodCodec } from './datanode-protocol-codec.js';
import {
  badReplicasFromProto,
  badReplicasToProto,
  datanodeIdFromProto,
  datanodeIdToProto,
  extendedBlockToProto,
} from './hdfs-types.js';
import { pooledBlockFromProto, toNumber, toU64 } from './server-types.js';
import {
  DATANODE_PROTOCOL,
  protoMethod,
  voidProtoMethod,
  type ProtocolName,
  type ProtocolTable,
} from './types.js';

const P = DATANODE_PROTOCOL;

const callerName = (p: { registration: DatanodeRegistration }): string | undefined =>
  p.registration.datanode.hostName || undefined;

/** A registry entry from a method's converters. */
export function fromCodec<M extends RpcMethod, Req extends DescMessage, Res extends DescMessage>(
  protocol: ProtocolName,
  method: M,
  c: MethodCodec<M, Req, Res>,
  extra: { journalFields?: readonly string[]; callerName?: (params: never) => string | undefined } = {},
) {
  return protoMethod({
    protocol,
    method,
    request: c.request,
    response: c.response,
    toRequest: (p) => c.requestToProto(p),
    fromRequest: (m) => c.requestFromProto(m),
    toResponse: (r) => c.responseToProto(r),
    fromResponse: (m) => c.responseFromProto(m),
    ...(extra.journalFields ? { journalFields: extra.journalFields } : {}),
    ...(extra.callerName ? { callerName: extra.callerName } : {}),
  });
}

export const DATANODE_PROTOCOL_TABLE: ProtocolTable = {
  versionRequest: fromCodec(P, 'versionRequest', codec.versionRequest),
  registerDatanode: fromCodec(P, 'registerDatanode', codec.registerDatanode, { callerName }),
  sendHeartbeat: fromCodec(P, 'sendHeartbeat', codec.sendHeartbeat, { callerName }),
  blockReport: fromCodec(P, 'blockReport', codec.blockReport, { journalFields: ['blocks'], callerName }),
  blockReceivedAndDeleted: fromCodec(P, 'blockReceivedAndDeleted', codec.blockReceivedAndDeleted, {
    journalFields: ['entries'],
    callerName,
  }),
  errorReport: fromCodec(P, 'errorReport', codec.errorReport, { journalFields: ['errorCode'], callerName }),
  // The same message layout as ClientProtocol's: each bad replica a LocatedBlock naming its DataNode.
  reportBadBlocks: voidProtoMethod({
    protocol: P,
    method: 'reportBadBlocks',
    request: ReportBadBlocksRequestProtoSchema,
    response: ReportBadBlocksResponseProtoSchema,
    toRequest: (p) => ({ blocks: badReplicasToProto(p.blocks, '') }),
    fromRequest: (m) => ({ blocks: badReplicasFromProto(m.blocks) }),
    journalFields: ['blocks'],
  }),
  // BlockRecoveryWorker.syncBlock's last call: no registration, the block says what it is about.
  commitBlockSynchronization: voidProtoMethod({
    protocol: P,
    method: 'commitBlockSynchronization',
    request: CommitBlockSynchronizationRequestProtoSchema,
    response: CommitBlockSynchronizationResponseProtoSchema,
    toRequest: (p) => ({
      block: extendedBlockToProto(p.block, p.poolId),
      newGenStamp: toU64(p.newGenStamp, 'newGenStamp'),
      newLength: toU64(p.newLength, 'newLength'),
      closeFile: p.closeFile,
      deleteBlock: p.deleteBlock,
      newTaragets: p.newTargets.map(datanodeIdToProto),
      newTargetStorages: p.newTargetStorages,
    }),
    fromRequest: (m) => ({
      ...pooledBlockFromProto(m.block),
      newGenStamp: toNumber(m.newGenStamp, 'newGenStamp'),
      newLength: toNumber(m.newLength, 'newLength'),
      closeFile: m.closeFile,
      deleteBlock: m.deleteBlock,
      newTargets: m.newTaragets.map((id, i) => datanodeIdFromProto(id, m.newTargetStorages[i] ?? '')),
      newTargetStorages: m.newTargetStorages,
    }),
    journalFields: ['block', 'newGenStamp', 'newLength', 'closeFile', 'deleteBlock'],
  }),
};

/**
 * InterDatanodeProtocol's table (org.apache.hadoop.hdfs.server.protocol.InterDatanodeProtocol):
 * what the primary DataNode of a block recovery (BlockRecoveryWorker) asks each DataNode holding
 * the block, itself included, on its IPC port, on inter_datanode_protocol.proto's messages
 * (InterDatanodeProtocolServerSideTranslatorPB's conversions).
 */
import * as idp from '../gen/inter_datanode_protocol_pb.js';
import type { ReplicaStateProto } from '../gen/hdfs_server_pb.js';
import { REPORTED_REPLICA_STATES } from '../messages.js';
import { recoveringBlockFromProto, recoveringBlockToProto } from './datanode-protocol-codec.js';
import { extendedBlockToProto } from './hdfs-types.js';
import {
  blockFromProto,
  blockToProto,
  pooledBlockFromProto,
  required,
  toNumber,
  toU64,
} from './server-types.js';
import { INTER_DATANODE_PROTOCOL, protoMethod, type ProtocolTable } from './types.js';

const P = INTER_DATANODE_PROTOCOL;

export const INTER_DATANODE_PROTOCOL_TABLE: ProtocolTable = {
  initReplicaRecovery: protoMethod({
    protocol: P,
    method: 'initReplicaRecovery',
    request: idp.InitReplicaRecoveryRequestProtoSchema,
    response: idp.InitReplicaRecoveryResponseProtoSchema,
    toRequest: (p) => ({ block: recoveringBlockToProto(p) }),
    fromRequest: (m) => recoveringBlockFromProto(required(m.block, 'block')),
    // No replica: replicaFound false and nothing else (the translator's VOID_INIT_REPLICA_RECOVERY_RESP).
    toResponse: (r) =>
      r === null
        ? { replicaFound: false }
        : {
            replicaFound: true,
            state: REPORTED_REPLICA_STATES.indexOf(r.state) as ReplicaStateProto,
            block: blockToProto(r),
          },
    fromResponse: (m) => {
      if (!m.replicaFound) return null;
      const block = blockFromProto(required(m.block, 'block'));
      const state = REPORTED_REPLICA_STATES[m.state];
      return { ...block, state: required(state, 'state') };
    },
    journalFields: ['block', 'newGenStamp'],
  }),
  updateReplicaUnderRecovery: protoMethod({
    protocol: P,
    method: 'updateReplicaUnderRecovery',
    request: idp.UpdateReplicaUnderRecoveryRequestProtoSchema,
    response: idp.UpdateReplicaUnderRecoveryResponseProtoSchema,
    toRequest: (p) => ({
      block: extendedBlockToProto(p.block, p.poolId),
      recoveryId: toU64(p.recoveryId, 'recoveryId'),
      newLength: toU64(p.newLength, 'newLength'),
      newBlockId: toU64(p.newBlockId, 'newBlockId'),
    }),
    fromRequest: (m) => ({
      ...pooledBlockFromProto(m.block),
      recoveryId: toNumber(m.recoveryId, 'recoveryId'),
      newLength: toNumber(m.newLength, 'newLength'),
      newBlockId: toNumber(m.newBlockId, 'newBlockId'),
    }),
    toResponse: (r) => ({ storageUuid: r.storageUuid }),
    fromResponse: (m) => ({ storageUuid: m.storageUuid }),
    journalFields: ['block', 'recoveryId', 'newLength', 'newBlockId'],
  }),
};

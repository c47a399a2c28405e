/**
 * ClientDatanodeProtocol's table (org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol): what a
 * client (DFSInputStream.readBlockLength) or an administrator (`dfsadmin -getDatanodeInfo`,
 * `-triggerBlockReport`, `-shutdownDatanode`, `-getBalancerBandwidth`) asks one DataNode on its
 * IPC port, on client_datanode_protocol.proto's messages. A method the lab does not serve
 * (deleteBlockPool, startReconfiguration, evictWriters, getVolumeReport, the disk balancer's) is
 * answered as Hadoop answers a method its server lacks: RpcNoSuchMethodException.
 */
import * as cdp from '../gen/client_datanode_protocol_pb.js';
import { extendedBlockToProto } from './hdfs-types.js';
import { pooledBlockFromProto, required, toNumber, toU64 } from './server-types.js';
import { CLIENT_DATANODE_PROTOCOL, protoMethod, voidProtoMethod, type ProtocolTable } from './types.js';

const P = CLIENT_DATANODE_PROTOCOL;

export const CLIENT_DATANODE_PROTOCOL_TABLE: ProtocolTable = {
  getReplicaVisibleLength: protoMethod({
    protocol: P,
    method: 'getReplicaVisibleLength',
    request: cdp.GetReplicaVisibleLengthRequestProtoSchema,
    response: cdp.GetReplicaVisibleLengthResponseProtoSchema,
    toRequest: (p) => ({ block: extendedBlockToProto(p.block, p.poolId) }),
    fromRequest: (m) => pooledBlockFromProto(m.block),
    // A uint64 Java reads as a long: an RWR replica's -1 (no byte visible) is 2^64 - 1 on the wire.
    toResponse: (r) => ({ length: BigInt.asUintN(64, BigInt(r.length)) }),
    fromResponse: (m) => ({ length: toNumber(BigInt.asIntN(64, m.length), 'length') }),
    journalFields: ['block'],
  }),
  getDatanodeInfo: protoMethod({
    protocol: P,
    method: 'getDatanodeInfo',
    request: cdp.GetDatanodeInfoRequestProtoSchema,
    response: cdp.GetDatanodeInfoResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    toResponse: (r) => ({
      localInfo: {
        softwareVersion: r.softwareVersion,
        configVersion: r.configVersion,
        uptime: toU64(r.uptimeSec, 'uptime'),
      },
    }),
    fromResponse: (m) => {
      const info = required(m.localInfo, 'localInfo');
      return {
        softwareVersion: info.softwareVersion,
        configVersion: info.configVersion,
        uptimeSec: toNumber(info.uptime, 'uptime'),
      };
    },
  }),
  triggerBlockReport: voidProtoMethod({
    protocol: P,
    method: 'triggerBlockReport',
    request: cdp.TriggerBlockReportRequestProtoSchema,
    response: cdp.TriggerBlockReportResponseProtoSchema,
    toRequest: (p) => ({ incremental: p.incremental, ...(p.nnAddress ? { nnAddress: p.nnAddress } : {}) }),
    fromRequest: (m) => ({ incremental: m.incremental, ...(m.nnAddress ? { nnAddress: m.nnAddress } : {}) }),
    journalFields: ['incremental'],
  }),
  shutdownDatanode: voidProtoMethod({
    protocol: P,
    method: 'shutdownDatanode',
    request: cdp.ShutdownDatanodeRequestProtoSchema,
    response: cdp.ShutdownDatanodeResponseProtoSchema,
    toRequest: (p) => ({ forUpgrade: p.forUpgrade }),
    fromRequest: (m) => ({ forUpgrade: m.forUpgrade }),
    journalFields: ['forUpgrade'],
  }),
  getBalancerBandwidth: protoMethod({
    protocol: P,
    method: 'getBalancerBandwidth',
    request: cdp.GetBalancerBandwidthRequestProtoSchema,
    response: cdp.GetBalancerBandwidthResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    toResponse: (r) => ({ bandwidth: toU64(r.bytesPerSec, 'bandwidth') }),
    fromResponse: (m) => ({ bytesPerSec: toNumber(m.bandwidth, 'bandwidth') }),
  }),
  refreshNamenodes: voidProtoMethod({
    protocol: P,
    method: 'refreshNamenodes',
    request: cdp.RefreshNamenodesRequestProtoSchema,
    response: cdp.RefreshNamenodesResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
  }),
  getReconfigurationStatus: protoMethod({
    protocol: P,
    method: 'getReconfigurationStatus',
    request: cdp.GetReconfigurationStatusRequestProtoSchema,
    response: cdp.GetReconfigurationStatusResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    // ReconfigurationProtocolServerSideUtils: the start time always, no end time or changes while
    // no task ever ran.
    toResponse: (r) => ({ startTime: BigInt(r.startTimeMs) }),
    fromResponse: (m) => ({ startTimeMs: toNumber(m.startTime, 'startTime') }),
  }),
};

/**
 * NamenodeProtocol (`org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol`, version 1) on the
 * wire: the Secondary NameNode's calls (versionRequest, getTransactionId, rollEditLog,
 * getEditLogManifest, getMostRecentCheckpointTxId), their messages and the pure converters to
 * and from the lab's internal types. The image and the edits themselves move over HTTP
 * (/imagetransfer). Facts: Hadoop's NamenodeProtocol.proto.
 */
import { create } from '@bufbuild/protobuf';
import {
  CheckpointSignatureProtoSchema,
  VersionRequestProtoSchema,
  VersionResponseProtoSchema,
} from '../gen/hdfs_server_pb.js';
import {
  GetEditLogManifestRequestProtoSchema,
  GetEditLogManifestResponseProtoSchema,
  GetMostRecentCheckpointTxIdRequestProtoSchema,
  GetMostRecentCheckpointTxIdResponseProtoSchema,
  GetTransactionIdRequestProtoSchema,
  GetTransactionIdResponseProtoSchema,
  RollEditLogRequestProtoSchema,
  RollEditLogResponseProtoSchema,
} from '../gen/namenode_protocol_pb.js';
import { datanodeProtocol, type MethodCodec } from './datanode-protocol-codec.js';
import { required, storageInfoFromProto, storageInfoToProto, toNumber, toU64 } from './server-types.js';

export const NAMENODE_PROTOCOL = 'org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol';
export const NAMENODE_PROTOCOL_VERSION = 1;

export const namenodeProtocol = {
  /** The same messages as DatanodeProtocol's versionRequest. */
  versionRequest: datanodeProtocol.versionRequest as MethodCodec<
    'versionRequest',
    typeof VersionRequestProtoSchema,
    typeof VersionResponseProtoSchema
  >,

  getTransactionId: {
    request: GetTransactionIdRequestProtoSchema,
    response: GetTransactionIdResponseProtoSchema,
    requestToProto: () => create(GetTransactionIdRequestProtoSchema),
    requestFromProto: () => ({}),
    responseToProto: (res) => create(GetTransactionIdResponseProtoSchema, { txId: toU64(res.txid, 'txId') }),
    responseFromProto: (proto) => ({ txid: toNumber(proto.txId, 'txId') }),
  } satisfies MethodCodec<
    'getTransactionId',
    typeof GetTransactionIdRequestProtoSchema,
    typeof GetTransactionIdResponseProtoSchema
  >,

  getMostRecentCheckpointTxId: {
    request: GetMostRecentCheckpointTxIdRequestProtoSchema,
    response: GetMostRecentCheckpointTxIdResponseProtoSchema,
    requestToProto: () => create(GetMostRecentCheckpointTxIdRequestProtoSchema),
    requestFromProto: () => ({}),
    responseToProto: (res) =>
      create(GetMostRecentCheckpointTxIdResponseProtoSchema, { txId: toU64(res.txid, 'txId') }),
    responseFromProto: (proto) => ({ txid: toNumber(proto.txId, 'txId') }),
  } satisfies MethodCodec<
    'getMostRecentCheckpointTxId',
    typeof GetMostRecentCheckpointTxIdRequestProtoSchema,
    typeof GetMostRecentCheckpointTxIdResponseProtoSchema
  >,

  rollEditLog: {
    request: RollEditLogRequestProtoSchema,
    response: RollEditLogResponseProtoSchema,
    requestToProto: () => create(RollEditLogRequestProtoSchema),
    requestFromProto: () => ({}),
    responseToProto: (res) =>
      create(RollEditLogResponseProtoSchema, {
        signature: create(CheckpointSignatureProtoSchema, {
          blockPoolId: res.signature.blockPoolId,
          mostRecentCheckpointTxId: toU64(res.signature.mostRecentCheckpointTxid, 'mostRecentCheckpointTxId'),
          curSegmentTxId: toU64(res.signature.curSegmentTxid, 'curSegmentTxId'),
          storageInfo: storageInfoToProto(res.signature.storageInfo),
        }),
      }),
    responseFromProto: (proto) => {
      const sig = required(proto.signature, 'RollEditLogResponseProto.signature');
      return {
        signature: {
          blockPoolId: sig.blockPoolId,
          mostRecentCheckpointTxid: toNumber(sig.mostRecentCheckpointTxId, 'mostRecentCheckpointTxId'),
          curSegmentTxid: toNumber(sig.curSegmentTxId, 'curSegmentTxId'),
          storageInfo: storageInfoFromProto(
            required(sig.storageInfo, 'CheckpointSignatureProto.storageInfo'),
          ),
        },
      };
    },
  } satisfies MethodCodec<
    'rollEditLog',
    typeof RollEditLogRequestProtoSchema,
    typeof RollEditLogResponseProtoSchema
  >,

  getEditLogManifest: {
    request: GetEditLogManifestRequestProtoSchema,
    response: GetEditLogManifestResponseProtoSchema,
    requestToProto: (req) =>
      create(GetEditLogManifestRequestProtoSchema, { sinceTxId: toU64(req.sinceTxid, 'sinceTxId') }),
    requestFromProto: (proto) => ({ sinceTxid: toNumber(proto.sinceTxId, 'sinceTxId') }),
    responseToProto: (res) =>
      create(GetEditLogManifestResponseProtoSchema, {
        manifest: {
          logs: res.segments.map((s) => ({
            startTxId: toU64(s.startTxid, 'startTxId'),
            endTxId: toU64(s.endTxid, 'endTxId'),
            isInProgress: s.isInProgress,
          })),
        },
      }),
    responseFromProto: (proto) => ({
      segments: required(proto.manifest, 'GetEditLogManifestResponseProto.manifest').logs.map((l) => ({
        startTxid: toNumber(l.startTxId, 'startTxId'),
        endTxid: toNumber(l.endTxId, 'endTxId'),
        isInProgress: l.isInProgress,
      })),
    }),
  } satisfies MethodCodec<
    'getEditLogManifest',
    typeof GetEditLogManifestRequestProtoSchema,
    typeof GetEditLogManifestResponseProtoSchema
  >,
};

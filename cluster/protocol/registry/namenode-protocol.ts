/**
 * NamenodeProtocol's table (org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol): the
 * Secondary NameNode's calls on namenode_protocol.proto's messages; the converters are in
 * namenode-protocol-codec.ts.
 */
import { fromCodec } from './datanode-protocol.js';
import { namenodeProtocol as codec } from './namenode-protocol-codec.js';
import { NAMENODE_PROTOCOL, type ProtocolTable } from './types.js';

const P = NAMENODE_PROTOCOL;

export const NAMENODE_PROTOCOL_TABLE: ProtocolTable = {
  versionRequest: fromCodec(P, 'versionRequest', codec.versionRequest),
  getTransactionId: fromCodec(P, 'getTransactionId', codec.getTransactionId),
  getMostRecentCheckpointTxId: fromCodec(P, 'getMostRecentCheckpointTxId', codec.getMostRecentCheckpointTxId),
  rollEditLog: fromCodec(P, 'rollEditLog', codec.rollEditLog),
  getEditLogManifest: fromCodec(P, 'getEditLogManifest', codec.getEditLogManifest),
};

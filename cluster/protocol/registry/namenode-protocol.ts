/**
 * NamenodeProtocol's table (org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol): the
 * Secondary NameNode's calls. Helper `dnproto` replaces these placeholder entries with
 * namenode_protocol.proto messages (`protoMethod`); until then they ride the real IPC framing
 * with a JSON payload.
 */
import { NAMENODE_PROTOCOL, jsonMethod, type ProtocolTable } from './types.js';

const P = NAMENODE_PROTOCOL;

export const NAMENODE_PROTOCOL_TABLE: ProtocolTable = {
  versionRequest: jsonMethod({ protocol: P, method: 'versionRequest' }),
  getTransactionId: jsonMethod({ protocol: P, method: 'getTransactionId' }),
  getMostRecentCheckpointTxId: jsonMethod({ protocol: P, method: 'getMostRecentCheckpointTxId' }),
  rollEditLog: jsonMethod({ protocol: P, method: 'rollEditLog' }),
  getEditLogManifest: jsonMethod({ protocol: P, method: 'getEditLogManifest' }),
};

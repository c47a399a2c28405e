/**
 * DatanodeProtocol's table (org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol): what a
 * DataNode asks its NameNode. Helper `dnproto` replaces these placeholder entries with
 * datanode_protocol.proto messages (`protoMethod`, as in client-protocol.ts); until then the
 * requests ride the real IPC framing with a JSON payload.
 */
import { DATANODE_PROTOCOL, jsonMethod, type ProtocolTable } from './types.js';

const P = DATANODE_PROTOCOL;

export const DATANODE_PROTOCOL_TABLE: ProtocolTable = {
  versionRequest: jsonMethod({ protocol: P, method: 'versionRequest' }),
  registerDatanode: jsonMethod({
    protocol: P,
    method: 'registerDatanode',
    callerName: (p) => p.registration.datanode.name,
  }),
  sendHeartbeat: jsonMethod({
    protocol: P,
    method: 'sendHeartbeat',
    journalFields: ['xceiverCount', 'dfsUsed'],
    callerName: (p) => p.registration.datanode.name,
  }),
  blockReport: jsonMethod({
    protocol: P,
    method: 'blockReport',
    journalFields: ['blocks'],
    callerName: (p) => p.registration.datanode.name,
  }),
  blockReceivedAndDeleted: jsonMethod({
    protocol: P,
    method: 'blockReceivedAndDeleted',
    journalFields: ['entries'],
    callerName: (p) => p.registration.datanode.name,
  }),
  errorReport: jsonMethod({ protocol: P, method: 'errorReport' }),
  reportBadBlocks: jsonMethod({ protocol: P, method: 'reportBadBlocks', journalFields: ['blocks'] }),
};
